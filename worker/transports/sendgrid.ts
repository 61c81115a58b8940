import { MESSAGE_ID_KEY, apiBase, callProvider, headersWithout, jsonOf, postJson, statelessSession, type ErrorReader } from './provider-http';
import { TransportError, type Transport } from './transport';

export interface SendgridSettings {
  api_base?: string;
}

export interface SendgridCredentials {
  api_key: string;
}

/**
 * Headers Mail Send refuses in `headers` (its reserved list), plus Message-ID: SendGrid writes its own,
 * and its webhooks map back through `custom_args`.
 */
const DROPPED_HEADERS = ['Message-ID', 'x-sg-id', 'x-sg-eid', 'received', 'dkim-signature', 'content-type', 'content-transfer-encoding', 'to', 'from', 'subject', 'reply-to', 'cc', 'bcc'];

/** `{ errors: [{ message, field, help }] }`. */
const readError: ErrorReader = (body) => {
  const errors = (body as { errors?: { message?: string; field?: string | null }[] } | undefined)?.errors;
  const said = Array.isArray(errors) ? errors.map((e) => [e.field, e.message].filter(Boolean).join(': ')).join('; ') : '';
  return said ? { message: said } : {};
};

/**
 * SendGrid v3 Mail Send: SendGrid builds the MIME and signs it with the tenant's authenticated
 * domain. Its own open, click and subscription tracking are switched off: Edgepost's links and
 * footer are already in the content.
 */
export function sendgridTransport(settings: SendgridSettings, credentials: SendgridCredentials): Transport {
  const base = apiBase(settings.api_base, 'https://api.sendgrid.com');
  const auth = { authorization: `Bearer ${credentials.api_key}` };

  return {
    kind: 'sendgrid',
    async open() {
      return statelessSession(async (message) => {
        const res = await postJson(
          'SendGrid',
          `${base}/v3/mail/send`,
          auth,
          {
            personalizations: [{ to: message.to.map((email) => ({ email })), ...(message.cc?.length ? { cc: message.cc.map((email) => ({ email })) } : {}), ...(message.bcc?.length ? { bcc: message.bcc.map((email) => ({ email })) } : {}) }],
            from: { email: message.from.email, ...(message.from.name ? { name: message.from.name } : {}) },
            ...(message.replyTo ? { reply_to: { email: message.replyTo } } : {}),
            subject: message.subject,
            // Mail Send wants text/plain before text/html.
            content: [
              { type: 'text/plain', value: message.text },
              { type: 'text/html', value: message.html },
            ],
            headers: headersWithout(message.headers, DROPPED_HEADERS),
            ...(message.attachments?.length ? { attachments: message.attachments.map((a) => ({ content: a.content, filename: a.filename, type: a.contentType, disposition: 'attachment' })) } : {}),
            custom_args: { [MESSAGE_ID_KEY]: message.id },
            categories: [message.stream],
            tracking_settings: { click_tracking: { enable: false, enable_text: false }, open_tracking: { enable: false }, subscription_tracking: { enable: false } },
          },
          readError,
        );
        return { externalId: res.headers.get('x-message-id') ?? message.id };
      });
    },
    async test() {
      const res = await callProvider('SendGrid', `${base}/v3/scopes`, { method: 'GET', headers: auth }, readError);
      const scopes = (await jsonOf(res)).scopes;
      if (!Array.isArray(scopes) || !scopes.includes('mail.send')) {
        throw new TransportError('SendGrid accepted the API key, but it lacks the mail.send permission', 'permanent', { scope: 'connection', code: 'missing_scope' });
      }
      return { ok: true, detail: `SendGrid API key accepted, with mail.send among its ${scopes.length} scopes` };
    },
  };
}
