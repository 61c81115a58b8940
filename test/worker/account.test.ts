import { describe, expect, it } from 'vitest';
import { addMember, call, enrollTotp, expectProblem, login, PASSWORD, setPlan, signupTenant, tokenFromLink, uniqueEmail, waitForEmail } from './helpers';

describe('profile', () => {
  it('changes the name without a password', async () => {
    const s = await signupTenant();
    const res = await call('/v1/me', { method: 'PATCH', token: s.token, body: { name: 'Ada Lovelace' } });
    expect(res.json.user.name).toBe('Ada Lovelace');
  });

  it('changes the password only with the current one, and ends the other sessions', async () => {
    const s = await signupTenant();
    const other = await login(s.email);
    expectProblem(await call('/v1/me', { method: 'PATCH', token: s.token, body: { new_password: 'Saffron-Tundra-Beacon-41' } }), 400, 'validation-error');
    expectProblem(await call('/v1/me', { method: 'PATCH', token: s.token, body: { current_password: 'Wrong-Password-123', new_password: 'Saffron-Tundra-Beacon-41' } }), 401, 'invalid-credentials');
    expect((await call('/v1/me', { method: 'PATCH', token: s.token, body: { current_password: PASSWORD, new_password: 'Saffron-Tundra-Beacon-41' } })).status).toBe(200);
    expect((await call('/v1/me', { token: s.token })).status).toBe(200);
    expectProblem(await call('/v1/me', { token: other.token }), 401, 'invalid-token');
    await waitForEmail(s.email, /password was changed/);
    expect((await login(s.email, 'Saffron-Tundra-Beacon-41')).userId).toBe(s.userId);
  });

  it('changes the email only once the new address confirms, and tells the old one', async () => {
    const s = await signupTenant();
    const newEmail = uniqueEmail('moved');
    const res = await call('/v1/me', { method: 'PATCH', token: s.token, body: { email: newEmail, current_password: PASSWORD } });
    expect(res.json).toMatchObject({ pending_email: newEmail, user: { email: s.email } });
    await waitForEmail(s.email, /being changed/);
    const confirm = await waitForEmail(newEmail, /Confirm your new email/);
    const token = tokenFromLink(confirm.links.find((l) => l.includes('confirm-email-change'))!);
    expect((await call('/v1/auth/email-change/confirm', { body: { token } })).status).toBe(204);
    expect((await call('/v1/me', { token: s.token })).json.user).toMatchObject({ email: newEmail, email_verified: true });
    expect((await login(newEmail)).userId).toBe(s.userId);
    expectProblem(await call('/v1/auth/email-change/confirm', { body: { token } }), 401, 'invalid-token');
  });

  it('refuses an email another account uses', async () => {
    const a = await signupTenant();
    const b = await signupTenant();
    expectProblem(await call('/v1/me', { method: 'PATCH', token: a.token, body: { email: b.email, current_password: PASSWORD } }), 409, 'conflict');
  });
});

