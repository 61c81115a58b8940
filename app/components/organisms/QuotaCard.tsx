import { Link } from '@remix-run/react';
import type { SendingStatus } from '~/lib/api-types';
import { formatDateTime } from '~/lib/format';
import { UsageBar } from '../molecules/UsageBar';

/** This month's and today's sends against the plan (the warm-up is on the sender health card). */
export function QuotaCard({ status }: { status: SendingStatus }) {
  return (
    <section className="card stack" aria-labelledby="quota-title" data-testid="quota">
      <h2 id="quota-title" className="section__title">
        Sending quota
      </h2>
      <UsageBar label="This month" used={status.month.sent} limit={status.month.limit} detail={`Resets ${formatDateTime(status.month.resets_at)}`} />
      <UsageBar label="Today" used={status.today.sent} limit={status.today.limit} detail={`Now at up to ${status.rate_per_hour.toLocaleString('en')} per hour`} />
      <Link to="/settings/plan" className="link-button">
        Plan and usage
      </Link>
    </section>
  );
}
