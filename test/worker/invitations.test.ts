import { describe, expect, it } from 'vitest';
import { call, expectProblem, PASSWORD, setPlan, signupTenant, tokenFromLink, uniqueEmail, waitForEmail } from './helpers';

async function paidTenant() {
  const owner = await signupTenant('Invite Co');
  await setPlan(owner.tenantId, 'pro');
  return owner;
}

async function inviteAndGetToken(owner: { token: string }, email: string, role = 'editor') {
  const res = await call('/v1/members/invitations', { token: owner.token, body: { email, role } });
  expect(res.status).toBe(201);
  const mail = await waitForEmail(email, /invited to Invite Co/);
  return { id: res.json.id as string, token: tokenFromLink(mail.links.find((l) => l.includes('/accept-invite?token='))!) };
}

describe('invitations', () => {
  it('a new person previews, accepts with a password, and joins with the invited role', async () => {
    const owner = await paidTenant();
    const email = uniqueEmail('newbie');
    const { token } = await inviteAndGetToken(owner, email);
    const preview = await call(`/v1/auth/invitations/${encodeURIComponent(token)}`);
    expect(preview.json).toEqual({ tenant_name: 'Invite Co', email, role: 'editor', existing_user: false });
    expectProblem(await call('/v1/auth/invitations/accept', { body: { token, password: 'password1' } }), 422, 'weak-password');
    const accepted = await call('/v1/auth/invitations/accept', { body: { token, password: PASSWORD, name: 'Nia' } });
    expect(accepted.status).toBe(200);
    expect(accepted.json.user).toMatchObject({ email, name: 'Nia', email_verified: true });
    const members = await call('/v1/members', { token: owner.token });
    expect(members.json.data.find((m: { email: string }) => m.email === email).role).toBe('editor');
    expectProblem(await call('/v1/auth/invitations/accept', { body: { token, password: PASSWORD } }), 401, 'invalid-token');
  });

  it('an existing user must confirm their own password to accept', async () => {
    const owner = await paidTenant();
    const other = await signupTenant('Elsewhere');
    const { token } = await inviteAndGetToken(owner, other.email, 'viewer');
    expect((await call(`/v1/auth/invitations/${encodeURIComponent(token)}`)).json.existing_user).toBe(true);
    expectProblem(await call('/v1/auth/invitations/accept', { body: { token, password: 'Someone-Elses-Guess-1' } }), 401, 'invalid-credentials');
    expect((await call('/v1/auth/invitations/accept', { body: { token, password: PASSWORD } })).status).toBe(200);
  });

  it('a revoked invitation cannot be accepted, and re-inviting replaces the old link', async () => {
    const owner = await paidTenant();
    const email = uniqueEmail('revoked');
    const first = await inviteAndGetToken(owner, email);
    expect((await call(`/v1/members/invitations/${first.id}`, { method: 'DELETE', token: owner.token })).status).toBe(204);
    expectProblem(await call('/v1/auth/invitations/accept', { body: { token: first.token, password: PASSWORD } }), 401, 'invalid-token');
    const pending = await call('/v1/members/invitations', { token: owner.token });
    expect(pending.json.data.map((i: { id: string }) => i.id)).not.toContain(first.id);
  });

  it('inviting someone already in the workspace is a conflict', async () => {
    const owner = await paidTenant();
    expectProblem(await call('/v1/members/invitations', { token: owner.token, body: { email: owner.email, role: 'viewer' } }), 409, 'conflict');
  });

  it("respects the plan's seat limit (free: 1 user)", async () => {
    const owner = await signupTenant('Tiny');
    const res = await call('/v1/members/invitations', { token: owner.token, body: { email: uniqueEmail(), role: 'viewer' } });
    expectProblem(res, 409, 'conflict');
    expect(res.json).toMatchObject({ limit: 1, used: 1 });
  });
});
