import { Link } from '@remix-run/react';
import type { TenantStats } from '~/lib/api-types';
import { formatRate } from '~/lib/sender-health';
import { STATS_PERIODS, dayLabel } from '~/lib/stats-period';
import { BarChart } from '../molecules/BarChart';
import { StatCard } from '../molecules/StatCard';

type Day = TenantStats['series'][number];

/**
 * The overview's numbers for a period (GET /v1/stats): the headline counts and rates against the
 * period before, sending over time and contact growth, with the period picker as links.
 */
export function WorkspaceStatsPanel({ stats, period }: { stats: TenantStats; period: (typeof STATS_PERIODS)[number] }) {
  const { totals, rates, previous } = stats;
  const vs = period.previous;
  const daily = { points: stats.series, pointKey: (d: Day) => d.date, pointLabel: (d: Day) => dayLabel(d.date), pointHeader: 'Day' };
  return (
    <section className="card stack" aria-labelledby="workspace-stats-title" data-testid="workspace-stats">
      <div className="section-header">
        <h2 id="workspace-stats-title" className="section__title">
          Email performance
        </h2>
        <nav className="tabs tabs--compact" aria-label="Period">
          {STATS_PERIODS.map((p) => (
            <Link key={p.value} to={`?period=${p.value}`} className="tabs__tab" aria-current={p.value === period.value ? 'page' : undefined} preventScrollReset>
              {p.label}
            </Link>
          ))}
        </nav>
      </div>
      <div className="stat-grid">
        <StatCard label="Emails sent" value={totals.sent} previous={previous.totals.sent} periodLabel={vs} hint={`${totals.delivered.toLocaleString('en')} delivered`} />
        <StatCard label="Open rate" value={rates.open} display={formatRate(rates.open)} previous={previous.rates.open} periodLabel={vs} hint={`${totals.unique_opens.toLocaleString('en')} unique opens`} />
        <StatCard label="Click rate" value={rates.click} display={formatRate(rates.click)} previous={previous.rates.click} periodLabel={vs} hint={`${totals.unique_clicks.toLocaleString('en')} unique clicks`} />
        <StatCard label="Bounce rate" value={rates.bounce} display={formatRate(rates.bounce)} previous={previous.rates.bounce} periodLabel={vs} lowerIsBetter hint={`${totals.bounces.toLocaleString('en')} bounces`} />
        <StatCard label="Complaints" value={totals.complaints} previous={previous.totals.complaints} periodLabel={vs} lowerIsBetter hint={formatRate(rates.complaint)} />
        <StatCard label="New contacts" value={totals.new_contacts} previous={previous.totals.new_contacts} periodLabel={vs} hint={`${totals.unsubscribes.toLocaleString('en')} unsubscribed · ${stats.contacts_total.toLocaleString('en')} in total`} />
      </div>
      <p className="text-muted">Opens and clicks are people only (never scanners or privacy proxies), counted on the day their email was sent. Days are UTC.</p>
      <div className="report-charts">
        <BarChart<Day>
          {...daily}
          caption="Sending over time"
          series={[
            { label: 'Sent', value: (d) => d.sent },
            { label: 'Opens', value: (d) => d.unique_opens },
            { label: 'Clicks', value: (d) => d.unique_clicks },
            { label: 'Bounces', value: (d) => d.bounces },
          ]}
          empty="Nothing sent in this period yet."
        />
        <BarChart<Day>
          {...daily}
          caption="Contact growth"
          series={[
            { label: 'New contacts', value: (d) => d.new_contacts },
            { label: 'Unsubscribes', value: (d) => d.unsubscribes },
          ]}
          empty="No new contacts or unsubscribes in this period."
        />
      </div>
    </section>
  );
}
