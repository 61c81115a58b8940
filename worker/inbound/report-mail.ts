import PostalMime, { type Email } from 'postal-mime';
import { deliveryReport, enqueueDeliveryReports, type DeliveryReport } from '../domain/delivery-events';
import type { Env } from '../env';
import { ID_PREFIX } from '../lib/ids';
import { log } from '../lib/log';
import { timeOf } from './signatures';

/** Reports are small; anything bigger is not one (a DSN quoting a whole newsletter is cut by its MTA long before this). */
export const MAX_REPORT_BYTES = 2 * 1024 * 1024;

/** Edgepost's Message-ID is `<msg_…@from-domain>` (mail/build-message.ts): its id has 80 random bits, so it cannot be guessed. */
const OUR_MESSAGE_ID = new RegExp(`^<?(${ID_PREFIX.message}_[0-9a-hjkmnp-tv-z]{26})@`, 'i');

type Fields = Map<string, string>;

/** RFC 5322-style `Name: value` groups (folded lines joined), one per paragraph: the per-message and per-recipient blocks of RFC 3464 and RFC 5965. */
function fieldGroups(text: string): Fields[] {
  return text
    .replace(/\r\n?/g, '\n')
    .split(/\n\s*\n/)
    .map((block) => {
      const fields: Fields = new Map();
      for (const line of block.replace(/\n[ \t]+/g, ' ').split('\n')) {
        const colon = line.indexOf(':');
        if (colon > 0) fields.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
      }
      return fields;
    })
    .filter((f) => f.size > 0);
}

const partText = (email: Email, types: string[]) => {
  const part = email.attachments.find((a) => types.includes(a.mimeType.toLowerCase()));
  return typeof part?.content === 'string' ? part.content : part ? new TextDecoder().decode(part.content) : null;
};

/** `rfc822; ada@example.com` → the address. */
const addressOf = (value: string | undefined) => value?.replace(/^[\w-]+\s*;\s*/, '').replace(/^<|>$/g, '').trim() || null;

function dsnType(action: string, status: string | undefined): DeliveryReport['type'] | null {
  switch (action.toLowerCase()) {
    case 'failed':
      // RFC 3463: class 5 is permanent, class 4 a persistent transient failure the MTA gave up on.
      return status?.startsWith('4') ? 'soft_bounce' : 'hard_bounce';
    case 'delayed':
      return 'deferred';
    case 'delivered':
      return 'delivered';
    default:
      return null;
  }
}

/**
 * Delivery reports in a mailed report: a DSN (RFC 3464, `multipart/report; report-type=delivery-status`)
 * gives one per recipient block; an ARF complaint (RFC 5965, `report-type=feedback-report`) gives a
 * complaint unless it says `not-spam`. The message is found by our Message-ID in the returned
 * headers or message; a report without it is not about Edgepost's mail and gives nothing.
 */
export async function reportsFromMail(raw: ReadableStream<Uint8Array> | ArrayBuffer | string): Promise<DeliveryReport[]> {
  const email = await PostalMime.parse(raw, { attachmentEncoding: 'utf8', rfc822Attachments: true });
  const contentType = email.headers.find((h) => h.key === 'content-type')?.value ?? '';
  if (!/^\s*multipart\/report\b/i.test(contentType)) return [];
  const reportType = contentType.match(/report-type\s*=\s*"?([\w-]+)/i)?.[1]?.toLowerCase();
  const original = partText(email, ['text/rfc822-headers', 'message/rfc822', 'message/global-headers', 'message/global']);
  const headers = original ? fieldGroups(original)[0] : undefined;
  const messageId = headers?.get('message-id')?.match(OUR_MESSAGE_ID)?.[1]?.toLowerCase();
  if (!messageId) return [];
  const base = { source: 'email' as const, tenantId: null, messageId };

  if (reportType === 'delivery-status') {
    const [perMessage, ...perRecipient] = fieldGroups(partText(email, ['message/delivery-status', 'message/global-delivery-status']) ?? '');
    return perRecipient.flatMap((f) => {
      const status = f.get('status');
      const type = dsnType(f.get('action') ?? '', status);
      if (!type) return [];
      return [
        deliveryReport({
          ...base,
          type,
          at: timeOf(f.get('last-attempt-date') ?? perMessage?.get('arrival-date') ?? email.date),
          recipient: addressOf(f.get('final-recipient') ?? f.get('original-recipient')),
          code: status ?? null,
          reason: f.get('diagnostic-code')?.replace(/^smtp\s*;\s*/i, '') ?? null,
        }),
      ];
    });
  }
  if (reportType === 'feedback-report') {
    const [fields] = fieldGroups(partText(email, ['message/feedback-report']) ?? '');
    const feedbackType = fields?.get('feedback-type')?.toLowerCase();
    if (!feedbackType || feedbackType === 'not-spam') return [];
    // Feedback loops often redact the recipient: the message id alone names it.
    return [deliveryReport({ ...base, type: 'complaint', at: timeOf(fields?.get('arrival-date') ?? email.date), code: feedbackType })];
  }
  return [];
}

/**
 * The `email()` handler: mail to a bounce address (`bounces@…`, the envelope sender of every
 * message). Reports are queued as delivery reports for the events consumer; anything else (an
 * auto-reply, spam) is refused at SMTP time, which sends no bounce of our own.
 */
export async function receiveReportMail(env: Env, message: ForwardableEmailMessage) {
  if (message.rawSize > MAX_REPORT_BYTES) {
    message.setReject('Too large for a delivery or feedback report.');
    return;
  }
  const reports = await reportsFromMail(message.raw);
  if (!reports.length) {
    log('info', 'inbound_mail_ignored', { size: message.rawSize });
    message.setReject('This address accepts delivery status and feedback reports about Edgepost mail only.');
    return;
  }
  await enqueueDeliveryReports(env, reports);
  log('info', 'inbound_reports_queued', { count: reports.length });
}
