import { env } from 'cloudflare:test';
import { eq } from 'drizzle-orm';
import { describe, expect, inject, it } from 'vitest';
import { getDb } from '../../worker/db/client';
import { transports } from '../../worker/db/schema';
import { reencryptSecrets } from '../../worker/domain/key-rotation';
import { FAILOVER_THRESHOLD, FAILOVER_WINDOW_MS, recordTransportOutcome, resolveTransport } from '../../worker/domain/transports';
import { decryptSecret } from '../../worker/lib/crypto';
import { createTransport, deploymentIssues } from '../../worker/transports/registry';
import { TransportError, type OutboundMessage } from '../../worker/transports/transport';
import { addDomain, notificationsOf } from './domain-helpers';
import { addMember, call, createApiKey, expectProblem, paidTenant, signupTenant, type Session } from './helpers';
import { SMTP_USERS } from './fake-smtp';

const ports = inject('fakeSmtpPorts');
const db = () => getDb(env);
const row = (id: string) => db().select().from(transports).where(eq(transports.id, id)).get();

let seq = 0;
const smtpBody = (overrides: Record<string, unknown> = {}) => ({
  name: `Relay ${++seq}`,
  kind: 'smtp',
  settings: { host: '127.0.0.1', port: ports.auth, security: 'none' },
  credentials: SMTP_USERS.good,
  ...overrides,
});
const sendgridBody = (apiKey = 'SG.live-secret-key-7890') => ({ name: `SendGrid ${++seq}`, kind: 'sendgrid', credentials: { api_key: apiKey } });

async function create(s: Session, body: Record<string, unknown>) {
  const res = await call('/v1/transports', { token: s.token, body });
  if (res.status !== 201) throw new Error(`create failed: ${res.status} ${JSON.stringify(res.json)}`);
  return res.json as { id: string; name: string; kind: string; credentials: Record<string, string> | null; settings: Record<string, unknown> };
}

const putRoutes = (s: Session, routes: unknown[]) => call('/v1/transport-routes', { token: s.token, method: 'PUT', body: { routes } });

