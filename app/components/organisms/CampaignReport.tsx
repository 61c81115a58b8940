import type { ReactNode } from 'react';
import type { CampaignStats } from '~/lib/api-types';
import { formatDateTime } from '~/lib/format';
import { formatRate } from '~/lib/sender-health';
import { StatCard } from '../molecules/StatCard';

/**
 * A sent campaign's report (GET /v1/campaigns/:id/stats): the rates people compare first, opens and
 * clicks over time as a chart, then the links and mailbox providers as tables. Machine opens and
 * clicks (scanners, privacy proxies) are shown apart and never in the rates.
 */
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
      <EngagementChart points={stats.timeline} />
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
      </div>
    </section>
  );
}

const CHART = { width: 640, height: 180, pad: 24 };

/** Opens and clicks per period as paired bars; the same numbers sit in a table for screen readers. */
function EngagementChart({ points }: { points: CampaignStats['timeline'] }) {
  if (points.length === 0) return <p className="text-muted">Opens and clicks appear here as people read the campaign.</p>;
  const max = Math.max(1, ...points.map((p) => Math.max(p.opens, p.clicks)));
  const slot = (CHART.width - CHART.pad) / points.length;
  const bar = Math.max(2, Math.min(18, slot / 2 - 2));
  const y = (n: number) => CHART.height - CHART.pad - (n / max) * (CHART.height - 2 * CHART.pad);
  const total = (key: 'opens' | 'clicks') => points.reduce((n, p) => n + p[key], 0);
  return (
    <figure className="report-chart">
      <figcaption>
        Opens and clicks over time <span className="report-chart__legend"><span className="report-chart__key report-chart__key--opens" aria-hidden="true" /> opens <span className="report-chart__key report-chart__key--clicks" aria-hidden="true" /> clicks</span>
      </figcaption>
      <svg viewBox={`0 0 ${CHART.width} ${CHART.height}`} role="img" aria-label={`${total('opens')} opens and ${total('clicks')} clicks from ${formatDateTime(points[0]!.at)} to ${formatDateTime(points[points.length - 1]!.at)}; the table below lists each period.`}>
        <line x1={CHART.pad} x2={CHART.width} y1={CHART.height - CHART.pad} y2={CHART.height - CHART.pad} className="report-chart__axis" />
        <text x={0} y={CHART.pad} className="report-chart__label">
          {max}
        </text>
        {points.map((p, i) => {
          const x = CHART.pad + i * slot + slot / 2;
          return (
            <g key={p.at}>
              <rect x={x - bar - 1} y={y(p.opens)} width={bar} height={CHART.height - CHART.pad - y(p.opens)} className="report-chart__opens" />
              <rect x={x + 1} y={y(p.clicks)} width={bar} height={CHART.height - CHART.pad - y(p.clicks)} className="report-chart__clicks" />
            </g>
          );
        })}
      </svg>
      <details>
        <summary>Show as a table</summary>
        <ReportTable headers={['From', 'Opens', 'Clicks']} rows={points.map((p) => ({ key: p.at, label: formatDateTime(p.at), values: [p.opens.toLocaleString('en'), p.clicks.toLocaleString('en')] }))} />
      </details>
    </figure>
  );
}

/** A row label and its numbers: the shape of every table in the report. */
function ReportTable({ headers, rows }: { headers: [string, ...string[]]; rows: { key: string; label: ReactNode; values: string[] }[] }) {
  const [first, ...numeric] = headers;
  return (
    <table className="table">
      <thead>
        <tr>
          <th scope="col">{first}</th>
          {numeric.map((h) => (
            <th key={h} scope="col" className="table__numeric">
              {h}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.key}>
            <th scope="row">{r.label}</th>
            {r.values.map((v, i) => (
              <td key={numeric[i]} className="table__numeric">
                {v}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
