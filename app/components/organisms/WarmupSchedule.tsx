import type { SendingStatus } from '~/lib/api-types';
import { formatDate } from '~/lib/format';
import { warmupRows, warmupText } from '~/lib/sender-health';
import { Badge } from '../atoms/Badge';
import { Verdict } from '../molecules/Verdict';

/** The warm-up steps with their hourly rates and where the workspace is now. */
export function WarmupSchedule({ status }: { status: Pick<SendingStatus, 'warmup' | 'plan_rate_per_hour' | 'rate_per_hour'> }) {
  const summary = warmupText(status);
  return (
    <div className="stack">
      <Verdict tone={summary.tone}>{summary.text}</Verdict>
      <div className="data-table__scroll" role="region" aria-label="Warm-up schedule" tabIndex={0}>
        <table className="table warmup-table">
          <caption className="visually-hidden">Warm-up schedule</caption>
          <thead>
            <tr>
              <th scope="col">Since the first send</th>
              <th scope="col" className="table__numeric">
                Emails per hour
              </th>
            </tr>
          </thead>
          <tbody>
            {warmupRows(status).map((row) => (
              <tr key={row.label} aria-current={row.current ? 'step' : undefined}>
                <th scope="row">
                  {row.label} {row.current && <Badge tone="primary">Now</Badge>}
                </th>
                <td className="table__numeric">{row.ratePerHour.toLocaleString('en')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {status.warmup.started_at && <p className="text-muted">Warm-up started {formatDate(status.warmup.started_at)}.</p>}
    </div>
  );
}
