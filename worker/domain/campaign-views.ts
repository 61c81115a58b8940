import { and, count, eq, gte } from 'drizzle-orm';
import { messages, type Campaign } from '../db/schema';
import type { TenantScope } from '../db/tenant-scope';
import type { Env } from '../env';
import { Problem } from '../lib/problem';
import { compileTemplate } from '../mail/merge-tags';
import type { AuditInput } from './audit';
import { variantContent, withPinnedVersions } from './campaign-content';
import { campaignRunner, getCampaign, messageCounts, progressOf } from './campaigns';
import { effectiveRatePerHour, sendEstimate, sendingLimits } from './send-permits';
import { mergeContext } from './template-content';
import { renderPreview } from './template-preview';
import { sendTemplateTest } from './test-sends';

const RATE_WINDOW_MS = 5 * 60_000;

/**
 * Progress for the live view: counts by state, the rate of the last five minutes, what the warm-up
 * and plan allow now, and the estimate in words ("Sending at 50/h — 94 h remaining").
 */
export async function campaignProgress(env: Env, scope: TenantScope, c: Campaign, now = Date.now()) {
  const counts = progressOf((await messageCounts(scope, [c.id])).get(c.id), c);
  const recent = await scope.db
    .select({ n: count() })
    .from(messages)
    .where(and(eq(messages.tenantId, scope.tenantId), gte(messages.sentAt, new Date(now - RATE_WINDOW_MS)), eq(messages.campaignId, c.id)))
    .get();
  const limits = await sendingLimits(scope.db, scope.tenantId);
  const allowed = effectiveRatePerHour(limits, now);
  const active = c.status === 'sending' || c.status === 'paused';
  const estimate = sendEstimate(limits, counts.remaining, now);
  const fan = active ? await campaignRunner(env, c.id).fanOutState() : null;
  const ab = c.abTest
    ? {
        phase: c.abTest.winner ? ('winner_sent' as const) : c.abTest.test_started_at ? ('waiting' as const) : ('testing' as const),
        winner: c.abTest.winner ?? null,
        decides_at: c.abTest.test_started_at ? new Date(Date.parse(c.abTest.test_started_at) + c.abTest.wait_hours * 3600_000).toISOString() : null,
      }
    : null;
  const throttle =
    c.status === 'paused'
      ? `Paused — ${counts.remaining.toLocaleString('en')} remaining`
      : ab?.phase === 'waiting'
        ? `A/B test: waiting for the winner until ${ab.decides_at}`
        : c.status === 'sending'
          ? estimate.text
          : c.status;
  return {
    counts,
    live: {
      status: c.status,
      rate_per_hour: Math.round(((recent?.n ?? 0) * 3600_000) / RATE_WINDOW_MS),
      allowed_rate_per_hour: allowed,
      throttle,
      fan_out_done: active ? Boolean(fan?.done) : c.status !== 'draft' && c.status !== 'scheduled',
    },
    ab,
  };
}

/** The message as a contact (or the sample recipient) will get it: the campaign's content over its template. */
export async function campaignPreview(scope: TenantScope, id: string, opts: { contact_id?: string; variant?: string }) {
  const c = await withPinnedVersions(scope, await getCampaign(scope, id));
  if (opts.variant && !c.abTest?.variants.some((v) => v.key === opts.variant)) throw new Problem('unprocessable', `The campaign has no variant ${opts.variant}.`);
  const content = await variantContent(scope, c, opts.variant ?? null);
  const context = await mergeContext(scope);
  return renderPreview(scope, context, compileTemplate(content), opts.contact_id, { unknownVariables: [], sanitizerChanges: [] });
}

/** The wizard's send-test step: the template version the campaign would pin, with the campaign's subject and From. */
export async function sendCampaignTest(env: Env, scope: TenantScope, id: string, input: { to: string[]; contact_id?: string }, actor: AuditInput['actor']) {
  const c = await withPinnedVersions(scope, await getCampaign(scope, id));
  if (!c.templateId || !c.templateVersion) throw new Problem('unprocessable', 'Choose a template before sending a test.');
  return sendTemplateTest(env, scope, c.templateId, { ...input, version: c.templateVersion, ...(c.fromEmail ? { from_email: c.fromEmail } : {}), overrides: { subject: c.subject, preheader: c.preheader } }, actor);
}
