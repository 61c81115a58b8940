import { and, eq, isNull } from 'drizzle-orm';
import { jwtVerify, SignJWT } from 'jose';
import { Secret, TOTP } from 'otpauth';
import { renderSVG } from 'uqr';
import type { DB } from '../db/client';

/** The current encryption key first, then previous ones (env.encryptionKeys). */
export type EncryptionKeys = readonly [string, ...string[]];
import { totpBackupCodes, users, type User } from '../db/schema';
import { decryptSecret, encryptSecret, randomBytes, sha256Hex, verifyPassword } from '../lib/crypto';
import { utf8 } from '../lib/encoding';
import { ID_PREFIX, newId } from '../lib/ids';
import { Problem } from '../lib/problem';
import { auditStatement } from './audit';

/** RFC 6238 with the parameters every authenticator app supports. */
const PERIOD = 30;
const BACKUP_CODE_COUNT = 10;
const MFA_TOKEN_TTL_SECONDS = 5 * 60;
const MFA_AUDIENCE = 'edgepost-mfa';

function totpFor(user: Pick<User, 'email'>, secretBase32: string) {
  return new TOTP({ issuer: 'Edgepost', label: user.email, algorithm: 'SHA1', digits: 6, period: PERIOD, secret: Secret.fromBase32(secretBase32) });
}

/** Starts enrolment: a new secret (not active until confirmed with a code), its otpauth:// URL and a QR code. */
export async function beginTotpSetup(db: DB, keys: EncryptionKeys, user: User) {
  if (user.totpEnabledAt) throw new Problem('conflict', 'Two-factor authentication is already on. Turn it off first to enrol a new device.');
  const secret = new Secret({ size: 20 });
  const totp = totpFor(user, secret.base32);
  await db.update(users).set({ totpSecret: await encryptSecret(keys[0], secret.base32), updatedAt: new Date() }).where(eq(users.id, user.id)).run();
  const url = totp.toString();
  return { secret: secret.base32, otpauth_url: url, qr_svg: renderSVG(url, { border: 2 }) };
}

/**
 * Checks a 6-digit code (±1 step for clock drift) and refuses a step already used, so a code seen
 * over someone's shoulder cannot be replayed within its window.
 */
async function acceptTotpCode(db: DB, keys: EncryptionKeys, user: User, code: string, now = Date.now()): Promise<boolean> {
  if (!user.totpSecret || !/^\d{6}$/.test(code)) return false;
  const totp = totpFor(user, await decryptSecret(keys, user.totpSecret));
  const delta = totp.validate({ token: code, timestamp: now, window: 1 });
  if (delta === null) return false;
  const step = Math.floor(now / 1000 / PERIOD) + delta;
  if (user.totpLastStep !== null && step <= user.totpLastStep) return false;
  const claimed = await db.update(users).set({ totpLastStep: step }).where(eq(users.id, user.id)).returning({ id: users.id }).get();
  return Boolean(claimed);
}

function newBackupCode(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789';
  const chars = Array.from(randomBytes(10), (b) => alphabet[b % alphabet.length]).join('');
  return `${chars.slice(0, 5)}-${chars.slice(5)}`;
}

const normalizeBackupCode = (code: string) => code.trim().toLowerCase().replace(/[^a-z0-9]/g, '');

async function replaceBackupCodes(db: DB, userId: string) {
  const codes = Array.from({ length: BACKUP_CODE_COUNT }, newBackupCode);
  const rows = await Promise.all(codes.map(async (c) => ({ id: newId(ID_PREFIX.backupCode), userId, codeHash: await sha256Hex(normalizeBackupCode(c)) })));
  return { codes, statements: [db.delete(totpBackupCodes).where(eq(totpBackupCodes.userId, userId)), db.insert(totpBackupCodes).values(rows)] as const };
}

/** Confirms enrolment with a code from the app; returns the 10 single-use backup codes, shown once. */
export async function enableTotp(db: DB, keys: EncryptionKeys, user: User, code: string, tenantId: string, ip: string | null) {
  if (user.totpEnabledAt) throw new Problem('conflict', 'Two-factor authentication is already on.');
  if (!user.totpSecret) throw new Problem('conflict', 'Start the setup first.');
  if (!(await acceptTotpCode(db, keys, user, code))) throw invalidCode();
  const backup = await replaceBackupCodes(db, user.id);
  await db.batch([
    db.update(users).set({ totpEnabledAt: new Date(), updatedAt: new Date() }).where(eq(users.id, user.id)),
    ...backup.statements,
    auditStatement(db, { tenantId, actor: { type: 'user', id: user.id }, action: 'user.2fa_enabled', target: { type: 'user', id: user.id }, ip }),
  ]);
  return backup.codes;
}

