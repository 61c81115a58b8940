import { and, eq, isNull, lt, lte } from 'drizzle-orm';
import type { DB } from '../db/client';
import { contacts, messages, templates, transactionalContents, type StoredAttachment, type Tenant } from '../db/schema';
import type { TenantScope } from '../db/tenant-scope';
import type { Env } from '../env';
import { fromBase64 } from '../lib/encoding';
import { ID_PREFIX, newId } from '../lib/ids';
import { notFound, Problem, validationProblem, type FieldError } from '../lib/problem';
import { recipientLinks } from '../mail/build-message';
import { htmlToText } from '../mail/html-to-text';
import { mergeVariables } from '../mail/merge-variables';
import { sanitizeEmailHtml } from '../mail/sanitize';
import { checkSyntax, normalizeEmail } from './email-validation';
import { senderIdentity } from './sender-identity';
import { suppressedAmong } from './suppressions';
import { compileOrProblem, mergeContext } from './template-content';
import { templateVersionContent } from './template-versions';
import { trackingBaseUrl } from './tracking-domains';
import { getTenant } from './tenant-settings';

/** SES, Postmark and SendGrid accept 50 recipients per message; the strictest wins. */
export const MAX_RECIPIENTS = 50;
export const MAX_ATTACHMENTS = 10;
/** Decoded bytes of all attachments: base64 makes 7 MB about 9.3 MB, under every provider's 10 MB message limit. */
export const MAX_ATTACHMENT_BYTES = 7 * 1024 * 1024;
/** How far ahead a message may be scheduled. */
export const MAX_SCHEDULE_MS = 30 * 24 * 3_600_000;
/** Queue messages can wait at most 12 hours; anything later waits as `pending` for the cron. */
const MAX_QUEUE_DELAY_SECONDS = 12 * 3600;
/** Executables and scripts: refused by every major provider, and the classic malware carrier. */
const BLOCKED_EXTENSIONS = new Set(['ade', 'adp', 'apk', 'appx', 'bat', 'chm', 'cmd', 'com', 'cpl', 'dll', 'dmg', 'exe', 'hta', 'ins', 'iso', 'jar', 'js', 'jse', 'lib', 'lnk', 'mde', 'msc', 'msi', 'msp', 'mst', 'nsh', 'pif', 'ps1', 'scr', 'sct', 'shb', 'sys', 'vb', 'vbe', 'vbs', 'vxd', 'wsc', 'wsf', 'wsh']);

export interface TransactionalInput {
  to: string[];
  cc: string[];
  bcc: string[];
  from?: { email: string; name?: string | null };
  reply_to?: string;
  subject?: string;
  html?: string;
  text?: string;
  template_id?: string;
  variables: Record<string, unknown>;
  attachments: { filename: string; content: string; content_type?: string }[];
  headers: Record<string, string>;
  tags: string[];
  metadata: Record<string, string>;
  scheduled_at?: string;
  track_opens: boolean;
  track_clicks: boolean;
}

export const attachmentKey = (tenantId: string, messageId: string, i: number) => `transactional/${tenantId}/${messageId}/${i}`;

function normalizeRecipients(input: TransactionalInput) {
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  const clean = (field: 'to' | 'cc' | 'bcc') =>
    input[field].flatMap((raw, i) => {
      const email = normalizeEmail(raw);
      const syntax = checkSyntax(email);
      if (!syntax.ok) errors.push({ field: `${field}.${i}`, message: syntax.reason });
      // One copy per mailbox: the same address in To and Bcc would get two.
      if (!syntax.ok || seen.has(email)) return [];
      seen.add(email);
      return [email];
    });
  const out = { to: clean('to'), cc: clean('cc'), bcc: clean('bcc') };
  if (errors.length) throw validationProblem(errors, 'Every recipient must be a valid email address.');
  if (seen.size > MAX_RECIPIENTS) throw validationProblem([{ field: 'to', message: `at most ${MAX_RECIPIENTS} recipients in to, cc and bcc together` }]);
  return out;
}

