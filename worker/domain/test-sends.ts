import { and, eq } from 'drizzle-orm';
import { auditLog, contacts, templates } from '../db/schema';
import type { TenantScope } from '../db/tenant-scope';
import type { Env } from '../env';
import { newId, ID_PREFIX } from '../lib/ids';
import { notFound, Problem, validationProblem } from '../lib/problem';
import { formatPostalAddress } from '../mail/footer';
import { sampleContact } from '../mail/merge-variables';
import { openSmtpSession } from '../transports/smtp';
import { auditStatement, type AuditInput } from './audit';
import { checkSyntax, normalizeEmail } from './email-validation';
import { assertWithinRate } from './rate-limit';
import { composeRecipientMessage } from './recipient-message';
import { senderIdentity } from './sender-identity';
import { compileOrProblem, mergeContext } from './template-content';
import { templateVersionContent } from './template-versions';
import { getTenant } from './tenant-settings';
import { storeMessageView } from './message-views';
import { platformSmtp } from './system-mail';

export const MAX_TEST_RECIPIENTS = 5;
/** Test emails per workspace and hour: enough to iterate on a template, too few to be a way to send mail. */
const TEST_EMAIL_BUCKET = { name: 'test-email', spec: { capacity: 20, windowSeconds: 3600 } };
const ACTION = 'template.test_sent';

export interface TestSendInput {
  to: string[];
  contact_id?: string;
  version?: number;
  /** A verified domain's address; the platform address of the workspace when absent. */
  from_email?: string;
  /** A campaign's own subject and preheader over the template's (campaign test sends). */
  overrides?: { subject?: string | null; preheader?: string | null };
}

function testRecipients(raw: string[]): string[] {
  const errors: { field: string; message: string }[] = [];
  const to = [...new Set(raw.map(normalizeEmail))];
  to.forEach((email, i) => {
    const syntax = checkSyntax(email);
    if (!syntax.ok) errors.push({ field: `to.${i}`, message: syntax.reason });
  });
  if (errors.length) throw validationProblem(errors, 'Every test recipient must be a valid email address.');
  return to;
}

/**
 * Sends a template exactly as a campaign would (merge, tracked links, footer, DKIM) to up to five
 * addresses, merged with a chosen contact or the sample contact, subject marked "[Test]". Each copy
 * can be viewed online. Checks everything that can fail before taking from the hourly allowance.
 */
export async function sendTemplateTest(env: Env, scope: TenantScope, templateId: string, input: TestSendInput, actor: AuditInput['actor']) {
  const to = testRecipients(input.to);
  const template = await scope.get(templates, templateId, 'Template');
  if (template.deletedAt) throw notFound('Template');
  const base = await templateVersionContent(scope, templateId, input.version ?? template.version);
  const content = { ...base, subject: input.overrides?.subject || base.subject, preheader: input.overrides?.preheader ?? base.preheader };
  const compiled = compileOrProblem(content);
  const [tenant, context] = await Promise.all([getTenant(scope.db, scope.tenantId), mergeContext(scope)]);
  // The footer's own check, made before anything is sent or taken from the hourly allowance.
  formatPostalAddress(tenant.postalAddress);
  let contact = { ...sampleContact(context.fields), id: 'sample' };
  if (input.contact_id) {
    const row = await scope.db.select().from(contacts).where(scope.own(contacts, eq(contacts.id, input.contact_id))).get();
    if (!row || row.deletedAt) throw notFound('Contact');
    contact = row;
  }
  const sender = await senderIdentity(env, scope.db, tenant, input.from_email ? { email: input.from_email } : undefined);
  await assertWithinRate(env, scope.tenantId, [TEST_EMAIL_BUCKET], 'test emails (20 per hour)', to.length);

  const session = await openSmtpSession(platformSmtp(env)).catch((e: unknown) => {
    throw new Problem('service-unavailable', `The mail server could not be reached: ${(e as Error).message}`);
  });
  const sent: string[] = [];
  try {
    for (const address of to) {
      const messageId = newId(ID_PREFIX.testMessage);
      const message = await composeRecipientMessage(env, {
        compiled,
        workspace: context.workspace,
        tenant,
        contact,
        to: address,
        messageId,
        sender,
        fromName: content.fromName,
        tracking: { opens: true, clicks: true },
        viewOnline: true,
        subjectPrefix: '[Test] ',
      });
      await storeMessageView(env, { tenantId: scope.tenantId, messageId, subject: message.subject, html: message.html });
      await session.send({ from: sender.returnPath, to: [address], raw: message.raw });
      sent.push(address);
    }
  } catch (e) {
    if (e instanceof Problem) throw e;
    throw new Problem('service-unavailable', `The mail server refused the test email${sent.length ? ` after ${sent.length} of ${to.length}` : ''}: ${(e as Error).message}`);
  } finally {
    await session.close().catch(() => undefined);
  }
  await auditStatement(scope.db, { tenantId: scope.tenantId, actor, action: ACTION, target: { type: 'template', id: templateId }, metadata: { recipients: sent.length } }).run();
  return { sent: sent.length, to: sent };
}

/** The onboarding step "send yourself a test email". */
export async function hasSentTest(scope: TenantScope) {
  return Boolean(await scope.db.select({ id: auditLog.id }).from(auditLog).where(and(eq(auditLog.tenantId, scope.tenantId), eq(auditLog.action, ACTION))).limit(1).get());
}
