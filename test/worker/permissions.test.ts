import { beforeAll, describe, expect, it } from 'vitest';
import { type Role } from '../../worker/db/schema';
import { addMember, call, createApiKey, setPlan, signupTenant, type Session, uniqueEmail } from './helpers';

type Who = Role;
const ROLES: Who[] = ['owner', 'admin', 'editor', 'viewer'];

interface Ctx {
  tenantId: string;
  sessions: Record<Who, Session & { membershipId?: string }>;
  /** A viewer each test may act on, recreated per case so cases do not interfere. */
  target: () => Promise<{ membershipId: string }>;
  apiKeyId: () => Promise<string>;
}

/**
 * The whole role × action matrix: every action tried by every role, against the expected status.
 * Adding a route with a permission means adding its row here.
 */
const MATRIX: { action: string; run: (s: Session, ctx: Ctx) => Promise<number>; allowed: Who[]; okStatus: number }[] = [
  { action: 'read own profile', run: async (s) => (await call('/v1/me', { token: s.token })).status, allowed: ROLES, okStatus: 200 },
  { action: 'list members', run: async (s) => (await call('/v1/members', { token: s.token })).status, allowed: ROLES, okStatus: 200 },
  { action: 'list invitations', run: async (s) => (await call('/v1/members/invitations', { token: s.token })).status, allowed: ROLES, okStatus: 200 },
  {
    action: 'invite a member',
    run: async (s) => (await call('/v1/members/invitations', { token: s.token, body: { email: uniqueEmail('invitee'), role: 'viewer' } })).status,
    allowed: ['owner', 'admin'],
    okStatus: 201,
  },
  {
    action: "change a member's role",
    run: async (s, ctx) => (await call(`/v1/members/${(await ctx.target()).membershipId}`, { method: 'PATCH', token: s.token, body: { role: 'editor' } })).status,
    allowed: ['owner', 'admin'],
    okStatus: 200,
  },
  {
    action: 'remove a member',
    run: async (s, ctx) => (await call(`/v1/members/${(await ctx.target()).membershipId}`, { method: 'DELETE', token: s.token })).status,
    allowed: ['owner', 'admin'],
    okStatus: 204,
  },
  { action: 'list API keys', run: async (s) => (await call('/v1/api-keys', { token: s.token })).status, allowed: ROLES, okStatus: 200 },
  {
    action: 'create an API key',
    run: async (s) => (await call('/v1/api-keys', { token: s.token, body: { name: 'k', scopes: ['stats:read'] } })).status,
    allowed: ['owner', 'admin'],
    okStatus: 201,
  },
  {
    action: 'revoke an API key',
    run: async (s, ctx) => (await call(`/v1/api-keys/${await ctx.apiKeyId()}`, { method: 'DELETE', token: s.token })).status,
    allowed: ['owner', 'admin'],
    okStatus: 204,
  },
  { action: 'read the audit log', run: async (s) => (await call('/v1/audit-log', { token: s.token })).status, allowed: ROLES, okStatus: 200 },
  { action: 'list all tenants (super-admin)', run: async (s) => (await call('/v1/admin/tenants', { token: s.token })).status, allowed: [], okStatus: 200 },
  {
    action: 'engage the kill switch (super-admin)',
    run: async (s) => (await call('/v1/admin/kill-switch/engage', { token: s.token, body: { reason: 'test' } })).status,
    allowed: [],
    okStatus: 200,
  },
];

describe('role × action matrix', () => {
  const ctx = {} as Ctx;

  beforeAll(async () => {
    const owner = await signupTenant('Matrix Inc');
    // A paid plan, so seat limits do not mask permission answers.
    await setPlan(owner.tenantId, 'pro');
    ctx.tenantId = owner.tenantId;
    ctx.sessions = {
      owner,
      admin: await addMember(owner.tenantId, 'admin'),
      editor: await addMember(owner.tenantId, 'editor'),
      viewer: await addMember(owner.tenantId, 'viewer'),
    };
    ctx.target = () => addMember(owner.tenantId, 'viewer');
    ctx.apiKeyId = async () => (await createApiKey(owner, ['stats:read'])).id;
  });

  for (const row of MATRIX) {
    for (const role of ROLES) {
      const allowed = row.allowed.includes(role);
      it(`${role} ${allowed ? 'may' : 'may not'} ${row.action}`, async () => {
        expect(await row.run(ctx.sessions[role], ctx)).toBe(allowed ? row.okStatus : 403);
      });
    }
  }
});

describe('role rules', () => {
  it('an admin cannot grant owner, nor demote an owner', async () => {
    const owner = await signupTenant();
    await setPlan(owner.tenantId, 'pro');
    const admin = await addMember(owner.tenantId, 'admin');
    const viewer = await addMember(owner.tenantId, 'viewer');
    const members = (await call('/v1/members', { token: owner.token })).json.data as { id: string; role: string }[];
    const ownerMembership = members.find((m) => m.role === 'owner')!;
    expect((await call(`/v1/members/${viewer.membershipId}`, { method: 'PATCH', token: admin.token, body: { role: 'owner' } })).status).toBe(403);
    expect((await call(`/v1/members/${ownerMembership.id}`, { method: 'PATCH', token: admin.token, body: { role: 'viewer' } })).status).toBe(403);
    expect((await call('/v1/members/invitations', { token: admin.token, body: { email: uniqueEmail(), role: 'owner' } })).status).toBe(403);
  });

  it('the last owner can be neither removed nor demoted; with a second owner, they can', async () => {
    const owner = await signupTenant();
    await setPlan(owner.tenantId, 'pro');
    const members = (await call('/v1/members', { token: owner.token })).json.data as { id: string }[];
    const mine = members[0]!.id;
    expect((await call(`/v1/members/${mine}`, { method: 'DELETE', token: owner.token })).status).toBe(409);
    expect((await call(`/v1/members/${mine}`, { method: 'PATCH', token: owner.token, body: { role: 'admin' } })).status).toBe(409);
    await addMember(owner.tenantId, 'owner');
    expect((await call(`/v1/members/${mine}`, { method: 'PATCH', token: owner.token, body: { role: 'admin' } })).status).toBe(200);
  });

  it('a removed member loses access at once', async () => {
    const owner = await signupTenant();
    await setPlan(owner.tenantId, 'pro');
    const editor = await addMember(owner.tenantId, 'editor');
    expect((await call('/v1/me', { token: editor.token })).status).toBe(200);
    expect((await call(`/v1/members/${editor.membershipId}`, { method: 'DELETE', token: owner.token })).status).toBe(204);
    expect((await call('/v1/me', { token: editor.token })).status).toBe(401);
  });

  it('a role change applies to the next request, not the next login', async () => {
    const owner = await signupTenant();
    await setPlan(owner.tenantId, 'pro');
    const editor = await addMember(owner.tenantId, 'admin');
    expect((await call('/v1/api-keys', { token: editor.token, body: { name: 'k', scopes: ['stats:read'] } })).status).toBe(201);
    await call(`/v1/members/${editor.membershipId}`, { method: 'PATCH', token: owner.token, body: { role: 'viewer' } });
    expect((await call('/v1/api-keys', { token: editor.token, body: { name: 'k', scopes: ['stats:read'] } })).status).toBe(403);
  });
});
