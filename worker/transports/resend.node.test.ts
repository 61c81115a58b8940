import { describe, expect, it } from 'vitest';
import { ATTACHMENT, outboundMessage, useFakeEsp } from '../../test/node/fake-esp';
import { resendTransport } from './resend';

describe('Resend transport', () => {
  const esp = useFakeEsp();
  const resend = () => resendTransport({ api_base: esp().url }, { api_key: 're_test_key' });

  it('posts /emails with headers, tags and our message id as the idempotency key', async () => {
    esp().reply(() => ({ body: { id: '49a3999c-0ce1-4ea6-ab68-afcd6dc2e794' } }));
    const message = outboundMessage();
    expect(await (await resend().open()).send(message)).toEqual({ externalId: '49a3999c-0ce1-4ea6-ab68-afcd6dc2e794' });

    const req = esp().last();
    expect([req.method, req.path]).toEqual(['POST', '/emails']);
    expect(req.headers.authorization).toBe('Bearer re_test_key');
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers['idempotency-key']).toBe('msg_01testmessage');
    expect(esp().lastJson()).toEqual({
      from: '"Acme \\"Café\\"" <news@acme.test>',
      to: ['zoe@example.com'],
      subject: 'Grüße',
      html: message.html,
      text: message.text,
      reply_to: 'help@acme.test',
      headers: {
        'List-Unsubscribe': message.headers['List-Unsubscribe'],
        'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
        'List-Id': message.headers['List-Id'],
        'Feedback-ID': message.headers['Feedback-ID'],
      },
      tags: [
        { name: 'edgepost_message_id', value: 'msg_01testmessage' },
        { name: 'stream', value: 'marketing' },
      ],
    });
  });

  it('names Resend’s error in the failure, and retries the same key in flight twice', async () => {
    esp().reply(() => ({ status: 422, body: { statusCode: 422, name: 'invalid_from_address', message: 'Invalid `from` field.' } }));
    await expect((await resend().open()).send(outboundMessage())).rejects.toMatchObject({ kind: 'permanent', opts: { code: 'invalid_from_address' } });
    esp().reply(() => ({ status: 409, body: { statusCode: 409, name: 'concurrent_idempotent_requests', message: 'Same idempotency key in progress.' } }));
    await expect((await resend().open()).send(outboundMessage())).rejects.toMatchObject({ kind: 'temporary', opts: { code: 'concurrent_idempotent_requests' } });
  });

  it('test() lists the domains, and accepts a sending-only key that may not list them', async () => {
    esp().reply(() => ({ body: { data: [{ id: 'd1', name: 'acme.test', status: 'verified' }] } }));
    expect(await resend().test()).toEqual({ ok: true, detail: 'Resend accepted the API key; domains: acme.test (verified)' });
    expect([esp().last().method, esp().last().path]).toEqual(['GET', '/domains']);

    esp().reply(() => ({ status: 401, body: { statusCode: 401, name: 'restricted_api_key', message: 'This API key is restricted to only send emails' } }));
    expect(await resend().test()).toMatchObject({ ok: true });
    esp().reply(() => ({ status: 403, body: { statusCode: 403, name: 'invalid_api_key', message: 'API key is invalid' } }));
    await expect(resend().test()).rejects.toMatchObject({ kind: 'permanent', opts: { code: 'invalid_api_key', scope: 'connection' } });
  });

  it('carries Cc, Bcc and attachments of transactional mail', async () => {
    await (await resend().open()).send(outboundMessage({ stream: 'transactional', cc: ['cc@example.com'], bcc: ['b1@example.com'], attachments: [ATTACHMENT] }));
    expect(esp().lastJson()).toMatchObject({ cc: ['cc@example.com'], bcc: ['b1@example.com'], attachments: [{ filename: 'receipt.pdf', content: ATTACHMENT.content, content_type: 'application/pdf' }] });
  });
});
