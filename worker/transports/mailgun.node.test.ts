import { describe, expect, it, vi } from 'vitest';
import { outboundMessage, useFakeEsp, type ReceivedRequest } from '../../test/node/fake-esp';
import { mailgunTransport } from './mailgun';

/** The multipart body as Mailgun reads it. */
const formOf = (req: ReceivedRequest) => new Response(new Uint8Array(req.body), { headers: { 'content-type': String(req.headers['content-type']) } }).formData();

describe('Mailgun messages.mime transport', () => {
  const esp = useFakeEsp();
  const mailgun = (region: 'us' | 'eu' = 'eu') => mailgunTransport({ domain: 'mg.acme.test', region, api_base: esp().url }, { api_key: 'key-123' });

  it('uploads the signed MIME untouched as multipart, with the recipients, our id as a variable, and tracking off', async () => {
    esp().reply(() => ({ body: { id: '<20260501120000.1.ABC@mg.acme.test>', message: 'Queued. Thank you.' } }));
    const message = outboundMessage({ to: ['zoe@example.com', 'ann@example.com'] });
    expect(await (await mailgun().open()).send(message)).toEqual({ externalId: '<20260501120000.1.ABC@mg.acme.test>' });

    const req = esp().last();
    expect([req.method, req.path]).toEqual(['POST', '/v3/mg.acme.test/messages.mime']);
    expect(req.headers.authorization).toBe(`Basic ${Buffer.from('api:key-123').toString('base64')}`);
    expect(req.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    const form = await formOf(req);
    expect(form.getAll('to')).toEqual(['zoe@example.com', 'ann@example.com']);
    expect(form.get('v:edgepost_message_id')).toBe('msg_01testmessage');
    expect(form.get('o:tracking')).toBe('no');
    expect(form.get('o:tag')).toBe('marketing');
    const file = form.get('message') as File;
    expect(Buffer.from(await file.arrayBuffer()).equals(Buffer.from(message.raw, 'utf8'))).toBe(true);
  });

  it('defaults to the regional API origin when there is no override', async () => {
    const urls: string[] = [];
    vi.stubGlobal('fetch', async (url: string) => {
      urls.push(url);
      return Response.json({ domain: { state: 'active' } });
    });
    try {
      await mailgunTransport({ domain: 'mg.acme.test', region: 'eu' }, { api_key: 'k' }).test();
      await mailgunTransport({ domain: 'mg.acme.test', region: 'us' }, { api_key: 'k' }).test();
    } finally {
      vi.unstubAllGlobals();
    }
    expect(urls).toEqual(['https://api.eu.mailgun.net/v4/domains/mg.acme.test', 'https://api.mailgun.net/v4/domains/mg.acme.test']);
  });

  it('test() reads the domain and reports its state', async () => {
    esp().reply(() => ({ body: { domain: { name: 'mg.acme.test', state: 'active' } } }));
    expect(await mailgun().test()).toEqual({ ok: true, detail: 'Mailgun domain mg.acme.test (EU) found, state: active' });
    expect([esp().last().method, esp().last().path]).toEqual(['GET', '/v4/domains/mg.acme.test']);
  });

  it('an unknown domain stops the batch instead of bouncing the recipient', async () => {
    esp().reply(() => ({ status: 404, body: { message: 'Domain not found: mg.acme.test' } }));
    await expect((await mailgun().open()).send(outboundMessage())).rejects.toMatchObject({
      kind: 'permanent',
      message: 'Mailgun answered 404: Domain not found: mg.acme.test',
      opts: { scope: 'connection' },
    });
  });

  it('gives every To, Cc and Bcc mailbox as a recipient of the raw message', async () => {
    await (await mailgun().open()).send(outboundMessage({ to: ['zoe@example.com'], cc: ['cc@example.com'], bcc: ['b1@example.com'] }));
    expect((await formOf(esp().last())).getAll('to')).toEqual(['zoe@example.com', 'cc@example.com', 'b1@example.com']);
  });
});