describe('transports: create, read, update, delete', () => {
  it('stores credentials sealed, shows only hints, and never returns a secret anywhere', async () => {
    const s = await signupTenant();
    const created = await create(s, sendgridBody());
    expect(created).toMatchObject({ kind: 'sendgrid', settings: {}, credentials: { api_key: '••••7890' }, health: { consecutive_failures: 0, failing: false } });

    const smtp = await create(s, smtpBody());
    expect(smtp.credentials).toEqual({ username: '••••••••', password: '••••••••' });
    expect(smtp.settings).toEqual({ host: '127.0.0.1', port: ports.auth, security: 'none' });

    const list = await call('/v1/transports', { token: s.token });
    const one = await call(`/v1/transports/${created.id}`, { token: s.token });
    for (const body of [JSON.stringify(list.json), JSON.stringify(one.json)]) {
      expect(body).not.toContain('SG.live-secret-key-7890');
      expect(body).not.toContain(SMTP_USERS.good.password);
    }
    expect(list.json.data.map((t: { id: string }) => t.id).sort()).toEqual([created.id, smtp.id].sort());

    const stored = (await row(created.id))!;
    expect(stored.credentialsEnc).toMatch(/^v1\./);
    expect(stored.credentialsEnc).not.toContain('live-secret');
    expect(JSON.stringify(stored.settings)).not.toContain('live-secret');
    expect(JSON.parse(await decryptSecret(env.ENCRYPTION_KEY, stored.credentialsEnc!))).toEqual({ api_key: 'SG.live-secret-key-7890' });
  });

  it('keeps stored credentials when an update does not resend them, and replaces only the fields it sends', async () => {
    const s = await signupTenant();
    const t = await create(s, smtpBody());
    const renamed = await call(`/v1/transports/${t.id}`, { token: s.token, method: 'PATCH', body: { name: 'Main relay' } });
    expect(renamed.json).toMatchObject({ name: 'Main relay', credentials: { username: '••••••••', password: '••••••••' } });
    expect(JSON.parse(await decryptSecret(env.ENCRYPTION_KEY, (await row(t.id))!.credentialsEnc!))).toEqual(SMTP_USERS.good);

    await call(`/v1/transports/${t.id}`, { token: s.token, method: 'PATCH', body: { credentials: { password: 'new-password' } } });
    expect(JSON.parse(await decryptSecret(env.ENCRYPTION_KEY, (await row(t.id))!.credentialsEnc!))).toEqual({ username: SMTP_USERS.good.username, password: 'new-password' });
  });

  it('validates settings against the transport’s kind, on create and on update', async () => {
    const s = await signupTenant();
    const bad = await call('/v1/transports', { token: s.token, body: smtpBody({ settings: { host: '127.0.0.1', port: 'abc' } }) });
    expectProblem(bad, 400, 'validation-error');
    expect(bad.json.errors).toContainEqual(expect.objectContaining({ field: 'settings.port' }));

    const unknownKind = await call('/v1/transports', { token: s.token, body: { name: 'x', kind: 'carrier-pigeon', settings: {} } });
    expectProblem(unknownKind, 400, 'validation-error');

    const missingKey = await call('/v1/transports', { token: s.token, body: { name: 'x', kind: 'resend', credentials: {} } });
    expectProblem(missingKey, 400, 'validation-error');
    expect(missingKey.json.errors).toContainEqual(expect.objectContaining({ field: 'credentials.api_key' }));

    const t = await create(s, smtpBody());
    const patch = await call(`/v1/transports/${t.id}`, { token: s.token, method: 'PATCH', body: { settings: { host: '127.0.0.1', port: 70000 } } });
    expectProblem(patch, 400, 'validation-error');
    expect(patch.json.errors).toContainEqual(expect.objectContaining({ field: 'settings.port' }));
    const foreignSetting = await call(`/v1/transports/${t.id}`, { token: s.token, method: 'PATCH', body: { settings: { host: 'smtp.acme.test', port: 587, region: 'eu-west-1' } } });
    expectProblem(foreignSetting, 400, 'validation-error');
  });

  it('refuses a second transport with the same name', async () => {
    const s = await signupTenant();
    const first = await create(s, sendgridBody());
    const again = await call('/v1/transports', { token: s.token, body: { ...sendgridBody(), name: first.name } });
    expectProblem(again, 409, 'conflict');
  });

  it('lets viewers read, and only owners and admins (or a key with transports:write) change transports', async () => {
    const s = await signupTenant();
    const t = await create(s, sendgridBody());
    const viewer = await addMember(s.tenantId, 'viewer');
    const editor = await addMember(s.tenantId, 'editor');
    const admin = await addMember(s.tenantId, 'admin');
    expect((await call('/v1/transports', { token: viewer.token })).status).toBe(200);
    expect((await call('/v1/transport-routes', { token: viewer.token })).status).toBe(200);
    expectProblem(await call('/v1/transports', { token: editor.token, body: sendgridBody() }), 403, 'forbidden');
    expectProblem(await call(`/v1/transports/${t.id}`, { token: viewer.token, method: 'DELETE' }), 403, 'forbidden');
    expectProblem(await putRoutes(editor, []), 403, 'forbidden');
    expect((await call('/v1/transports', { token: admin.token, body: sendgridBody() })).status).toBe(201);

    const key = await createApiKey(s, ['transports:write']);
    expect((await call('/v1/transports', { token: key.secret, body: sendgridBody() })).status).toBe(201);
  });

  it('never shows, changes, tests or routes to another workspace’s transport', async () => {
    const a = await signupTenant('Tenant A');
    const b = await signupTenant('Tenant B');
    const theirs = await create(a, sendgridBody());
    expectProblem(await call(`/v1/transports/${theirs.id}`, { token: b.token }), 404, 'not-found');
    expectProblem(await call(`/v1/transports/${theirs.id}`, { token: b.token, method: 'PATCH', body: { name: 'mine now' } }), 404, 'not-found');
    expectProblem(await call(`/v1/transports/${theirs.id}`, { token: b.token, method: 'DELETE' }), 404, 'not-found');
    expectProblem(await call(`/v1/transports/${theirs.id}/test`, { token: b.token, method: 'POST' }), 404, 'not-found');
    const route = await putRoutes(b, [{ stream: 'transactional', domain: '*', transport_id: theirs.id }]);
    expectProblem(route, 400, 'validation-error');
    expect(route.json.errors).toEqual([{ field: 'routes[0].transport_id', message: 'no such transport' }]);
    expect((await call('/v1/transports', { token: b.token })).json.data).toEqual([]);
    expect((await row(theirs.id))!.name).toBe(theirs.name);
  });

  it('refuses to delete a transport a route sends through, and drops it as a fallback', async () => {
    const s = await signupTenant();
    const primary = await create(s, sendgridBody());
    const fallback = await create(s, sendgridBody());
    expect((await putRoutes(s, [{ stream: 'marketing', domain: '*', transport_id: primary.id, fallback_transport_id: fallback.id }])).status).toBe(200);

    const refused = await call(`/v1/transports/${primary.id}`, { token: s.token, method: 'DELETE' });
    expectProblem(refused, 409, 'conflict');
    expect(refused.json.routes).toEqual([{ stream: 'marketing', domain: '*' }]);

    expect((await call(`/v1/transports/${fallback.id}`, { token: s.token, method: 'DELETE' })).status).toBe(204);
    expect((await call('/v1/transport-routes', { token: s.token })).json.data).toEqual([
      { stream: 'marketing', domain: '*', transport_id: primary.id, fallback_transport_id: null },
    ]);
  });

  it('records every change in the audit log, without secrets', async () => {
    const s = await signupTenant();
    const t = await create(s, sendgridBody('SG.audit-secret-0000'));
    await call(`/v1/transports/${t.id}`, { token: s.token, method: 'PATCH', body: { credentials: { api_key: 'SG.audit-secret-1111' } } });
    await putRoutes(s, [{ stream: 'transactional', domain: '*', transport_id: t.id }]);
    await putRoutes(s, []);
    await call(`/v1/transports/${t.id}`, { token: s.token, method: 'DELETE' });
    const family = await call('/v1/audit-log?action=transport.*', { token: s.token });
    const routes = await call('/v1/audit-log?action=transport_routes.replaced', { token: s.token });
    expect(family.json.data.map((e: { action: string }) => e.action)).toEqual(['transport.deleted', 'transport.updated', 'transport.created']);
    expect(family.json.data[1].metadata).toEqual({ fields: ['credentials'] });
    expect(routes.json.data).toHaveLength(2);
    expect(JSON.stringify(family.json)).not.toContain('audit-secret');
  });
});