export async function regenerateBackupCodes(db: DB, keys: EncryptionKeys, user: User, code: string, tenantId: string, ip: string | null) {
  if (!user.totpEnabledAt) throw new Problem('conflict', 'Two-factor authentication is off.');
  if (!(await acceptTotpCode(db, keys, user, code))) throw invalidCode();
  const backup = await replaceBackupCodes(db, user.id);
  await db.batch([...backup.statements, auditStatement(db, { tenantId, actor: { type: 'user', id: user.id }, action: 'user.2fa_backup_codes_regenerated', target: { type: 'user', id: user.id }, ip })]);
  return backup.codes;
}

export async function disableTotp(db: DB, keys: EncryptionKeys, user: User, input: { password: string; code: string }, blockers: { requiredBy: string | null }, tenantId: string, ip: string | null) {
  if (!user.totpEnabledAt) throw new Problem('conflict', 'Two-factor authentication is already off.');
  if (blockers.requiredBy) throw new Problem('conflict', `Two-factor authentication is required ${blockers.requiredBy}; it cannot be turned off.`);
  if (!(await verifyPassword(input.password, user.passwordHash))) throw new Problem('invalid-credentials', 'The password is not correct.');
  if (!(await verifySecondFactor(db, keys, user, input.code))) throw invalidCode();
  await db.batch([
    db.update(users).set({ totpSecret: null, totpEnabledAt: null, totpLastStep: null, updatedAt: new Date() }).where(eq(users.id, user.id)),
    db.delete(totpBackupCodes).where(eq(totpBackupCodes.userId, user.id)),
    auditStatement(db, { tenantId, actor: { type: 'user', id: user.id }, action: 'user.2fa_disabled', target: { type: 'user', id: user.id }, ip }),
  ]);
}

/** A 6-digit TOTP code, or a backup code (which is then spent). */
export async function verifySecondFactor(db: DB, keys: EncryptionKeys, user: User, code: string): Promise<boolean> {
  if (/^\d{6}$/.test(code.trim())) return acceptTotpCode(db, keys, user, code.trim());
  const hash = await sha256Hex(normalizeBackupCode(code));
  const spent = await db
    .update(totpBackupCodes)
    .set({ usedAt: new Date() })
    .where(and(eq(totpBackupCodes.userId, user.id), eq(totpBackupCodes.codeHash, hash), isNull(totpBackupCodes.usedAt)))
    .returning({ id: totpBackupCodes.id })
    .get();
  return Boolean(spent);
}

export async function remainingBackupCodes(db: DB, userId: string) {
  const rows = await db.select({ id: totpBackupCodes.id }).from(totpBackupCodes).where(and(eq(totpBackupCodes.userId, userId), isNull(totpBackupCodes.usedAt))).all();
  return rows.length;
}

const invalidCode = () =>
  new Problem('invalid-credentials', 'The code is not valid. Use the current code from your authenticator app, or one of your backup codes.', {
    extensions: { errors: [{ field: 'code', message: 'invalid code' }] },
  });

/** After a correct password, a short-lived token that only the second step accepts. */
export async function signMfaToken(jwtSecret: string, who: { userId: string; tenantId: string }) {
  return new SignJWT({ tid: who.tenantId })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(who.userId)
    .setAudience(MFA_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${MFA_TOKEN_TTL_SECONDS}s`)
    .sign(utf8(jwtSecret));
}

export async function verifyMfaToken(jwtSecret: string, token: string) {
  try {
    const { payload } = await jwtVerify(token, utf8(jwtSecret), { audience: MFA_AUDIENCE, algorithms: ['HS256'] });
    if (typeof payload.sub !== 'string' || typeof payload.tid !== 'string') throw new Error('claims');
    return { userId: payload.sub, tenantId: payload.tid };
  } catch {
    throw new Problem('invalid-token', 'The sign-in step has expired; enter your email and password again.');
  }
}

