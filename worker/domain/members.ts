import { and, count, desc, eq, gt, isNull, lt } from 'drizzle-orm';
import type { DB } from '../db/client';
import { invitations, memberships, tenants, users, type Role } from '../db/schema';
import type { TenantScope } from '../db/tenant-scope';
import { config, type Env } from '../env';
import { hashPassword, randomToken, sha256Hex, verifyPassword } from '../lib/crypto';
import { ID_PREFIX, newId } from '../lib/ids';
import { decodeCursor, toPage } from '../lib/pagination';
import { Problem, notFound } from '../lib/problem';
import { auditStatement } from './audit';
import { normalizeEmail, signedIn } from './auth';
import { assertStrongPassword } from './passwords';
import { countSeats, effectiveLimits } from './plan-limits';
import { ROLE_RANK } from './permissions';
import type { ClientInfo } from './sessions';
import { sendSystemEmail } from './system-mail';

export const INVITATION_TTL_MS = 7 * 24 * 3600_000;

export interface Actor {
  userId: string;
  role: Role;
}

function assertMayGrant(actor: Actor, role: Role) {
  if (ROLE_RANK[role] > ROLE_RANK[actor.role]) {
    throw new Problem('forbidden', `An ${actor.role} cannot grant the ${role} role.`);
  }
}

function memberRows(scope: TenantScope) {
  return scope.db
    .select({ id: memberships.id, userId: users.id, email: users.email, name: users.name, role: memberships.role, createdAt: memberships.createdAt })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId));
}

const memberView = (r: { id: string; userId: string; email: string; name: string | null; role: Role; createdAt: Date }) => ({
  id: r.id,
  user_id: r.userId,
  email: r.email,
  name: r.name,
  role: r.role,
  created_at: r.createdAt.toISOString(),
});

export async function listMembers(scope: TenantScope, page: { limit: number; cursor?: string }) {
  const after = decodeCursor(page.cursor);
  const rows = await memberRows(scope)
    .where(scope.own(memberships, after ? lt(memberships.id, after) : undefined))
    .orderBy(desc(memberships.id))
    .limit(page.limit + 1)
    .all();
  return toPage(rows, page.limit, memberView);
}

export async function getMember(scope: TenantScope, id: string) {
  const row = await memberRows(scope).where(scope.own(memberships, eq(memberships.id, id))).get();
  if (!row) throw notFound('Member');
  return memberView(row);
}

async function ownerCount(scope: TenantScope) {
  const [row] = await scope.db.select({ n: count() }).from(memberships).where(scope.own(memberships, eq(memberships.role, 'owner')));
  return row?.n ?? 0;
}

/** Role changes obey two rules: nobody grants above their own role, and a tenant always keeps an owner. */
export async function changeRole(scope: TenantScope, actor: Actor, membershipId: string, role: Role, ip: string | null) {
  const m = await scope.get(memberships, membershipId, 'Member');
  assertMayGrant(actor, role);
  assertMayGrant(actor, m.role);
  if (m.role === 'owner' && role !== 'owner' && (await ownerCount(scope)) <= 1) {
    throw new Problem('conflict', 'A workspace needs at least one owner. Make someone else owner first.');
  }
  await scope.db.batch([
    scope.db.update(memberships).set({ role }).where(scope.own(memberships, eq(memberships.id, m.id))),
    auditStatement(scope.db, { tenantId: scope.tenantId, actor: { type: 'user', id: actor.userId }, action: 'member.role_changed', target: { type: 'membership', id: m.id }, ip, metadata: { from: m.role, to: role } }),
  ]);
  return getMember(scope, m.id);
}

export async function removeMember(scope: TenantScope, actor: Actor, membershipId: string, ip: string | null) {
  const m = await scope.get(memberships, membershipId, 'Member');
  assertMayGrant(actor, m.role);
  if (m.role === 'owner' && (await ownerCount(scope)) <= 1) {
    throw new Problem('conflict', 'The last owner cannot be removed. Make someone else owner first, or close the account.');
  }
  await scope.db.batch([
    scope.db.delete(memberships).where(scope.own(memberships, eq(memberships.id, m.id))),
    auditStatement(scope.db, { tenantId: scope.tenantId, actor: { type: 'user', id: actor.userId }, action: 'member.removed', target: { type: 'membership', id: m.id }, ip, metadata: { role: m.role, user_id: m.userId } }),
  ]);
}

export function invitationView(i: typeof invitations.$inferSelect) {
  return { id: i.id, email: i.email, role: i.role, expires_at: i.expiresAt.toISOString(), created_at: i.createdAt.toISOString() };
}

export async function listInvitations(scope: TenantScope, page: { limit: number; cursor?: string }) {
  return scope.list(invitations, page, invitationView, isNull(invitations.acceptedAt), isNull(invitations.revokedAt), gt(invitations.expiresAt, new Date()));
}

async function assertSeatAvailable(scope: TenantScope) {
  const [{ maxUsers }, used] = await Promise.all([effectiveLimits(scope.db, scope.tenantId), countSeats(scope)]);
  if (used >= maxUsers) {
    throw new Problem('conflict', `Your plan allows ${maxUsers} user${maxUsers === 1 ? '' : 's'}. Upgrade the plan or remove a member first.`, {
      extensions: { limit: maxUsers, used },
    });
  }
}