function decodeAttachments(input: TransactionalInput['attachments']) {
  const errors: FieldError[] = [];
  let total = 0;
  const files = input.map((a, i) => {
    const extension = a.filename.includes('.') ? a.filename.slice(a.filename.lastIndexOf('.') + 1).toLowerCase() : '';
    if (BLOCKED_EXTENSIONS.has(extension)) errors.push({ field: `attachments.${i}.filename`, message: `.${extension} files cannot be attached` });
    let bytes = new Uint8Array(0);
    try {
      bytes = fromBase64(a.content.replace(/\s+/g, ''));
    } catch {
      errors.push({ field: `attachments.${i}.content`, message: 'must be base64' });
    }
    total += bytes.length;
    return { filename: a.filename, contentType: a.content_type ?? 'application/octet-stream', bytes };
  });
  if (total > MAX_ATTACHMENT_BYTES) errors.push({ field: 'attachments', message: `at most ${MAX_ATTACHMENT_BYTES / 1024 / 1024} MB of attachments in all` });
  if (errors.length) throw validationProblem(errors);
  return files;
}

function scheduleOf(raw: string | undefined, now: number) {
  if (!raw) return now;
  const at = Date.parse(raw);
  if (at > now + MAX_SCHEDULE_MS) throw validationProblem([{ field: 'scheduled_at', message: 'at most 30 days ahead' }]);
  // A moment already past (clock skew, a slow retry) means "now".
  return Math.max(at, now);
}

/**
 * The subject and bodies the message will carry: a template merged with the recipient's contact
 * fields (when the address is a contact), the workspace and the caller's `variables`; or inline
 * content. Either way the HTML goes through the same sanitizer as templates.
 */
async function renderContent(env: Env, scope: TenantScope, tenant: Tenant, input: TransactionalInput, messageId: string, contact: typeof contacts.$inferSelect | undefined, to: string) {
  if (input.template_id) {
    const template = await scope.get(templates, input.template_id, 'Template');
    if (template.deletedAt) throw notFound('Template');
    const [content, context] = await Promise.all([templateVersionContent(scope, template.id, template.version), mergeContext(scope)]);
    const compiled = compileOrProblem({ ...content, subject: input.subject ?? content.subject });
    const links = await recipientLinks({ messageId, tenant, contact: { id: contact?.id ?? '', email: to }, baseUrl: trackingBaseUrl(env, tenant), signingKeys: env.TOKEN_SIGNING_KEYS });
    const recipient = contact ?? { email: to, firstName: null, lastName: null, phone: null, company: null, city: null, country: null, language: null, timezone: null, custom: null };
    const vars = { ...mergeVariables(recipient, context.workspace, { unsubscribe_url: links.unsubscribeUrl, preferences_url: links.preferencesUrl, view_online_url: links.viewOnlineUrl }), ...input.variables, vars: input.variables };
    let rendered;
    try {
      rendered = compiled.render(vars, messageId);
    } catch (e) {
      throw new Problem('unprocessable', `The template could not be rendered with these variables: ${(e as Error).message}`);
    }
    return { subject: rendered.subject, html: rendered.html, text: rendered.text, fromName: content.fromName };
  }
  const errors: FieldError[] = [];
  if (!input.subject?.trim()) errors.push({ field: 'subject', message: 'required without template_id' });
  if (!input.html && !input.text) errors.push({ field: 'html', message: 'give html, text or template_id' });
  if (errors.length) throw validationProblem(errors);
  const html = input.html ? sanitizeEmailHtml(input.html).html : '';
  return { subject: input.subject!.replace(/\s+/g, ' ').trim(), html, text: input.text ?? htmlToText(html), fromName: null };
}

/**
 * Accepts one transactional message: recipients checked, content rendered, attachments stored, the
 * row written, and the send queued (or left for the cron when it is scheduled beyond the queue's
 * delay limit). Addresses suppressed for a bounce, a complaint or by the workspace are dropped and
 * named in the answer; an unsubscribe from campaigns does not stop a receipt or a password reset.
 */
