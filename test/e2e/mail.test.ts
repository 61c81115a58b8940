import PostalMime from 'postal-mime';
import { beforeAll, describe, expect, it } from 'vitest';
import { publishedDkimRecords, signedHeaders, verifyDkim, type DomainList } from './dkim';
import { fetchJson, login, mailbox, uniqueEmail } from './helpers';

/**
 * A real test send, from the API through worker-mailer to maildev, checked as a receiving mail server
 * would: mailauth verifies the DKIM signature of the bytes that arrived, looking the key up in "DNS"
 * that holds exactly what the API tells the tenant (and the operator) to publish. Once with the demo
 * tenant's verified domain as From, once with the platform address.
 */
const POSTAL_ADDRESS = { line1: '1 Harbour Street', city: 'Bristol', postal_code: 'BS1 4RN', country: 'GB' };

let token: string;
let templateId: string;
let postalLine: string;
/** TXT records by name, as published from GET /v1/domains. */
let published: Map<string, string>;
let platform: DomainList['platform'];

beforeAll(async () => {
  const demo = login('demo@edgepost.test');
  const session = await fetchJson<{ token: string }>('/v1/auth/login', { method: 'POST', json: { email: demo.email, password: demo.password } });
  expect(session.status).toBe(200);
  token = session.body.token;

  // Every message carries the sender's postal address, and sending refuses to go without one.
  const tenant = await fetchJson<{ postal_address: { line1: string } | null }>('/v1/tenant', { token });
  if (!tenant.body.postal_address) {
    expect((await fetchJson('/v1/tenant', { method: 'PATCH', token, json: { postal_address: POSTAL_ADDRESS } })).status).toBe(200);
  }
  postalLine = tenant.body.postal_address?.line1 ?? POSTAL_ADDRESS.line1;

  const templates = await fetchJson<{ data: { id: string; name: string }[] }>('/v1/templates', { token });
  expect(templates.body.data.length).toBeGreaterThan(0);
  templateId = templates.body.data[0]!.id;

  const domains = await fetchJson<DomainList>('/v1/domains', { token });
  expect(domains.status).toBe(200);
  published = publishedDkimRecords(domains.body);
  platform = domains.body.platform;
  expect(domains.body.data.find((d) => d.domain === 'edgepost.test')?.status).toBe('verified');
});

const dkimOf = (raw: string) => verifyDkim(raw, published);

/** Sends the template to a fresh address and returns the raw message as maildev received it. */
async function sendTest(fromEmail?: string) {
  const to = uniqueEmail('dkim');
  const res = await fetchJson<{ sent: number }>(`/v1/templates/${templateId}/test`, { method: 'POST', token, json: { to: [to], ...(fromEmail ? { from_email: fromEmail } : {}) } });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  expect(res.body.sent).toBe(1);
  const message = await mailbox.waitFor({ to, subject: '[Test]' });
  return mailbox.source(message.id);
}

/** The same message with one letter of the body changed. */
function withOneBodyByteChanged(raw: string) {
  const bodyStart = raw.indexOf('\r\n\r\n') + 4;
  const at = raw.slice(bodyStart).search(/[a-z]/) + bodyStart;
  return raw.slice(0, at) + (raw[at] === 'x' ? 'y' : 'x') + raw.slice(at + 1);
}

describe('a test send arrives DKIM-signed', () => {
  it.each([
    ['from news@edgepost.test with the verified domain key', 'news@edgepost.test'],
    ['from the platform address with the platform key', undefined],
  ])('%s: passes DKIM, signs the one-click unsubscribe headers and parses back', async (_, requested) => {
    const raw = await sendTest(requested);
    const from = requested ?? platform.from_email;

    const result = await dkimOf(raw);
    expect(result.status.result, result.status.comment).toBe('pass');
    // d= is the From address's domain: aligned for DMARC.
    expect(result.signingDomain).toBe(requested ? 'edgepost.test' : platform.domain);
    expect(from.endsWith(`@${result.signingDomain}`)).toBe(true);
    expect(signedHeaders(raw)).toEqual(expect.arrayContaining(['from', 'subject', 'list-unsubscribe', 'list-unsubscribe-post']));

    const parsed = await PostalMime.parse(raw);
    expect(parsed.from?.address).toBe(from);
    expect(parsed.subject).toMatch(/^\[Test\] \S/);
    expect(parsed.html).toContain('/t/c/');
    expect(parsed.html).toContain(postalLine);
    expect(parsed.headers.find((h) => h.key === 'list-unsubscribe-post')?.value).toBe('List-Unsubscribe=One-Click');

    const tampered = await dkimOf(withOneBodyByteChanged(raw));
    expect(tampered.status.result).not.toBe('pass');
    expect(tampered.status.comment).toMatch(/body hash/);
  });
});
