import type { Campaign } from '../db/schema';
import type { TenantScope } from '../db/tenant-scope';
import type { Env } from '../env';
import { Problem } from '../lib/problem';
import { compileTemplate } from '../mail/merge-tags';
import { formatPostalAddress } from '../mail/footer';
import { countAudience } from './campaign-audience';
import { variantContent, withPinnedVersions } from './campaign-content';
import { isSendingStopped } from './kill-switch';
import { sendEstimate, sendingLimits, sendingStatus } from './send-permits';
import { senderIdentity } from './sender-identity';
import { getTenant } from './tenant-settings';

export type CheckState = 'pass' | 'warn' | 'fail';

export interface CheckItem {
  key: string;
  label: string;
  state: CheckState;
  detail: string;
  /** A failing required item blocks sending and scheduling; the others inform. */
  required: boolean;
}

/** Reputation thresholds, as mailbox providers apply them: warn early, refuse before they do. */
export const BOUNCE_WARN = 0.02;
export const BOUNCE_FAIL = 0.05;
export const COMPLAINT_WARN = 0.001;
export const COMPLAINT_FAIL = 0.003;

const pct = (r: number) => `${Math.round(r * 1000) / 10} %`;
const problemDetail = (e: unknown) => (e as Error).message;

/**
 * Everything that must be right before a campaign leaves, checked against the current state of the
 * workspace (not a cached verdict): sending or scheduling is refused while a required item fails.
 */
export async function campaignChecklist(env: Env, scope: TenantScope, c: Campaign): Promise<{ ready: boolean; recipients: number; items: CheckItem[] }> {
  const items: CheckItem[] = [];
  const add = (item: CheckItem) => items.push(item);
  const tenant = await getTenant(scope.db, scope.tenantId);

  try {
    const sender = await senderIdentity(env, scope.db, tenant, c.fromEmail ? { email: c.fromEmail, name: c.fromName } : undefined);
    add({ key: 'sending_domain', label: 'Verified sending domain with DKIM', state: 'pass', detail: `Sends as ${sender.from.email}, signed by ${sender.dkim.domain}.`, required: true });
  } catch (e) {
    add({ key: 'sending_domain', label: 'Verified sending domain with DKIM', state: 'fail', detail: problemDetail(e), required: true });
  }

  try {
    formatPostalAddress(tenant.postalAddress);
    add({ key: 'postal_address', label: 'Postal address in the footer', state: 'pass', detail: 'The footer shows the workspace’s postal address.', required: true });
  } catch (e) {
    add({ key: 'postal_address', label: 'Postal address in the footer', state: 'fail', detail: problemDetail(e), required: true });
  }

  let subject = '';
  if (!c.templateId) {
    add({ key: 'content', label: 'Content', state: 'fail', detail: 'Choose a template.', required: true });
  } else {
    try {
      const pinned = await withPinnedVersions(scope, c);
      for (const key of c.abTest?.variants.map((v) => v.key) ?? [null]) {
        const content = await variantContent(scope, pinned, key);
        compileTemplate(content);
        subject ||= content.subject.trim();
      }
      add({ key: 'content', label: 'Content', state: 'pass', detail: 'The template renders.', required: true });
      add({ key: 'unsubscribe', label: 'Unsubscribe link', state: 'pass', detail: 'Every message carries a one-click unsubscribe header and a footer link.', required: true });
    } catch (e) {
      add({ key: 'content', label: 'Content', state: 'fail', detail: problemDetail(e), required: true });
    }
  }
  add(subject ? { key: 'subject', label: 'Subject line', state: 'pass', detail: `“${subject}”`, required: true } : { key: 'subject', label: 'Subject line', state: 'fail', detail: 'Set a subject line.', required: true });

  // A list or segment deleted since the campaign was saved makes the audience invalid, not the checklist fail.
  const audience = await countAudience(scope, c.audience).then((n) => ({ n, error: null }), (e: Error) => ({ n: 0, error: e.message }));
  const recipients = audience.n;
  add(
    recipients
      ? { key: 'audience', label: 'Audience', state: 'pass', detail: `${recipients.toLocaleString('en')} subscribed recipients.`, required: true }
      : { key: 'audience', label: 'Audience', state: 'fail', detail: audience.error ?? 'The audience has no subscribed, unsuppressed contacts.', required: true },
  );

  const status = await sendingStatus(env, scope.db, scope.tenantId);
  const { bounce_rate: bounce, complaint_rate: complaint } = status.reputation;
  add({
    key: 'reputation',
    label: 'Recent bounce and complaint rates',
    state: bounce > BOUNCE_FAIL || complaint > COMPLAINT_FAIL ? 'fail' : bounce > BOUNCE_WARN || complaint > COMPLAINT_WARN ? 'warn' : 'pass',
    detail: `Bounces ${pct(bounce)} (keep under 2 %), complaints ${pct(complaint)} (keep under 0.1 %).${bounce > BOUNCE_WARN ? ' Clean the list: remove bounced and long-inactive contacts.' : ''}`,
    required: true,
  });

  const stopped = tenant.status !== 'active' || (await isSendingStopped(env, scope.tenantId));
  add({ key: 'sending_allowed', label: 'Sending allowed', state: stopped ? 'fail' : 'pass', detail: stopped ? 'Sending is paused for this workspace. Contact support.' : 'Sending is not paused.', required: true });

  const quotaLeft = Math.max(0, status.month.limit - status.month.sent);
  add(
    recipients <= quotaLeft
      ? { key: 'quota', label: 'Monthly quota', state: 'pass', detail: `${quotaLeft.toLocaleString('en')} emails left this month.`, required: true }
      : { key: 'quota', label: 'Monthly quota', state: 'fail', detail: `${recipients.toLocaleString('en')} recipients but only ${quotaLeft.toLocaleString('en')} emails left this month. Upgrade the plan or narrow the audience.`, required: true },
  );

  const estimate = sendEstimate(await sendingLimits(scope.db, scope.tenantId), recipients, Date.now());
  add({ key: 'estimate', label: 'Delivery time', state: estimate.hours > 24 ? 'warn' : 'pass', detail: estimate.text, required: false });

  return { ready: items.every((i) => !i.required || i.state !== 'fail'), recipients, items };
}

/** 422 naming every failing required item. */
export function assertReady(check: { ready: boolean; items: CheckItem[] }) {
  if (check.ready) return;
  const failing = check.items.filter((i) => i.required && i.state === 'fail');
  throw new Problem('unprocessable', `The campaign is not ready to send: ${failing.map((i) => `${i.label.toLowerCase()} — ${i.detail}`).join(' ')}`, {
    extensions: { checklist: check.items },
  });
}
