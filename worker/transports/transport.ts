import type { TransportKind } from '../db/schema';
import type { Attachment } from '../mail/mime';

/**
 * One message as every transport needs it. SMTP, SES and Mailgun send `raw` (Edgepost's own
 * DKIM-signed MIME) byte for byte; SendGrid, Postmark, Resend and the Email Service take the parts
 * and sign with the tenant's domain on their side.
 */
export interface OutboundMessage {
  /** Edgepost's message id (`msg_…`): ESPs get it as a custom id/tag so their webhooks map back. */
  id: string;
  /** Envelope sender (Return-Path). */
  envelopeFrom: string;
  from: { name?: string | null; email: string };
  to: string[];
  /** Transactional mail only: copies (a Cc header) and blind copies (the envelope alone). */
  cc?: string[];
  bcc?: string[];
  replyTo?: string | null;
  subject: string;
  html: string;
  text: string;
  /** List-Unsubscribe, List-Unsubscribe-Post, List-Id, Feedback-ID, Message-ID… (build-message's `headers`). */
  headers: Record<string, string>;
  /** The complete signed RFC 5322 message, CRLF line endings. */
  raw: string;
  stream: 'marketing' | 'transactional';
  /** Already inside `raw`; the ESP APIs that take parts get them separately. */
  attachments?: Attachment[];
}

/** Every mailbox the message is delivered to: the SMTP envelope's RCPT TOs. */
export const envelopeRecipients = (m: OutboundMessage) => [...m.to, ...(m.cc ?? []), ...(m.bcc ?? [])];

export interface SendResult {
  /** The provider's id for the message (SMTP: the queue id from the 250 reply when there is one, else our Message-ID). */
  externalId: string;
}

/**
 * A send that did not go through. `temporary` (4xx, 429, timeouts, dropped connections) is retried
 * with backoff; `permanent` (5xx rejections of this recipient or message) becomes a bounce and is
 * never retried. `scope: 'connection'` means the session itself is unusable (auth failed, connection
 * lost): the rest of the batch must not be tried on it.
 */
export class TransportError extends Error {
  constructor(
    message: string,
    readonly kind: 'temporary' | 'permanent',
    readonly opts: { code?: string | number; retryAfterSeconds?: number; scope?: 'message' | 'connection' } = {},
  ) {
    super(message);
    this.name = 'TransportError';
  }
}

/** A batch's way out: opened once, used for many messages (one SMTP connection; one HTTP client). */
export interface TransportSession {
  send(message: OutboundMessage): Promise<SendResult>;
  close(): Promise<void>;
}

export interface Transport {
  kind: TransportKind;
  open(): Promise<TransportSession>;
  /** Checks the credentials and reachability without sending anything when the provider allows it. */
  test(): Promise<{ ok: true; detail: string }>;
}
