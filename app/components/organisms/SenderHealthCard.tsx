import { Link } from '@remix-run/react';
import type { DomainList, HealthLevel, SendingStatus } from '~/lib/api-types';
import { plural } from '~/lib/format';
import { WARMUP_STEPS, domainVerdict, formatRate, levelVerdict, warmupText } from '~/lib/sender-health';
import { FormAlert } from '../molecules/FormAlert';
import { Verdict } from '../molecules/Verdict';

/**
 * Deliverability at a glance on the overview: bounce and complaint rates of the last days against
 * the thresholds mailbox providers apply, the sending domain, and the warm-up. Each verdict is a
 * colour, an icon and words. (The sending status carries no open rate, so none is shown.)
 */
export function SenderHealthCard({ status, domains, manageLinks = true, title = 'Sender health' }: { status: SendingStatus; domains: DomainList | null; manageLinks?: boolean; title?: string }) {
  const r = status.reputation;
  const warmup = warmupText(status);
  const domain = domains ? domainVerdict(domains) : null;
  return (
    <section className="card sender-health" aria-labelledby="sender-health-title" data-testid="sender-health">
      <div className="sender-health__header">
        <h2 id="sender-health-title" className="section__title">
          {title}
        </h2>
        <p className="text-muted">
          Last {r.window_days} days, {plural(r.sent, 'message')} sent
          {r.sent < r.min_sample ? ' (too few yet for firm rates)' : ''}.
        </p>
      </div>
      {status.stopped.engaged && (
        <FormAlert
          message={
            status.stopped.scope === 'platform'
              ? 'Sending is stopped on the whole platform for now. Campaigns continue when it resumes.'
              : r.state === 'paused'
              ? 'Sending is paused: the bounce or complaint rate went over the limit. Clean your lists, then contact support to resume.'
              : 'Sending is paused for this workspace. Contact support.'
          }
        />
      )}
      <dl className="health-list">
        <RateItem label="Bounce rate" rate={r.bounce_rate} level={r.bounce_level} limits="Keep under 2 %; over 5 % pauses sending." />
        <RateItem label="Complaint rate" rate={r.complaint_rate} level={r.complaint_level} limits="Keep under 0.1 %; over 0.3 % pauses sending." />
        {domain && (
          <div className="health-list__item">
            <dt>Sending domain</dt>
            <dd>
              <Verdict tone={domain.tone}>{domain.text}</Verdict>
              {manageLinks && (
                <Link to="/domains" className="health-list__hint">
                  Manage domains
                </Link>
              )}
            </dd>
          </div>
        )}
        <div className="health-list__item">
          <dt>Warm-up</dt>
          <dd>
            <Verdict tone={warmup.tone}>{warmup.text}</Verdict>
            {manageLinks && (
              <Link to="/settings/plan" className="health-list__hint">
                Plan and usage
              </Link>
            )}
          </dd>
        </div>
      </dl>
    </section>
  );
}

function RateItem({ label, rate, level, limits }: { label: string; rate: number; level: HealthLevel; limits: string }) {
  const verdict = levelVerdict(level);
  return (
    <div className="health-list__item">
      <dt>{label}</dt>
      <dd>
        <strong className="health-list__value">{formatRate(rate)}</strong>
        <Verdict tone={verdict.tone}>{verdict.label}</Verdict>
        <span className="text-muted health-list__hint">{limits}</span>
      </dd>
    </div>
  );
}

/** One line on the warm-up where a delivery estimate is shown (the wizard), while it is not over. */
export function WarmupNote({ warmup }: { warmup: SendingStatus['warmup'] }) {
  if (warmup.stage === 'complete') return null;
  return (
    <p className="text-muted">
      New senders warm up for a week ({WARMUP_STEPS.map((s) => `${s.ratePerHour}/h on ${s.label.toLowerCase()}`).join(', ')}), so mailbox providers get to know them; the
      estimate counts with it.
    </p>
  );
}
