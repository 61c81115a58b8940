import { z } from '@hono/zod-openapi';
import { getDb } from '../db/client';
import { userView } from '../domain/auth';
import { confirmEmailChange, getUser, listSessions, revokeOtherSessions, revokeOwnSession, twoFactorRequiredBy, updateProfile } from '../domain/account';
import { beginTotpSetup, disableTotp, enableTotp, regenerateBackupCodes, remainingBackupCodes } from '../domain/two-factor';
import { encryptionKeys } from '../env';
import { userOf } from '../middleware/auth';
import type { App } from '../types';
import { clientInfo } from './context';
import { defineRoute } from './define';
import { Email, IdParam, Password, Timestamp, UserView, errors, json, jsonBody, noContent } from './schemas';

const Session = z
  .object({
    id: z.string(),
    tenant_id: z.string(),
    tenant_name: z.string(),
    device: z.string().openapi({ example: 'Firefox on macOS' }),
    ip: z.string().nullable(),
    created_at: Timestamp,
    last_seen_at: Timestamp,
    current: z.boolean(),
  })
  .openapi('Session');
const Code = z.string().trim().min(6).max(20).openapi({ description: 'A 6-digit code from the authenticator app (or a backup code where accepted)' });
const BackupCodes = z.object({ backup_codes: z.array(z.string()).openapi({ description: 'Shown once; each works once' }) });
const TwoFactorStatus = z.object({ enabled: z.boolean(), backup_codes_remaining: z.number().int(), required_by: z.string().nullable() });

const tags = ['Account'];
const routes = {
  patchMe: defineRoute({
    method: 'patch', path: '/v1/me', access: 'user', tags,
    summary: 'Change your name, email (confirmed by link) or password (ends other sessions)',
    request: {
      body: jsonBody(
        z
          .object({ name: z.string().trim().max(100).nullable(), email: Email, current_password: Password, new_password: Password })
          .partial()
          .strict(),
      ),
    },
    responses: { 200: json(z.object({ user: UserView, pending_email: z.string().nullable() })), 400: errors[400], 401: errors[401], 409: errors[409], 422: errors[422] },
  }),
  confirmEmailChange: defineRoute({
    method: 'post', path: '/v1/auth/email-change/confirm', access: 'public', tags,
    summary: 'Confirm a new email address with the link sent to it',
    request: { body: jsonBody(z.object({ token: z.string().min(1).max(200) })) },
    responses: { 204: noContent, 401: errors[401], 409: errors[409] },
  }),
  sessions: defineRoute({
    method: 'get', path: '/v1/sessions', access: 'user', tags, summary: 'Your active sessions (device, IP, last seen)',
    responses: { 200: json(z.object({ data: z.array(Session), next_cursor: z.null() })), 401: errors[401] },
  }),
  revokeSession: defineRoute({
    method: 'delete', path: '/v1/sessions/{id}', access: 'user', tags, summary: 'Sign out one of your sessions',
    request: { params: IdParam('ses_01hx…') }, responses: { 204: noContent, 404: errors[404] },
  }),
  revokeOthers: defineRoute({
    method: 'post', path: '/v1/sessions/revoke-others', access: 'user', tags, summary: 'Sign out every session but this one',
    responses: { 204: noContent, 401: errors[401] },
  }),
  twoFactorStatus: defineRoute({
    method: 'get', path: '/v1/auth/2fa', access: 'user', tags, summary: 'Whether two-factor authentication is on, and whether it may be turned off',
    responses: { 200: json(TwoFactorStatus), 401: errors[401] },
  }),
  setup: defineRoute({
    method: 'post', path: '/v1/auth/2fa/setup', access: 'user', tags, summary: 'Start enrolling an authenticator app: secret, otpauth:// URL and QR code (SVG)',
    responses: { 200: json(z.object({ secret: z.string(), otpauth_url: z.string(), qr_svg: z.string() })), 409: errors[409] },
  }),
  enable: defineRoute({
    method: 'post', path: '/v1/auth/2fa/enable', access: 'user', tags, summary: 'Confirm enrolment with a code; returns 10 single-use backup codes',
    request: { body: jsonBody(z.object({ code: Code })) }, responses: { 200: json(BackupCodes), 401: errors[401], 409: errors[409] },
  }),
  disable: defineRoute({
    method: 'post', path: '/v1/auth/2fa/disable', access: 'user', tags, summary: 'Turn two-factor authentication off (password and code required)',
    request: { body: jsonBody(z.object({ password: Password, code: Code })) }, responses: { 204: noContent, 401: errors[401], 409: errors[409] },
  }),
  backupCodes: defineRoute({
    method: 'post', path: '/v1/auth/2fa/backup-codes', access: 'user', tags, summary: 'Replace the backup codes (the old ones stop working)',
    request: { body: jsonBody(z.object({ code: Code })) }, responses: { 200: json(BackupCodes), 401: errors[401], 409: errors[409] },
  }),
};

