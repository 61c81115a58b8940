import { describe, expect, it } from 'vitest';
import { ATTACHMENT, outboundMessage, useFakeEsp } from '../../test/node/fake-esp';
import { postmarkTransport } from './postmark';

describe('Postmark transport', () => {
  const esp = useFakeEsp();
  const postmark = (streams = { marketing_stream: 'broadcast', transactional_stream: 'outbound' }) =>
    postmarkTransport({ ...streams, api_base: esp().url }, { server_token: 'server-token-1' });

  it('posts /email with the headers array, metadata, tracking off, and the broadcast stream for campaigns', async () => {
    esp().reply(() => ({ body: { To: 'zoe@example.com', SubmittedAt: '2026-05-01T12:00:00Z', MessageID: 'pm-0a1b', ErrorCode: 0, Message: 'OK' } }));
    const message = outboundMessage();
    expect(await (await postmark().open()).send(message)).toEqual({ externalId: 'pm-0a1b' });

    const req = esp().last();
    expect([req.method, req.path]).toEqual(['POST', '/email']);
    expect(req.headers['x-postmark-server-token']).toBe('server-token-1');
    expect(req.headers.accept).toBe('application/json');
    expect(req.headers['content-type']).toBe('application/json');
    expect(esp().lastJson()).toEqual({
      From: '"Acme \\"Café\\"" <news@acme.test>',
      To: 'zoe@example.com',
      ReplyTo: 'help@acme.test',
      Subject: 'Grüße',
      HtmlBody: message.html,
      TextBody: message.text,
      Headers: [
        { Name: 'List-Unsubscribe', Value: message.headers['List-Unsubscribe'] },
        { Name: 'List-Unsubscribe-Post', Value: 'List-Unsubscribe=One-Click' },
        { Name: 'List-Id', Value: message.headers['List-Id'] },
        { Name: 'Feedback-ID', Value: message.headers['Feedback-ID'] },
      ],
      MessageStream: 'broadcast',
      Metadata: { edgepost_message_id: 'msg_01testmessage' },
      TrackOpens: false,
      TrackLinks: 'None',
    });
  });

  it('sends transactional mail on the transactional stream, and honours configured stream names', async () => {
    const streams = { marketing_stream: 'newsletters', transactional_stream: 'receipts' };
    await (await postmark(streams).open()).send(outboundMessage({ stream: 'transactional' }));
    expect(esp().lastJson().MessageStream).toBe('receipts');
    await (await postmark(streams).open()).send(outboundMessage({ stream: 'marketing' }));
    expect(esp().lastJson().MessageStream).toBe('newsletters');
  });

  it('an inactive recipient (406) fails the message; an unconfirmed sender signature (401) stops the batch', async () => {
    esp().reply(() => ({ status: 422, body: { ErrorCode: 406, Message: 'You tried to send to a recipient that has been marked as inactive.' } }));
    await expect((await postmark().open()).send(outboundMessage())).rejects.toMatchObject({ kind: 'permanent', opts: { code: 406, scope: 'message' } });
    esp().reply(() => ({ status: 422, body: { ErrorCode: 401, Message: 'Sender signature not confirmed.' } }));
    await expect((await postmark().open()).send(outboundMessage())).rejects.toMatchObject({ kind: 'permanent', opts: { code: 401, scope: 'connection' } });
  });

  it('test() reads /server with the token', async () => {
    esp().reply(() => ({ body: { ID: 1, Name: 'Acme production' } }));
    expect(await postmark().test()).toEqual({ ok: true, detail: 'Postmark server "Acme production" accepted the token' });
    expect([esp().last().method, esp().last().path, esp().last().headers['x-postmark-server-token']]).toEqual(['GET', '/server', 'server-token-1']);
  });

  it('carries Cc, Bcc and attachments of transactional mail', async () => {
    await (await postmark().open()).send(outboundMessage({ stream: 'transactional', cc: ['cc@example.com'], bcc: ['b1@example.com', 'b2@example.com'], attachments: [ATTACHMENT] }));
    expect(esp().lastJson()).toMatchObject({ Cc: 'cc@example.com', Bcc: 'b1@example.com, b2@example.com', Attachments: [{ Name: 'receipt.pdf', Content: ATTACHMENT.content, ContentType: 'application/pdf' }] });
  });
});
