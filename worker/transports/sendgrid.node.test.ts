import { describe, expect, it } from 'vitest';
import { ATTACHMENT, outboundMessage, useFakeEsp } from '../../test/node/fake-esp';
import { sendgridTransport } from './sendgrid';

describe('SendGrid v3 Mail Send transport', () => {
  const esp = useFakeEsp();
  const sendgrid = () => sendgridTransport({ api_base: esp().url }, { api_key: 'SG.test-key' });

  it('posts personalizations, both bodies, the list headers and our message id, and takes the id from X-Message-Id', async () => {
    esp().reply(() => ({ status: 202, headers: { 'x-message-id': 'sg-abc123' } }));
    const message = outboundMessage();
    expect(await (await sendgrid().open()).send(message)).toEqual({ externalId: 'sg-abc123' });

    const req = esp().last();
    expect([req.method, req.path]).toEqual(['POST', '/v3/mail/send']);
    expect(req.headers.authorization).toBe('Bearer SG.test-key');
    expect(req.headers['content-type']).toBe('application/json');
    expect(esp().lastJson()).toEqual({
      personalizations: [{ to: [{ email: 'zoe@example.com' }] }],
      from: { email: 'news@acme.test', name: 'Acme "Café"' },
      reply_to: { email: 'help@acme.test' },
      subject: 'Grüße',
      content: [
        { type: 'text/plain', value: message.text },
        { type: 'text/html', value: message.html },
      ],
      headers: {
        'List-Unsubscribe': message.headers['List-Unsubscribe'],
        'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
        'List-Id': message.headers['List-Id'],
        'Feedback-ID': message.headers['Feedback-ID'],
      },
      custom_args: { edgepost_message_id: 'msg_01testmessage' },
      categories: ['marketing'],
      tracking_settings: { click_tracking: { enable: false, enable_text: false }, open_tracking: { enable: false }, subscription_tracking: { enable: false } },
    });
  });

  it('reports SendGrid’s field errors in the failure', async () => {
    esp().reply(() => ({ status: 400, body: { errors: [{ message: 'Does not contain a valid address.', field: 'personalizations.0.to.0.email', help: null }] } }));
    await expect((await sendgrid().open()).send(outboundMessage())).rejects.toMatchObject({
      kind: 'permanent',
      message: 'SendGrid answered 400: personalizations.0.to.0.email: Does not contain a valid address.',
    });
  });

  it('test() lists the key’s scopes and requires mail.send', async () => {
    esp().reply(() => ({ body: { scopes: ['mail.send', 'user.profile.read'] } }));
    expect(await sendgrid().test()).toMatchObject({ ok: true });
    expect([esp().last().method, esp().last().path, esp().last().headers.authorization]).toEqual(['GET', '/v3/scopes', 'Bearer SG.test-key']);

    esp().reply(() => ({ body: { scopes: ['user.profile.read'] } }));
    await expect(sendgrid().test()).rejects.toMatchObject({ kind: 'permanent', opts: { code: 'missing_scope', scope: 'connection' } });
  });

  it('carries Cc, Bcc and attachments of transactional mail', async () => {
    await (await sendgrid().open()).send(outboundMessage({ stream: 'transactional', cc: ['cc@example.com'], bcc: ['b1@example.com'], attachments: [ATTACHMENT] }));
    const body = esp().lastJson();
    expect(body.personalizations[0]).toMatchObject({ cc: [{ email: 'cc@example.com' }], bcc: [{ email: 'b1@example.com' }] });
    expect(body.attachments).toEqual([{ content: ATTACHMENT.content, filename: 'receipt.pdf', type: 'application/pdf', disposition: 'attachment' }]);
  });
});