export function registerAccount(app: App) {
  app.openapi(routes.patchMe, async (c) => {
    const { user, pendingEmail } = await updateProfile(c.env, getDb(c.env), userOf(c.get('principal')), c.req.valid('json'), clientInfo(c).ip);
    return c.json({ user: userView(user), pending_email: pendingEmail }, 200);
  });
  app.openapi(routes.confirmEmailChange, async (c) => {
    await confirmEmailChange(getDb(c.env), c.req.valid('json').token, clientInfo(c).ip);
    return c.body(null, 204);
  });
  app.openapi(routes.sessions, async (c) => c.json({ data: await listSessions(getDb(c.env), userOf(c.get('principal'))), next_cursor: null }, 200));
  app.openapi(routes.revokeOthers, async (c) => {
    await revokeOtherSessions(getDb(c.env), userOf(c.get('principal')), clientInfo(c).ip);
    return c.body(null, 204);
  });
  app.openapi(routes.revokeSession, async (c) => {
    await revokeOwnSession(getDb(c.env), userOf(c.get('principal')), c.req.valid('param').id, clientInfo(c).ip);
    return c.body(null, 204);
  });
  app.openapi(routes.twoFactorStatus, async (c) => {
    const db = getDb(c.env);
    const user = await getUser(db, userOf(c.get('principal')).userId);
    return c.json({ enabled: Boolean(user.totpEnabledAt), backup_codes_remaining: await remainingBackupCodes(db, user.id), required_by: await twoFactorRequiredBy(c.env, db, user) }, 200);
  });
  app.openapi(routes.setup, async (c) => {
    const db = getDb(c.env);
    return c.json(await beginTotpSetup(db, encryptionKeys(c.env), await getUser(db, userOf(c.get('principal')).userId)), 200);
  });
  app.openapi(routes.enable, async (c) => {
    const db = getDb(c.env);
    const p = userOf(c.get('principal'));
    const codes = await enableTotp(db, encryptionKeys(c.env), await getUser(db, p.userId), c.req.valid('json').code, p.tenantId, clientInfo(c).ip);
    return c.json({ backup_codes: codes }, 200);
  });
  app.openapi(routes.disable, async (c) => {
    const db = getDb(c.env);
    const p = userOf(c.get('principal'));
    const user = await getUser(db, p.userId);
    await disableTotp(db, encryptionKeys(c.env), user, c.req.valid('json'), { requiredBy: await twoFactorRequiredBy(c.env, db, user) }, p.tenantId, clientInfo(c).ip);
    return c.body(null, 204);
  });
  app.openapi(routes.backupCodes, async (c) => {
    const db = getDb(c.env);
    const p = userOf(c.get('principal'));
    const codes = await regenerateBackupCodes(db, encryptionKeys(c.env), await getUser(db, p.userId), c.req.valid('json').code, p.tenantId, clientInfo(c).ip);
    return c.json({ backup_codes: codes }, 200);
  });
}