describe('sessions', () => {
  it('lists active sessions with device and marks the current one; revoke one or all others', async () => {
    const s = await signupTenant();
    const phone = await call('/v1/auth/login', {
      body: { email: s.email, password: PASSWORD },
      headers: { 'user-agent': 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Version/17.0 Mobile/15E148 Safari/604.1' },
    });
    const laptop = await login(s.email);
    const list = await call('/v1/sessions', { token: s.token });
    expect(list.json.data).toHaveLength(3);
    expect(list.json.data.filter((x: { current: boolean }) => x.current)).toHaveLength(1);
    const phoneSession = list.json.data.find((x: { device: string }) => x.device === 'Safari on iOS');
    expect(phoneSession).toBeTruthy();
    expect((await call(`/v1/sessions/${phoneSession.id}`, { method: 'DELETE', token: s.token })).status).toBe(204);
    expectProblem(await call('/v1/me', { token: phone.json.token }), 401, 'invalid-token');
    expect((await call('/v1/sessions/revoke-others', { method: 'POST', token: s.token })).status).toBe(204);
    expectProblem(await call('/v1/me', { token: laptop.token }), 401, 'invalid-token');
    expect((await call('/v1/sessions', { token: s.token })).json.data).toHaveLength(1);
  });

  it("cannot revoke someone else's session", async () => {
    const a = await signupTenant();
    const b = await signupTenant();
    const bSession = (await call('/v1/sessions', { token: b.token })).json.data[0].id;
    expectProblem(await call(`/v1/sessions/${bSession}`, { method: 'DELETE', token: a.token }), 404, 'not-found');
    expect((await call('/v1/me', { token: b.token })).status).toBe(200);
  });
});

describe('two-factor authentication', () => {
  it('enrols with a QR code, then login needs a code; backup codes work once; codes cannot be replayed', async () => {
    const s = await signupTenant();
    const setup = await call('/v1/auth/2fa/setup', { method: 'POST', token: s.token });
    expect(setup.json.otpauth_url).toMatch(/^otpauth:\/\/totp\/Edgepost:/);
    expect(setup.json.qr_svg).toMatch(/^<svg/);
    expectProblem(await call('/v1/auth/2fa/enable', { token: s.token, body: { code: '000000' } }), 401, 'invalid-credentials');
    const totp = await enrollTotp(s);
    expect(totp.backupCodes).toHaveLength(10);
    expect(new Set(totp.backupCodes).size).toBe(10);

    const challenge = await call('/v1/auth/login', { body: { email: s.email, password: PASSWORD } });
    expect(challenge.json).toMatchObject({ mfa_required: true });
    expect(challenge.json.token).toBeUndefined();
    expectProblem(await call('/v1/auth/2fa/verify', { body: { mfa_token: challenge.json.mfa_token, code: '123456' } }), 401, 'invalid-credentials');
    const code = totp.code(1);
    const ok = await call('/v1/auth/2fa/verify', { body: { mfa_token: challenge.json.mfa_token, code } });
    expect(ok.status).toBe(200);
    expect(ok.json.token).toBeTruthy();
    // The same code again (within its window) is a replay.
    expectProblem(await call('/v1/auth/2fa/verify', { body: { mfa_token: challenge.json.mfa_token, code } }), 401, 'invalid-credentials');

    const backup = totp.backupCodes[0]!;
    expect((await call('/v1/auth/2fa/verify', { body: { mfa_token: challenge.json.mfa_token, code: backup.toUpperCase() } })).status).toBe(200);
    expectProblem(await call('/v1/auth/2fa/verify', { body: { mfa_token: challenge.json.mfa_token, code: backup } }), 401, 'invalid-credentials');
    expect((await call('/v1/auth/2fa', { token: s.token })).json).toMatchObject({ enabled: true, backup_codes_remaining: 9 });
  });

  it('a forged or expired challenge token is refused', async () => {
    expectProblem(await call('/v1/auth/2fa/verify', { body: { mfa_token: 'eyJhbGciOiJIUzI1NiJ9.e30.x', code: '123456' } }), 401, 'invalid-token');
  });

  it('turns off only with password and code', async () => {
    const s = await signupTenant();
    const totp = await enrollTotp(s);
    expectProblem(await call('/v1/auth/2fa/disable', { token: s.token, body: { password: 'Nope-Nope-Nope-1', code: totp.code(1) } }), 401, 'invalid-credentials');
    expect((await call('/v1/auth/2fa/disable', { token: s.token, body: { password: PASSWORD, code: totp.backupCodes[0] } })).status).toBe(204);
    expect((await call('/v1/auth/login', { body: { email: s.email, password: PASSWORD } })).json.token).toBeTruthy();
  });

  it('owners can require it of the whole workspace: members without it can only enrol', async () => {
    const owner = await signupTenant();
    await setPlan(owner.tenantId, 'pro');
    const editor = await addMember(owner.tenantId, 'editor');
    await enrollTotp(owner);
    expect((await call('/v1/tenant', { method: 'PATCH', token: owner.token, body: { require_2fa: true } })).status).toBe(200);
    expectProblem(await call('/v1/members', { token: editor.token }), 403, 'mfa-required');
    expect((await call('/v1/me', { token: editor.token })).status).toBe(200);
    const totp = await enrollTotp(editor);
    expect((await call('/v1/members', { token: editor.token })).status).toBe(200);
    expectProblem(await call('/v1/auth/2fa/disable', { token: editor.token, body: { password: PASSWORD, code: totp.backupCodes[0] } }), 409, 'conflict');
  });
});
