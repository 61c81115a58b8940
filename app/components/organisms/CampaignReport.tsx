import type { CampaignStats } from '~/lib/api-types';
import { formatDateTime } from '~/lib/format';
import { formatRate } from '~/lib/sender-health';
import { BarChart } from '../molecules/BarChart';
import { ReportTable } from '../molecules/ReportTable';
import { StatCard } from '../molecules/StatCard';

/**
 * A sent campaign's report (GET /v1/campaigns/:id/stats): the rates people compare first, opens and
 * clicks over time as a chart, then the links, mailbox providers, mail clients and devices as tables. Machine opens and
 * clicks (scanners, privacy proxies) are shown apart and never in the rates.
 */
/** Image proxies (Gmail, Yahoo) hide the device. */
const DEVICE_LABELS: Record<string, string> = { desktop: 'Desktop', mobile: 'Mobile', tablet: 'Tablet', unknown: 'Unknown (image proxy)' };

export function CampaignReport({ stats }: { stats: CampaignStats }) {
  const machines = stats.opens.machine + stats.clicks.machine;
  return (
    <section className="card stack" aria-labelledby="report-title">
      <h2 id="report-title" className="section__title">
        Report
      </h2>
      <div className="stat-grid">
        <StatCard label="Open rate" value={stats.rates.open} display={formatRate(stats.rates.open)} hint={`${stats.opens.unique.toLocaleString('en')} unique, ${stats.opens.total.toLocaleString('en')} total`} />
        <StatCard label="Click rate" value={stats.rates.click} display={formatRate(stats.rates.click)} hint={`${stats.clicks.unique.toLocaleString('en')} unique, ${stats.clicks.total.toLocaleString('en')} total`} />
        <StatCard label="Click-to-open" value={stats.rates.click_to_open} display={formatRate(stats.rates.click_to_open)} hint="Clickers among openers" />
        <StatCard label="Bounce rate" value={stats.rates.bounce} display={formatRate(stats.rates.bounce)} hint={`${stats.bounced.toLocaleString('en')} bounced`} />
        <StatCard label="Unsubscribes" value={stats.unsubscribes} hint={formatRate(stats.rates.unsubscribe)} />
        <StatCard label="Complaints" value={stats.complaints} hint={formatRate(stats.rates.complaint)} />
      </div>
      {machines > 0 && (
        <p className="text-muted">
          Not counted: {stats.opens.machine.toLocaleString('en')} machine opens and {stats.clicks.machine.toLocaleString('en')} machine clicks (privacy proxies, link scanners, bots).
        </p>
      )}
      <BarChart
        caption="Opens and clicks over time"
        points={stats.timeline}
        series={[
          { label: 'Opens', value: (p) => p.opens },
          { label: 'Clicks', value: (p) => p.clicks },
        ]}
        pointKey={(p) => p.at}
        pointLabel={(p) => formatDateTime(p.at)}
        pointHeader="Period"
        empty="Opens and clicks appear here as people read the campaign."
      />
      <div className="report-tables">
        <section aria-labelledby="report-links">
          <h3 id="report-links" className="settings-card__subtitle">
            Links
          </h3>
          {stats.links.length === 0 ? (
            <p className="text-muted">No clicks yet.</p>
          ) : (
            <div className="table-scroll">
              <ReportTable headers={['Link', 'Clicks', 'Unique']} rows={stats.links.map((l) => ({ key: l.url, label: <span className="report-link">{l.url}</span>, values: [l.clicks.toLocaleString('en'), l.unique_clicks.toLocaleString('en')] }))} />
            </div>
          )}
        </section>
        <section aria-labelledby="report-providers">
          <h3 id="report-providers" className="settings-card__subtitle">
            Mailbox providers
          </h3>
          <ReportTable headers={['Provider', 'Sent', 'Open rate']} rows={stats.providers.map((p) => ({ key: p.provider, label: p.provider, values: [p.sent.toLocaleString('en'), formatRate(p.open_rate)] }))} />
        </section>
        <section aria-labelledby="report-clients">
          <h3 id="report-clients" className="settings-card__subtitle">
            Mail clients and devices
          </h3>
          {stats.clients.length === 0 ? (
            <p className="text-muted">Appears once people open the campaign.</p>
          ) : (
            <>
              <ReportTable headers={['Client', 'Openers']} rows={stats.clients.map((c) => ({ key: c.client, label: c.client, values: [c.openers.toLocaleString('en')] }))} />
              <ReportTable headers={['Device', 'Openers']} rows={stats.devices.map((d) => ({ key: d.device, label: DEVICE_LABELS[d.device] ?? d.device, values: [d.openers.toLocaleString('en')] }))} />
            </>
          )}
        </section>
      </div>
    </section>
  );
}