export async function acceptTransactional(env: Env, scope: TenantScope, input: TransactionalInput, now = Date.now()) {
  const recipients = normalizeRecipients(input);
  if (!recipients.to.length) throw validationProblem([{ field: 'to', message: 'at least one recipient' }]);
  const files = decodeAttachments(input.attachments);
  const sendAt = scheduleOf(input.scheduled_at, now);
  const tenant = await getTenant(scope.db, scope.tenantId);
  // The From is checked now (verified domain, plan), so a bad one is the caller's 400 and not a failed send.
  await senderIdentity(env, scope.db, tenant, input.from);

  const blocked = await suppressedAmong(scope, [...recipients.to, ...recipients.cc, ...recipients.bcc], ['unsubscribe']);
  const keep = (list: string[]) => list.filter((e) => !blocked.has(e));
  const to = keep(recipients.to);
  const cc = keep(recipients.cc);
  const bcc = keep(recipients.bcc);
  if (!to.length) {
    throw new Problem('unprocessable', 'Every To address is suppressed (a bounce, a complaint or your own suppression list): nothing was sent.', {
      extensions: { suppressed: [...blocked] },
    });
  }

  const contact = await scope.db.select().from(contacts).where(scope.own(contacts, eq(contacts.email, to[0]!), isNull(contacts.deletedAt))).get();
  const id = newId(ID_PREFIX.message, now);
  const content = await renderContent(env, scope, tenant, input, id, contact, to[0]!);
  const stored: StoredAttachment[] = [];
  for (const [i, f] of files.entries()) {
    const key = attachmentKey(scope.tenantId, id, i);
    await env.FILES.put(key, f.bytes, { httpMetadata: { contentType: f.contentType } });
    stored.push({ filename: f.filename, contentType: f.contentType, size: f.bytes.length, key });
  }
  const queueNow = sendAt - now <= MAX_QUEUE_DELAY_SECONDS * 1000;
  await scope.db.batch([
    scope.db.insert(messages).values({
      id,
      tenantId: scope.tenantId,
      campaignId: null,
      contactId: contact?.id ?? null,
      email: to[0]!,
      stream: 'transactional',
      status: queueNow ? 'queued' : 'pending',
      sendAfter: new Date(sendAt),
      // When the queue should hand it over: a row still `queued` well after that lost its queue message.
      queuedAt: queueNow ? new Date(sendAt) : null,
    }),
    scope.db.insert(transactionalContents).values({
      messageId: id,
      tenantId: scope.tenantId,
      fromEmail: input.from?.email ?? null,
      fromName: input.from?.name ?? content.fromName,
      replyTo: input.reply_to ?? null,
      to,
      cc,
      bcc,
      subject: content.subject,
      html: content.html,
      text: content.text,
      headers: input.headers,
      attachments: stored,
      tags: input.tags,
      metadata: input.metadata,
      templateId: input.template_id ?? null,
      trackOpens: input.track_opens,
      trackClicks: input.track_clicks,
    }),
  ]);
  if (queueNow) await env.SEND_QUEUE.send({ tenantId: scope.tenantId, campaignId: null, messageId: id }, { delaySeconds: Math.ceil(Math.max(0, sendAt - now) / 1000) });
  return { id, status: queueNow ? ('queued' as const) : ('scheduled' as const), to, cc, bcc, suppressed: [...blocked], scheduled_at: input.scheduled_at ? new Date(sendAt).toISOString() : null };
}

/** A queued message not consumed this long after it was due lost its queue message (sending it twice is prevented by the claim). */
const LOST_AFTER_MS = 30 * 60_000;

/**
 * Queues scheduled transactional messages that fall due, ones put back while sending was stopped, and
 * ones whose queue message was lost.
 */
const queuedNow = (now: number) => ({ status: 'queued' as const, queuedAt: new Date(now) });
const queuedRow = { id: messages.id, tenantId: messages.tenantId };

/**
 * Scheduled ones that fell due. Campaign dispatch's (campaign, status, send_after) index serves them
 * too: transactional rows are its `campaign_id is null` range.
 */
export const takeDueTransactional = (db: DB, now: number) =>
  db
    .update(messages)
    .set(queuedNow(now))
    .where(and(isNull(messages.campaignId), eq(messages.status, 'pending'), lte(messages.sendAfter, new Date(now))))
    .returning(queuedRow);

/** Queued ones whose queue message was lost, on the same index. */
export const takeLostTransactional = (db: DB, now: number) =>
  db
    .update(messages)
    .set(queuedNow(now))
    .where(and(isNull(messages.campaignId), eq(messages.status, 'queued'), lt(messages.queuedAt, new Date(now - LOST_AFTER_MS))))
    .returning(queuedRow);

export async function queueDueTransactional(env: Env, db: DB, now = Date.now()) {
  const [due, lost] = await db.batch([takeDueTransactional(db, now), takeLostTransactional(db, now)]);
  const all = [...due, ...lost];
  for (let i = 0; i < all.length; i += 100) {
    await env.SEND_QUEUE.sendBatch(all.slice(i, i + 100).map((m) => ({ body: { tenantId: m.tenantId, campaignId: null, messageId: m.id } })));
  }
  return all.length;
}
