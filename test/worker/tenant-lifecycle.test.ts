import { env } from 'cloudflare:test';
import { unzipSync, strFromU8 } from 'fflate';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '../../worker/db/client';
import { tenants } from '../../worker/db/schema';
import { issueEmailToken } from '../../worker/domain/email-tokens';
import { PURGE_AFTER_MS, purgeClosedTenants } from '../../worker/domain/tenant-lifecycle';
import { signToken } from '../../worker/lib/signed-tokens';
import { CAPTCHA_PASS, PASSWORD, SELF_FETCH, addMember, call, enrollTotp, expectProblem, login, signupTenant, waitForEmail } from './helpers';

async function waitForJob(token: string, jobId: string) {
  for (let i = 0; i < 100; i++) {
    const job = await call(`/v1/jobs/${jobId}`, { token });
    if (job.json.status === 'succeeded' || job.json.status === 'failed') return job.json;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('job did not finish');
}

describe('data export', () => {
  it('builds a ZIP as a job, emails a signed link, and the link downloads it', async () => {
    const owner = await signupTenant('Export Co');
    const started = await call('/v1/tenant/export', { method: 'POST', token: owner.token });
    expect(started.status).toBe(202);
    const job = await waitForJob(owner.token, started.json.job_id);
    expect(job).toMatchObject({ status: 'succeeded', progress: 100 });
    const mail = await waitForEmail(owner.email, /Your export is ready/);
    const link = mail.links.find((l) => l.includes('/v1/downloads/'))!;
    expect(link.replace(/[.,;]$/, '')).toBe(job.result.download_url);
    const res = await SELF_FETCH(job.result.download_url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toContain('attachment');
    const files = unzipSync(new Uint8Array(await res.arrayBuffer()));
    expect(Object.keys(files).sort()).toEqual(['README.txt', 'api_keys.csv', 'audit_log.csv', 'members.csv', 'workspace.json']);
    expect(strFromU8(files['members.csv']!)).toContain(owner.email);
    expect(JSON.parse(strFromU8(files['workspace.json']!)).name).toBe('Export Co');
  });

  it('refuses tampered links (404) and expired ones (410)', async () => {
    const owner = await signupTenant();
    const job = await waitForJob(owner.token, (await call('/v1/tenant/export', { method: 'POST', token: owner.token })).json.job_id);
    const url = new URL(job.result.download_url);
    const token = url.pathname.split('/').pop()!;
    const [body, kid, sig] = token.split('.');
    expect((await SELF_FETCH(`${url.origin}/v1/downloads/${body}.${kid}.${sig!.slice(0, -3)}AAA`)).status).toBe(404);
    const other = await signToken(env.TOKEN_SIGNING_KEYS, { key: `exports/${owner.tenantId}/x.zip`, exp: Date.now() - 1, name: 'x.zip' });
    expect((await SELF_FETCH(`${url.origin}/v1/downloads/${other}`)).status).toBe(410);
  });

  it('is for owners only', async () => {
    const owner = await signupTenant();
    const admin = await addMember(owner.tenantId, 'admin');
    expectProblem(await call('/v1/tenant/export', { method: 'POST', token: admin.token }), 403, 'forbidden');
  });
});

describe('closing an account', () => {
  it('needs the slug typed out and the password; then the workspace is disabled at once', async () => {
    const owner = await signupTenant('Closing Co');
    const slug = (await call('/v1/tenant', { token: owner.token })).json.slug;
    expectProblem(await call('/v1/tenant/close', { token: owner.token, body: { confirm: 'wrong', password: PASSWORD } }), 400, 'validation-error');
    expectProblem(await call('/v1/tenant/close', { token: owner.token, body: { confirm: slug, password: 'Wrong-Pass-Word-1' } }), 401, 'invalid-credentials');
    const closed = await call('/v1/tenant/close', { token: owner.token, body: { confirm: slug, password: PASSWORD } });
    expect(closed.json.status).toBe('closed');
    expect(Date.parse(closed.json.purge_after) - Date.now()).toBeGreaterThan(29 * 24 * 3600_000);
    expectProblem(await call('/v1/me', { token: owner.token }), 401, 'invalid-token');
    expectProblem(await call('/v1/auth/login', { body: { email: owner.email, password: PASSWORD } }), 401, 'invalid-credentials');
    await waitForEmail(owner.email, /is closed/);
  });

  it('a super-admin can restore it within 30 days; after that the cron purges it', async () => {
    const owner = await signupTenant('Restore Co');
    const slug = (await call('/v1/tenant', { token: owner.token })).json.slug;
    await call('/v1/tenant/close', { token: owner.token, body: { confirm: slug, password: PASSWORD } });

    const adminSignup = await call('/v1/auth/signup', { body: { captcha_token: CAPTCHA_PASS, tenant_name: 'Ops', email: 'admin@edgepost.test', password: PASSWORD } });
    await call('/v1/auth/verify-email', { body: { token: await issueEmailToken(getDb(env), adminSignup.json.user.id, 'verify_email') } });
    await enrollTotp({ token: adminSignup.json.token });
    const restored = await call(`/v1/admin/tenants/${owner.tenantId}/restore`, { method: 'POST', token: adminSignup.json.token });
    expect(restored.json.status).toBe('active');
    expect((await login(owner.email)).tenantId).toBe(owner.tenantId);

    const again = await login(owner.email);
    await call('/v1/tenant/close', { token: again.token, body: { confirm: slug, password: PASSWORD } });
    expect(await purgeClosedTenants(env, getDb(env), Date.now())).toBe(0);
    // Files it left in R2 (an export, an import upload) go with it; other workspaces' files stay.
    const files = [`exports/${owner.tenantId}/job_1.zip`, `imports/${owner.tenantId}/upl_1/file.csv`];
    const kept = 'imports/ten_someone_else/upl_2/file.csv';
    for (const key of [...files, kept]) await env.FILES.put(key, 'x');
    // Other closed workspaces of this file purge too; what matters is that this one is gone.
    expect(await purgeClosedTenants(env, getDb(env), Date.now() + PURGE_AFTER_MS + 60_000)).toBeGreaterThanOrEqual(1);
    expect(await getDb(env).select().from(tenants).where(eq(tenants.id, owner.tenantId)).get()).toBeUndefined();
    for (const key of files) expect(await env.FILES.head(key), key).toBeNull();
    expect(await env.FILES.head(kept)).not.toBeNull();
  });
});
