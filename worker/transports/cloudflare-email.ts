import { statelessSession } from './provider-http';
import { TransportError, type Transport } from './transport';

/**
 * Headers the Email Service takes besides `X-` ones (its header reference); anything else, Message-ID
 * and Feedback-ID included (it writes those itself), is refused with E_HEADER_NOT_ALLOWED.
 */
const ALLOWED_HEADERS = new Set(['list-unsubscribe', 'list-unsubscribe-post', 'list-id', 'in-reply-to', 'references']);

/**
 * Error codes of `send()` that no retry changes: the payload, the sender's domain, a recipient the
 * binding may not reach or that Cloudflare suppressed. Rate and daily limits, delivery and internal
 * errors, and unknown codes are retried.
 */
const PERMANENT_CODES = new Set([
  'E_VALIDATION_ERROR',
  'E_FIELD_MISSING',
  'E_TOO_MANY_RECIPIENTS',
  'E_RECIPIENT_NOT_ALLOWED',
  'E_RECIPIENT_SUPPRESSED',
  'E_CONTENT_TOO_LARGE',
  'E_HEADER_NOT_ALLOWED',
  'E_HEADER_USE_API_FIELD',
  'E_HEADER_VALUE_INVALID',
  'E_HEADER_VALUE_TOO_LONG',
  'E_HEADER_NAME_INVALID',
  'E_HEADERS_TOO_LARGE',
  'E_HEADERS_TOO_MANY',
]);
/** The sending domain is not set up for the Email Service: every message from it fails alike. */
const SENDER_CODES = new Set(['E_SENDER_NOT_VERIFIED', 'E_SENDER_DOMAIN_NOT_AVAILABLE']);

function failure(err: unknown): TransportError {
  const code = typeof (err as { code?: unknown })?.code === 'string' ? (err as { code: string }).code : undefined;
  const message = `Cloudflare Email Service: ${err instanceof Error ? err.message : String(err)}`;
  if (code && SENDER_CODES.has(code)) return new TransportError(message, 'permanent', { code, scope: 'connection' });
  if (code && PERMANENT_CODES.has(code)) return new TransportError(message, 'permanent', { code, scope: 'message' });
  return new TransportError(message, 'temporary', { ...(code ? { code } : {}), scope: code ? 'message' : 'connection' });
}

/**
 * The Workers `send_email` binding (Cloudflare Email Service). Its terms allow transactional mail
 * only, so a campaign message is refused here as well as by the routing API.
 */
export function cloudflareEmailTransport(binding: SendEmail | undefined): Transport {
  const requireBinding = () => {
    if (!binding) throw new TransportError('this deployment has no EMAIL (send_email) binding', 'permanent', { scope: 'connection', code: 'binding_missing' });
    return binding;
  };
  return {
    kind: 'cloudflare',
    async open() {
      const email = requireBinding();
      return statelessSession(async (message) => {
        if (message.stream !== 'transactional') {
          throw new TransportError('Cloudflare Email Service carries transactional mail only, not campaigns', 'permanent', { scope: 'connection', code: 'marketing_not_allowed' });
        }
        const headers = Object.fromEntries(Object.entries(message.headers).filter(([name]) => /^x-/i.test(name) || ALLOWED_HEADERS.has(name.toLowerCase())));
        try {
          const result = await email.send({
            from: message.from.name ? { name: message.from.name, email: message.from.email } : message.from.email,
            to: message.to,
            ...(message.cc?.length ? { cc: message.cc } : {}),
            ...(message.bcc?.length ? { bcc: message.bcc } : {}),
            subject: message.subject,
            html: message.html,
            text: message.text,
            ...(message.replyTo ? { replyTo: message.replyTo } : {}),
            headers,
            ...(message.attachments?.length ? { attachments: message.attachments.map((a) => ({ filename: a.filename, type: a.contentType, content: a.content, disposition: 'attachment' as const })) } : {}),
          });
          return { externalId: result.messageId };
        } catch (err) {
          throw failure(err);
        }
      });
    },
    async test() {
      requireBinding();
      return { ok: true, detail: 'The Email Service binding is available; the sending domain must be onboarded in Cloudflare' };
    },
  };
}