describe('the routing table', () => {
  it('accepts "*" and the workspace’s own sending domains, lower-cased, and returns the whole table', async () => {
    const s = await paidTenant();
    const domain = await addDomain(s);
    const t = await create(s, sendgridBody());
    const res = await putRoutes(s, [
      { stream: 'marketing', domain: '*', transport_id: t.id },
      { stream: 'marketing', domain: domain.domain.toUpperCase(), transport_id: t.id },
    ]);
    expect(res.status).toBe(200);
    expect(res.json.data).toEqual([
      { stream: 'marketing', domain: '*', transport_id: t.id, fallback_transport_id: null },
      { stream: 'marketing', domain: domain.domain, transport_id: t.id, fallback_transport_id: null },
    ]);
    expect((await putRoutes(s, [])).json.data).toEqual([]);
  });

  it('refuses a domain that is not the workspace’s, duplicates, and a fallback equal to the primary — all at once, by field', async () => {
    const s = await paidTenant();
    const b = await paidTenant();
    const othersDomain = await addDomain(b);
    const t = await create(s, sendgridBody());
    const res = await putRoutes(s, [
      { stream: 'marketing', domain: othersDomain.domain, transport_id: t.id },
      { stream: 'transactional', domain: '*', transport_id: t.id, fallback_transport_id: t.id },
      { stream: 'transactional', domain: '*', transport_id: t.id },
    ]);
    expectProblem(res, 400, 'validation-error');
    expect(res.json.errors).toEqual([
      { field: 'routes[0].domain', message: 'must be "*" or one of your sending domains' },
      { field: 'routes[1].fallback_transport_id', message: 'must differ from the primary transport' },
      { field: 'routes[2]', message: 'another route already covers transactional mail from *' },
    ]);
    expect((await call('/v1/transport-routes', { token: s.token })).json.data).toEqual([]);
  });

  it('never lets the Cloudflare Email Service carry marketing mail, as primary or as fallback', async () => {
    const s = await signupTenant();
    const cf = await create(s, { name: 'Cloudflare', kind: 'cloudflare' });
    const sg = await create(s, sendgridBody());
    const asPrimary = await putRoutes(s, [{ stream: 'marketing', domain: '*', transport_id: cf.id }]);
    expectProblem(asPrimary, 400, 'validation-error');
    expect(asPrimary.json.errors).toEqual([{ field: 'routes[0].transport_id', message: 'the Cloudflare Email Service carries transactional mail only' }]);
    const asFallback = await putRoutes(s, [{ stream: 'marketing', domain: '*', transport_id: sg.id, fallback_transport_id: cf.id }]);
    expectProblem(asFallback, 400, 'validation-error');
    expect((await putRoutes(s, [{ stream: 'transactional', domain: '*', transport_id: cf.id, fallback_transport_id: sg.id }])).status).toBe(200);
  });
});

