import { MESSAGE_ID_KEY, apiBase, callProvider, field, headersWithout, jsonOf, mailbox, postJson, statelessSession, type ErrorReader } from './provider-http';
import { TransportError, type Transport } from './transport';

export interface ResendSettings {
  api_base?: string;
}

export interface ResendCredentials {
  api_key: string;
}

/**
 * `{ statusCode, name, message }`, with `name` as the code. The same idempotency key in flight twice
 * is retried later; a key reused for a different payload within 24 h (409 invalid_idempotent_request)
 * stays a permanent failure of that message: Resend already took a message under this id.
 */
const readError: ErrorReader = (body) => {
  const name = field(body, 'name');
  const message = field(body, 'message');
  if (name === 'concurrent_idempotent_requests') return { message, code: name, kind: 'temporary', scope: 'message' };
  return { message, ...(name ? { code: name } : {}) };
};

/** Resend builds and signs the MIME; the `Idempotency-Key` (our message id) makes a redelivered queue message harmless for 24 h. */
export function resendTransport(settings: ResendSettings, credentials: ResendCredentials): Transport {
  const base = apiBase(settings.api_base, 'https://api.resend.com');
  const auth = { authorization: `Bearer ${credentials.api_key}` };

  return {
    kind: 'resend',
    async open() {
      return statelessSession(async (message) => {
        const res = await postJson(
          'Resend',
          `${base}/emails`,
          { ...auth, 'idempotency-key': message.id },
          {
            from: mailbox(message.from),
            to: message.to,
            ...(message.cc?.length ? { cc: message.cc } : {}),
            ...(message.bcc?.length ? { bcc: message.bcc } : {}),
            subject: message.subject,
            html: message.html,
            text: message.text,
            ...(message.replyTo ? { reply_to: message.replyTo } : {}),
            // Resend writes its own Message-ID; webhooks map back through the tags.
            headers: headersWithout(message.headers, ['Message-ID']),
            ...(message.attachments?.length ? { attachments: message.attachments.map((a) => ({ filename: a.filename, content: a.content, content_type: a.contentType })) } : {}),
            tags: [
              { name: MESSAGE_ID_KEY, value: message.id },
              { name: 'stream', value: message.stream },
            ],
          },
          readError,
        );
        return { externalId: field(await jsonOf(res), 'id') ?? message.id };
      });
    },
    async test() {
      try {
        const res = await callProvider('Resend', `${base}/domains`, { method: 'GET', headers: auth }, readError);
        const domains = (await jsonOf(res)).data;
        const list = Array.isArray(domains) ? domains.map((d) => `${field(d, 'name')} (${field(d, 'status')})`).join(', ') : '';
        return { ok: true, detail: `Resend accepted the API key; domains: ${list || 'none yet'}` };
      } catch (err) {
        // A sending-only key may not list domains: Resend recognised it, and it may send.
        if (err instanceof TransportError && err.opts.code === 'restricted_api_key') {
          return { ok: true, detail: 'Resend accepted the API key (a sending-only key, so its domains are not listed)' };
        }
        throw err;
      }
    },
  };
}