export async function invite(env: Env, scope: TenantScope, actor: Actor, input: { email: string; role: Role }, ip: string | null) {
  const email = normalizeEmail(input.email);
  assertMayGrant(actor, input.role);
  const existing = await scope.db
    .select({ id: memberships.id })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(scope.own(memberships, eq(users.email, email)))
    .get();
  if (existing) throw new Problem('conflict', 'This person is already a member of the workspace.');
  await assertSeatAvailable(scope);
  const token = randomToken(32);
  const id = newId(ID_PREFIX.invitation);
  const now = Date.now();
  const tenant = await scope.db.select({ name: tenants.name }).from(tenants).where(eq(tenants.id, scope.tenantId)).get();
  await scope.db.batch([
    // A new invitation to the same address replaces the old one.
    scope.db.update(invitations).set({ revokedAt: new Date(now) }).where(scope.own(invitations, eq(invitations.email, email), isNull(invitations.acceptedAt), isNull(invitations.revokedAt))),
    scope.db
      .insert(invitations)
      .values({ id, tenantId: scope.tenantId, email, role: input.role, tokenHash: await sha256Hex(token), invitedBy: actor.userId, expiresAt: new Date(now + INVITATION_TTL_MS) }),
    auditStatement(scope.db, { tenantId: scope.tenantId, actor: { type: 'user', id: actor.userId }, action: 'member.invited', target: { type: 'invitation', id }, ip, metadata: { role: input.role } }),
  ]);
  await sendSystemEmail(env, {
    to: email,
    subject: `You're invited to ${tenant?.name ?? 'a workspace'} on Edgepost`,
    paragraphs: [`You have been invited to join ${tenant?.name ?? 'a workspace'} on Edgepost as ${input.role}.`, 'The invitation expires in 7 days.'],
    action: { label: 'Accept invitation', url: `${config(env).DASHBOARD_ORIGIN}/accept-invite?token=${encodeURIComponent(token)}` },
  });
  return scope.get(invitations, id, 'Invitation');
}

export async function revokeInvitation(scope: TenantScope, actor: Actor, id: string, ip: string | null) {
  const inv = await scope.get(invitations, id, 'Invitation');
  if (inv.acceptedAt || inv.revokedAt) throw notFound('Invitation');
  await scope.db.batch([
    scope.db.update(invitations).set({ revokedAt: new Date() }).where(scope.own(invitations, eq(invitations.id, id))),
    auditStatement(scope.db, { tenantId: scope.tenantId, actor: { type: 'user', id: actor.userId }, action: 'member.invitation_revoked', target: { type: 'invitation', id }, ip }),
  ]);
}

async function openInvitation(db: DB, token: string) {
  const row = await db
    .select({ inv: invitations, tenantName: tenants.name, tenantStatus: tenants.status })
    .from(invitations)
    .innerJoin(tenants, eq(tenants.id, invitations.tenantId))
    .where(and(eq(invitations.tokenHash, await sha256Hex(token)), isNull(invitations.acceptedAt), isNull(invitations.revokedAt), gt(invitations.expiresAt, new Date())))
    .get();
  if (!row || row.tenantStatus === 'closed') throw new Problem('invalid-token', 'This invitation is invalid, expired, revoked or already accepted.');
  return row;
}

export async function previewInvitation(db: DB, token: string) {
  const { inv, tenantName } = await openInvitation(db, token);
  const existing = await db.select({ id: users.id }).from(users).where(eq(users.email, inv.email)).get();
  return { tenant_name: tenantName, email: inv.email, role: inv.role, existing_user: Boolean(existing) };
}

/**
 * Accepting proves the mailbox. A new person sets a password; an existing user confirms theirs
 * (the token alone must not be enough to take over an account that already exists).
 */
export async function acceptInvitation(env: Env, db: DB, input: { token: string; password: string; name?: string | null }, client: ClientInfo) {
  const { inv } = await openInvitation(db, input.token);
  let user = await db.select().from(users).where(eq(users.email, inv.email)).get();
  const now = new Date();
  if (user) {
    if (!(await verifyPassword(input.password, user.passwordHash))) throw new Problem('invalid-credentials', 'The password is not correct for this account.');
  } else {
    assertStrongPassword(input.password, [inv.email, input.name ?? '']);
    user = await db
      .insert(users)
      .values({ id: newId(ID_PREFIX.user), email: inv.email, name: input.name?.trim() || null, passwordHash: await hashPassword(input.password), emailVerifiedAt: now, passwordChangedAt: now })
      .returning()
      .get();
    if (!user) throw new Error('user insert returned no row');
  }
  const claimed = await db
    .update(invitations)
    .set({ acceptedAt: now })
    .where(and(eq(invitations.id, inv.id), isNull(invitations.acceptedAt)))
    .returning({ id: invitations.id })
    .get();
  if (!claimed) throw new Problem('invalid-token', 'This invitation was already accepted.');
  const membershipId = newId(ID_PREFIX.membership);
  await db.batch([
    db.insert(memberships).values({ id: membershipId, tenantId: inv.tenantId, userId: user.id, role: inv.role }).onConflictDoNothing(),
    auditStatement(db, { tenantId: inv.tenantId, actor: { type: 'user', id: user.id }, action: 'member.joined', target: { type: 'membership', id: membershipId }, ip: client.ip, metadata: { role: inv.role, invitation_id: inv.id } }),
  ]);
  const tenant = (await db.select().from(tenants).where(eq(tenants.id, inv.tenantId)).get())!;
  return (await signedIn(env, db, user, tenant, client)).result;
}