const message = (stream: OutboundMessage['stream']): OutboundMessage => ({
  id: 'msg_cf1',
  envelopeFrom: 'bounces@acme.test',
  from: { name: 'Acme', email: 'news@acme.test' },
  to: ['zoe@example.com'],
  subject: 'Your receipt',
  html: '<p>Thanks</p>',
  text: 'Thanks',
  headers: { 'Message-ID': '<msg_cf1@acme.test>', 'List-Unsubscribe': '<https://api.edgepost.test/t/u/x>', 'Feedback-ID': 'a:b:c:edgepost', 'X-Entity-Ref-ID': 'msg_cf1' },
  raw: '',
  stream,
});

describe('the Cloudflare Email Service transport', () => {
  it('sends transactional mail through the send_email binding and refuses campaigns', async () => {
    const transport = createTransport(env, 'cloudflare', {}, {});
    const session = await transport.open();
    expect((await session.send(message('transactional'))).externalId).toBeTruthy();
    const refused = await session.send(message('marketing')).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(TransportError);
    expect(refused).toMatchObject({ kind: 'permanent', opts: { code: 'marketing_not_allowed' } });
  });
});

describe('choosing the transport for a batch', () => {
  async function routedTenant() {
    const s = await paidTenant();
    const domain = (await addDomain(s)).domain as string;
    const [primary, fallback, special] = [await create(s, sendgridBody()), await create(s, sendgridBody()), await create(s, sendgridBody())];
    await putRoutes(s, [
      { stream: 'marketing', domain: '*', transport_id: primary.id, fallback_transport_id: fallback.id },
      { stream: 'marketing', domain, transport_id: special.id },
    ]);
    return { s, domain, primary: primary.id, fallback: fallback.id, special: special.id };
  }
  const failures = (id: string, count: number, lastFailureAt: Date) =>
    db().update(transports).set({ consecutiveFailures: count, lastFailureAt, lastError: 'SMTP 421' }).where(eq(transports.id, id)).run();

  it('takes the sending domain’s route over "*", and the platform relay when no route covers the stream', async () => {
    const { s, domain, primary, special } = await routedTenant();
    expect((await resolveTransport(env, db(), s.tenantId, 'marketing', domain.toUpperCase())).id).toBe(special);
    expect((await resolveTransport(env, db(), s.tenantId, 'marketing', 'elsewhere.test')).id).toBe(primary);
    const platform = await resolveTransport(env, db(), s.tenantId, 'transactional', domain);
    expect(platform.id).toBeNull();
    expect(platform.transport.kind).toBe('smtp');
    // Another tenant's routes are not this tenant's.
    const other = await signupTenant();
    expect((await resolveTransport(env, db(), other.tenantId, 'marketing', domain)).id).toBeNull();
  });

  it('uses the fallback while the primary has failed 5 times in a row recently, and tries the primary again after 10 minutes', async () => {
    const { s, primary, fallback } = await routedTenant();
    const now = Date.now();
    await failures(primary, FAILOVER_THRESHOLD - 1, new Date(now - 1000));
    expect((await resolveTransport(env, db(), s.tenantId, 'marketing', 'x.test', now)).id).toBe(primary);
    await failures(primary, FAILOVER_THRESHOLD, new Date(now - 1000));
    const chosen = await resolveTransport(env, db(), s.tenantId, 'marketing', 'x.test', now);
    expect(chosen).toMatchObject({ id: fallback, transport: { kind: 'sendgrid' } });
    await failures(primary, FAILOVER_THRESHOLD + 20, new Date(now - FAILOVER_WINDOW_MS - 1000));
    expect((await resolveTransport(env, db(), s.tenantId, 'marketing', 'x.test', now)).id).toBe(primary);
  });

  it('stays on a failing primary when there is no fallback', async () => {
    const { s, domain, special } = await routedTenant();
    await failures(special, 50, new Date());
    expect((await resolveTransport(env, db(), s.tenantId, 'marketing', domain)).id).toBe(special);
  });

  it('counts failures per batch, notifies the managers once when the streak reaches 5, and resets on success', async () => {
    const s = await signupTenant();
    const t = await create(s, sendgridBody());
    await recordTransportOutcome(env, db(), t.id, { ok: 0, failed: 3, error: 'SendGrid answered 503: busy' });
    expect(await notificationsOf(s.tenantId, 'transport_failing')).toHaveLength(0);
    await recordTransportOutcome(env, db(), t.id, { ok: 0, failed: 2, error: 'SendGrid answered 503: still busy' });
    await recordTransportOutcome(env, db(), t.id, { ok: 0, failed: 4, error: 'SendGrid answered 503: still busy' });
    const [notice, ...more] = await notificationsOf(s.tenantId, 'transport_failing');
    expect(more).toHaveLength(0);
    expect(notice!.title).toBe(`Delivery through ${t.name} is failing`);
    expect(notice!.body).toContain('5 attempts failed');
    expect(notice!.body).toContain('SendGrid answered 503: still busy');

    const view = (await call(`/v1/transports/${t.id}`, { token: s.token })).json;
    expect(view.health).toMatchObject({ consecutive_failures: 9, failing: true, last_error: 'SendGrid answered 503: still busy', last_success_at: null });

    await recordTransportOutcome(env, db(), t.id, { ok: 10, failed: 1, error: 'one refused' });
    const after = (await row(t.id))!;
    expect(after.consecutiveFailures).toBe(0);
    expect(after.lastSuccessAt).not.toBeNull();
    // The next streak is a new one: it notifies again when it reaches the threshold.
    await recordTransportOutcome(env, db(), t.id, { ok: 0, failed: 5, error: 'down again' });
    expect(await notificationsOf(s.tenantId, 'transport_failing')).toHaveLength(2);
  });
});

