import type { DomainList, HealthLevel, SendingStatus } from './api-types';
import { formatDate } from './format';

export type Tone = 'good' | 'warning' | 'bad' | 'neutral';

/** A share as a percentage with the precision its size needs: 1.2 %, 0.04 %, 0 %. */
export function formatRate(rate: number): string {
  if (rate === 0) return '0 %';
  const percent = rate * 100;
  return `${percent < 0.1 ? percent.toFixed(2) : percent < 10 ? percent.toFixed(1) : Math.round(percent)} %`;
}

/**
 * The API grades the rates against the thresholds mailbox providers apply (bounces: under 2 % good,
 * over 5 % critical; complaints: under 0.1 % good, over 0.3 % critical): one source of truth.
 */
export function levelVerdict(level: HealthLevel): { tone: Tone; label: string } {
  if (level === 'critical') return { tone: 'bad', label: 'Too high' };
  if (level === 'warning') return { tone: 'warning', label: 'Watch it' };
  return { tone: 'good', label: 'Healthy' };
}

const WARMUP_DAYS = 7;

/** Where the warm-up stands, in one sentence. */
export function warmupText(status: Pick<SendingStatus, 'warmup' | 'rate_per_hour'>): { tone: Tone; text: string } {
  const { warmup, rate_per_hour: rate } = status;
  if (warmup.stage === 'complete') return { tone: 'good', text: `Complete: sending at the plan’s ${rate.toLocaleString('en')}/h.` };
  // A plan whose rate is at or under a warm-up step (free: 50/h) has no step up to announce.
  const stepsUp = warmup.next_rate_per_hour !== null && warmup.next_rate_per_hour > rate;
  const next = stepsUp ? ` ${warmup.next_rate_per_hour!.toLocaleString('en')}/h${warmup.next_step_at ? ` from ${formatDate(warmup.next_step_at)}` : ' later'}.` : '';
  if (warmup.stage === 'not_started') return { tone: 'neutral', text: `Starts with your first send: ${rate.toLocaleString('en')}/h for the first days, then more.${next ? ` Then${next}` : ''}` };
  return { tone: 'warning', text: `Day ${warmup.day} of ${WARMUP_DAYS}: ${rate.toLocaleString('en')}/h now.${next ? ` Then${next}` : ''}` };
}

/** What the sending domains say about deliverability: a failing one first, then verified ones, then the platform address. */
export function domainVerdict(domains: DomainList): { tone: Tone; text: string } {
  const failing = domains.data.filter((d) => d.status === 'failing');
  if (failing.length) return { tone: 'bad', text: `${failing.map((d) => d.domain).join(', ')}: DNS records missing` };
  const verified = domains.data.filter((d) => d.status === 'verified');
  if (verified.length) return { tone: 'good', text: `${verified.map((d) => d.domain).join(', ')} verified` };
  const pending = domains.data.filter((d) => d.status === 'pending');
  if (pending.length) return { tone: 'warning', text: `${pending.map((d) => d.domain).join(', ')} waiting for DNS; sending as ${domains.platform.from_email}` };
  return { tone: domains.custom_domains_allowed ? 'warning' : 'neutral', text: `Sending as ${domains.platform.from_email}` };
}

/** The warm-up policy (worker/domain/send-permits.ts WARMUP_STEPS), each step capped by the plan's rate. */
export const WARMUP_STEPS = [
  { stage: 'days_1_3', label: 'Days 1–3', ratePerHour: 50 },
  { stage: 'days_4_7', label: 'Days 4–7', ratePerHour: 200 },
] as const;

/** The warm-up as a table: each step's rate (never above the plan's), and which step is now (none before the first send). */
export function warmupRows(status: Pick<SendingStatus, 'warmup' | 'plan_rate_per_hour'>) {
  const { stage } = status.warmup;
  return [
    ...WARMUP_STEPS.map((s) => ({ label: s.label, ratePerHour: Math.min(s.ratePerHour, status.plan_rate_per_hour), current: s.stage === stage })),
    { label: 'From day 8', ratePerHour: status.plan_rate_per_hour, current: stage === 'complete' },
  ];
}
