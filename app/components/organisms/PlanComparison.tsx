import type { Plan } from '~/lib/api-types';
import { Badge } from '../atoms/Badge';

const ROWS: { label: string; value: (p: Plan) => string }[] = [
  { label: 'Contacts', value: (p) => p.max_contacts.toLocaleString('en') },
  { label: 'Emails per month', value: (p) => p.monthly_emails.toLocaleString('en') },
  { label: 'Emails per day', value: (p) => p.daily_emails.toLocaleString('en') },
  { label: 'Sending rate', value: (p) => `${p.send_rate_per_hour.toLocaleString('en')}/h` },
  { label: 'Users', value: (p) => p.max_users.toLocaleString('en') },
  { label: 'Sending domains of your own', value: (p) => (p.custom_domains ? p.max_domains.toLocaleString('en') : 'Platform domain only') },
  { label: 'API requests per minute', value: (p) => p.api_rate_per_minute.toLocaleString('en') },
];

/** Every plan's limits side by side, the current one marked in words (not only by its highlight). */
export function PlanComparison({ plans, currentPlanId }: { plans: Plan[]; currentPlanId: string }) {
  return (
    <div className="data-table__scroll" role="region" aria-label="Plan comparison" tabIndex={0}>
      <table className="table plan-table">
        <caption className="visually-hidden">Plan comparison</caption>
        <thead>
          <tr>
            <th scope="col">Limit</th>
            {plans.map((p) => (
              <th key={p.id} scope="col" className={p.id === currentPlanId ? 'plan-table__current table__numeric' : 'table__numeric'} aria-current={p.id === currentPlanId ? 'true' : undefined}>
                {p.name} {p.id === currentPlanId && <Badge tone="primary">Your plan</Badge>}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {ROWS.map((row) => (
            <tr key={row.label}>
              <th scope="row">{row.label}</th>
              {plans.map((p) => (
                <td key={p.id} className={p.id === currentPlanId ? 'plan-table__current table__numeric' : 'table__numeric'}>
                  {row.value(p)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