describe('testing a transport’s connection', () => {
  it('answers { ok, detail } when the server accepts the login', async () => {
    const s = await signupTenant();
    const t = await create(s, smtpBody());
    const res = await call(`/v1/transports/${t.id}/test`, { token: s.token, method: 'POST' });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ ok: true, detail: `Connected to 127.0.0.1:${ports.auth} (no TLS), authenticated as ${SMTP_USERS.good.username}` });
    expect((await row(t.id))!.lastSuccessAt).not.toBeNull();
  });

  it('surfaces the server’s refusal as a 422 problem and counts it against the transport', async () => {
    const s = await signupTenant();
    const t = await create(s, smtpBody({ credentials: { username: SMTP_USERS.good.username, password: 'wrong' } }));
    const res = await call(`/v1/transports/${t.id}/test`, { token: s.token, method: 'POST' });
    expectProblem(res, 422, 'unprocessable');
    expect(res.json.detail).toMatch(/^SMTP 535 5\.7\.8 Authentication credentials invalid/);
    expect(res.json.transport_error).toEqual({ kind: 'permanent', code: 535, scope: 'connection' });
    expect((await row(t.id))!).toMatchObject({ consecutiveFailures: 1, lastError: expect.stringContaining('535') });
  });

  it('answers 503 when the server cannot be reached', async () => {
    const s = await signupTenant();
    const t = await create(s, smtpBody({ settings: { host: '127.0.0.1', port: ports.refused, security: 'none' }, credentials: {} }));
    const res = await call(`/v1/transports/${t.id}/test`, { token: s.token, method: 'POST' });
    expectProblem(res, 503, 'service-unavailable');
    expect(res.json.transport_error).toMatchObject({ kind: 'temporary', scope: 'connection' });
  });
});

describe('deployment rules', () => {
  it('in production, an API override must be https and SMTP cannot use port 25', () => {
    const production = { ...env, APP_ENV: 'production', TURNSTILE_SITE_KEY: 'site', TURNSTILE_SECRET_KEY: 'secret' };
    expect(deploymentIssues(production, 'sendgrid', { api_base: 'http://127.0.0.1:9999' })).toEqual([{ field: 'settings.api_base', message: 'must be an https URL' }]);
    expect(deploymentIssues(production, 'sendgrid', { api_base: 'https://api.eu.sendgrid.com' })).toEqual([]);
    expect(deploymentIssues(production, 'smtp', { port: 25 })).toEqual([{ field: 'settings.port', message: 'Workers cannot connect to port 25: use 587, 465 or 2525' }]);
    expect(deploymentIssues(env, 'sendgrid', { api_base: 'http://127.0.0.1:9999' })).toEqual([]);
  });

  it('re-seals transport credentials when ENCRYPTION_KEY is rotated', async () => {
    const s = await signupTenant();
    const t = await create(s, sendgridBody('SG.rotate-me-4242'));
    const newKey = 'ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100';
    await reencryptSecrets(db(), [newKey, env.ENCRYPTION_KEY]);
    const sealed = (await row(t.id))!.credentialsEnc!;
    expect(JSON.parse(await decryptSecret([newKey], sealed))).toEqual({ api_key: 'SG.rotate-me-4242' });
    // Back under the configured key, so the rest of this file's workspace data stays readable.
    await reencryptSecrets(db(), [env.ENCRYPTION_KEY, newKey]);
    expect(JSON.parse(await decryptSecret([env.ENCRYPTION_KEY], (await row(t.id))!.credentialsEnc!))).toEqual({ api_key: 'SG.rotate-me-4242' });
  });
});
