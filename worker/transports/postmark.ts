import { MESSAGE_ID_KEY, apiBase, callProvider, field, headersWithout, jsonOf, mailbox, postJson, statelessSession, type ErrorReader } from './provider-http';
import type { Transport } from './transport';

export interface PostmarkSettings {
  /** Message stream for campaigns; Postmark's default broadcast stream is `broadcast`. */
  marketing_stream: string;
  /** Message stream for transactional mail; Postmark's default is `outbound`. */
  transactional_stream: string;
  api_base?: string;
}

export interface PostmarkCredentials {
  server_token: string;
}

/**
 * Postmark API error codes about the server token, sender signature, account or stream: bad token
 * (10), sender signature missing or unconfirmed (400, 401), sending not allowed (405), account
 * pending approval (412), message stream not found (1235). Inactive recipient (406) stays a
 * permanent failure of the message.
 */
const CONFIGURATION_ERRORS = new Set([10, 400, 401, 405, 412, 1235]);

/** `{ ErrorCode, Message }`. */
const readError: ErrorReader = (body) => {
  const code = Number(field(body, 'ErrorCode'));
  const message = field(body, 'Message');
  if (!Number.isFinite(code) || code === 0) return message ? { message } : {};
  return { message, code, ...(CONFIGURATION_ERRORS.has(code) ? { kind: 'permanent' as const, scope: 'connection' as const } : {}) };
};

/** Postmark signs with the sender signature or domain; its tracking is off (Edgepost's own is in the content). */
export function postmarkTransport(settings: PostmarkSettings, credentials: PostmarkCredentials): Transport {
  const base = apiBase(settings.api_base, 'https://api.postmarkapp.com');
  const headers = { accept: 'application/json', 'x-postmark-server-token': credentials.server_token };

  return {
    kind: 'postmark',
    async open() {
      return statelessSession(async (message) => {
        const res = await postJson(
          'Postmark',
          `${base}/email`,
          headers,
          {
            From: mailbox(message.from),
            To: message.to.join(', '),
            ...(message.cc?.length ? { Cc: message.cc.join(', ') } : {}),
            ...(message.bcc?.length ? { Bcc: message.bcc.join(', ') } : {}),
            ...(message.replyTo ? { ReplyTo: message.replyTo } : {}),
            Subject: message.subject,
            HtmlBody: message.html,
            TextBody: message.text,
            // Postmark writes its own Message-ID; webhooks map back through Metadata.
            Headers: Object.entries(headersWithout(message.headers, ['Message-ID'])).map(([Name, Value]) => ({ Name, Value })),
            ...(message.attachments?.length ? { Attachments: message.attachments.map((a) => ({ Name: a.filename, Content: a.content, ContentType: a.contentType })) } : {}),
            MessageStream: message.stream === 'marketing' ? settings.marketing_stream : settings.transactional_stream,
            Metadata: { [MESSAGE_ID_KEY]: message.id },
            TrackOpens: false,
            TrackLinks: 'None',
          },
          readError,
        );
        return { externalId: field(await jsonOf(res), 'MessageID') ?? message.id };
      });
    },
    async test() {
      const server = await jsonOf(await callProvider('Postmark', `${base}/server`, { method: 'GET', headers }, readError));
      return { ok: true, detail: `Postmark server "${field(server, 'Name') ?? '?'}" accepted the token` };
    },
  };
}
