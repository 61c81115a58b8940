import { describe, expect, it } from 'vitest';
import { outboundMessage, refusedOrigin, useFakeEsp } from '../../test/node/fake-esp';
import { mailgunTransport } from './mailgun';
import { postmarkTransport } from './postmark';
import { retryAfterSeconds } from './provider-http';
import { resendTransport } from './resend';
import { sendgridTransport } from './sendgrid';
import { sesTransport } from './ses';
import { TransportError, type Transport } from './transport';

/** Every HTTP transport, pointed at a given API origin. */
const TRANSPORTS: [string, (api_base: string) => Transport][] = [
  ['SES', (api_base) => sesTransport({ region: 'us-east-1', api_base }, { access_key_id: 'AKIAIOSFODNN7EXAMPLE', secret_access_key: 'secret' })],
  ['SendGrid', (api_base) => sendgridTransport({ api_base }, { api_key: 'SG.key' })],
  ['Mailgun', (api_base) => mailgunTransport({ domain: 'mg.acme.test', region: 'us', api_base }, { api_key: 'key' })],
  ['Postmark', (api_base) => postmarkTransport({ marketing_stream: 'broadcast', transactional_stream: 'outbound', api_base }, { server_token: 'token' })],
  ['Resend', (api_base) => resendTransport({ api_base }, { api_key: 're_key' })],
];

async function failureOf(transport: Transport): Promise<TransportError> {
  const session = await transport.open();
  const error = await session.send(outboundMessage()).then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof TransportError)) throw new Error(`expected a TransportError, got ${String(error)}`);
  return error;
}

describe.each(TRANSPORTS)('%s: what the provider answers becomes the right TransportError', (_name, make) => {
  const esp = useFakeEsp();

  it('429 with Retry-After is temporary, stops the batch, and says when to come back', async () => {
    esp().reply(() => ({ status: 429, headers: { 'retry-after': '17' }, body: { message: 'slow down' } }));
    const error = await failureOf(make(esp().url));
    expect(error).toMatchObject({ kind: 'temporary', opts: { retryAfterSeconds: 17, scope: 'connection' } });
  });

  it('a 400 rejection of the message is permanent for that message only', async () => {
    esp().reply(() => ({ status: 400, body: { message: 'invalid recipient' } }));
    const error = await failureOf(make(esp().url));
    expect(error).toMatchObject({ kind: 'permanent', opts: { scope: 'message' } });
    expect(error.opts.retryAfterSeconds).toBeUndefined();
  });

  it('a 500 is temporary', async () => {
    esp().reply(() => ({ status: 500, body: 'upstream exploded' }));
    const error = await failureOf(make(esp().url));
    expect(error).toMatchObject({ kind: 'temporary', opts: { scope: 'connection' } });
    expect(error.message).toContain('500');
  });

  it('a refused API key is permanent and stops the batch (no message would get through)', async () => {
    esp().reply(() => ({ status: 401, body: 'Forbidden' }));
    expect(await failureOf(make(esp().url))).toMatchObject({ kind: 'permanent', opts: { scope: 'connection', code: expect.anything() } });
  });

  it('an unreachable provider is temporary and stops the batch', async () => {
    const error = await failureOf(make(await refusedOrigin()));
    expect(error).toMatchObject({ kind: 'temporary', opts: { scope: 'connection' } });
    expect(error.message).toMatch(/could not be reached/);
  });

  it('test() surfaces the provider’s refusal the same way', async () => {
    esp().reply(() => ({ status: 403, body: { message: 'key revoked' } }));
    await expect(make(esp().url).test()).rejects.toMatchObject({ kind: 'permanent', opts: { scope: 'connection' } });
  });
});

describe('Retry-After', () => {
  it('reads delay-seconds and HTTP-dates, and ignores anything else', () => {
    const now = Date.parse('2026-05-01T12:00:00Z');
    expect(retryAfterSeconds('120', now)).toBe(120);
    expect(retryAfterSeconds('Fri, 01 May 2026 12:01:30 GMT', now)).toBe(90);
    expect(retryAfterSeconds('Fri, 01 May 2026 11:00:00 GMT', now)).toBe(0);
    expect(retryAfterSeconds('soon', now)).toBeUndefined();
    expect(retryAfterSeconds(null, now)).toBeUndefined();
  });
});
