import { env, SELF } from 'cloudflare:test';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '../../worker/db/client';
import { tenants } from '../../worker/db/schema';
import { publishLocalRecords } from '../../worker/lib/dns';
import { sendingTenant } from './campaign-helpers';
import { call, expectProblem, signupTenant, uniqueEmail } from './helpers';

const host = (label: string) => `links.${label}-${Date.now().toString(36)}${Math.floor(Math.random() * 1e6)}.test`;

async function mailTo(address: string, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const list = (await (await fetch(`${env.MAILDEV_URL}/api/email`)).json()) as { html: string; to: { address: string }[] }[];
    const found = list.find((m) => m.to.some((t) => t.address === address));
    if (found || Date.now() > deadline) return found;
    await new Promise((r) => setTimeout(r, 250));
  }
}

const sendTracked = (token: string, to: string) =>
  call('/v1/send', { token, body: { to, subject: 'Tracked', html: '<p><a href="https://shop.example/deal">Deal</a></p>', track_clicks: true, track_opens: true } });

describe('custom tracking domains', () => {
  it('come with paid plans, must be a subdomain, and are one per workspace and unique across workspaces', async () => {
    const free = await signupTenant('Free Links');
    expectProblem(await call('/v1/tracking-domain', { method: 'PUT', token: free.token, body: { hostname: host('free') } }), 403, 'forbidden');

    const s = await sendingTenant('Own Links');
    expectProblem(await call('/v1/tracking-domain', { method: 'PUT', token: s.token, body: { hostname: 'acme.test' } }), 400, 'validation-error');
    expectProblem(await call('/v1/tracking-domain', { method: 'PUT', token: s.token, body: { hostname: 'https://links.acme.test/x' } }), 400, 'validation-error');
    expectProblem(await call('/v1/tracking-domain', { method: 'PUT', token: s.token, body: { hostname: 'links.mail.edgepost.test' } }), 400, 'validation-error');
    const name = host('own');
    const added = await call('/v1/tracking-domain', { method: 'PUT', token: s.token, body: { hostname: name.toUpperCase() } });
    expect(added.status, JSON.stringify(added.json)).toBe(201);
    expect(added.json).toMatchObject({ hostname: name, status: 'pending', record: { type: 'CNAME', name, value: 'track.mail.edgepost.test' } });
    expectProblem(await call('/v1/tracking-domain', { method: 'PUT', token: s.token, body: { hostname: host('second') } }), 409, 'conflict');

    const other = await sendingTenant('Other Links');
    expectProblem(await call('/v1/tracking-domain', { method: 'PUT', token: other.token, body: { hostname: name } }), 409, 'conflict');
    expectProblem(await call('/v1/tracking-domain', { token: other.token }), 404, 'not-found');
  });

  it('once the CNAME is verified, new mail links through the hostname and the links work there; removing it goes back to the platform', async () => {
    const s = await sendingTenant('Linked Co');
    const name = host('linked');
    await call('/v1/tracking-domain', { method: 'PUT', token: s.token, body: { hostname: name } });
    const unpublished = await call('/v1/tracking-domain/verify', { method: 'POST', token: s.token });
    expect(unpublished.json).toMatchObject({ status: 'pending', detail: expect.stringContaining('No CNAME') });

    await call('/v1/tracking-domain/publish-local', { method: 'POST', token: s.token });
    const verified = await call('/v1/tracking-domain/verify', { method: 'POST', token: s.token });
    expect(verified.json).toMatchObject({ status: 'active', verified_at: expect.any(String) });

    const to = uniqueEmail('linked');
    expect((await sendTracked(s.token, to)).status).toBe(202);
    const mail = await mailTo(to);
    const click = /href="([^"]+\/t\/c\/[^"]+)"/.exec(mail!.html)![1]!.replace(/&amp;/g, '&');
    expect(new URL(click).hostname).toBe(name);
    expect(mail!.html).toContain(`//${name}:8787/t/o/`);
    const res = await SELF.fetch(click, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('https://shop.example/deal');

    expect((await call('/v1/tracking-domain', { method: 'DELETE', token: s.token })).status).toBe(204);
    const after = uniqueEmail('unlinked');
    await sendTracked(s.token, after);
    const plain = await mailTo(after);
    expect(plain!.html).not.toContain(name);
    expect(plain!.html).toContain('http://127.0.0.1:8787/t/c/');
  });

  it('an active hostname whose CNAME goes away is failing, and links fall back to the platform until it is fixed', async () => {
    const s = await sendingTenant('Broken Links');
    const name = host('broken');
    await call('/v1/tracking-domain', { method: 'PUT', token: s.token, body: { hostname: name } });
    await call('/v1/tracking-domain/publish-local', { method: 'POST', token: s.token });
    await call('/v1/tracking-domain/verify', { method: 'POST', token: s.token });
    await publishLocalRecords(env, [{ name, type: 'CNAME', values: ['somewhere-else.example'] }]);
    const failing = await call('/v1/tracking-domain/verify', { method: 'POST', token: s.token });
    expect(failing.json).toMatchObject({ status: 'failing', detail: expect.stringContaining('somewhere-else.example') });
    const row = await getDb(env).select({ trackingHost: tenants.trackingHost }).from(tenants).where(eq(tenants.id, s.tenantId)).get();
    expect(row!.trackingHost).toBeNull();
  });
});
