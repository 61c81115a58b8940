import { ReportTable } from './ReportTable';

const SIZE = { width: 640, height: 180, pad: 24 };

export interface ChartSeries<P> {
  label: string;
  value: (point: P) => number;
}

interface BarChartProps<P> {
  caption: string;
  points: P[];
  /** Up to four series, drawn side by side per point in the chart's four colours. */
  series: ChartSeries<P>[];
  pointKey: (point: P) => string;
  /** How a point is named on the axis-less chart's table and summary ("Nov 3", "Nov 3, 14:00"). */
  pointLabel: (point: P) => string;
  /** The table's first header. */
  pointHeader: string;
  empty: string;
}

/**
 * Grouped bars per point (a day, an hour). For screen readers the figure sums itself up in words,
 * and the same numbers sit in a table under "Show as a table" (WCAG 1.1.1); the colours come with
 * a legend and are not the only way to tell the series apart.
 */
export function BarChart<P>({ caption, points, series, pointKey, pointLabel, pointHeader, empty }: BarChartProps<P>) {
  if (points.length === 0 || points.every((p) => series.every((s) => s.value(p) === 0))) return <p className="text-muted">{empty}</p>;
  const max = Math.max(1, ...points.flatMap((p) => series.map((s) => s.value(p))));
  const slot = (SIZE.width - SIZE.pad) / points.length;
  const bar = Math.max(1, Math.min(18, slot / series.length - 1));
  const y = (n: number) => SIZE.height - SIZE.pad - (n / max) * (SIZE.height - 2 * SIZE.pad);
  const totals = series.map((s) => `${points.reduce((n, p) => n + s.value(p), 0).toLocaleString('en')} ${s.label.toLowerCase()}`);
  const summary = `${totals.join(', ')} from ${pointLabel(points[0]!)} to ${pointLabel(points[points.length - 1]!)}; the table below lists each ${pointHeader.toLowerCase()}.`;
  return (
    <figure className="report-chart">
      <figcaption>
        {caption}
        <span className="report-chart__legend">
          {series.map((s, i) => (
            <span key={s.label} className="report-chart__legend-item">
              <span className={`report-chart__key report-chart__series--${i}`} aria-hidden="true" /> {s.label.toLowerCase()}
            </span>
          ))}
        </span>
      </figcaption>
      <svg viewBox={`0 0 ${SIZE.width} ${SIZE.height}`} role="img" aria-label={summary}>
        <line x1={SIZE.pad} x2={SIZE.width} y1={SIZE.height - SIZE.pad} y2={SIZE.height - SIZE.pad} className="report-chart__axis" />
        <text x={0} y={SIZE.pad} className="report-chart__label">
          {max.toLocaleString('en')}
        </text>
        {points.map((p, i) => {
          const left = SIZE.pad + i * slot + (slot - bar * series.length) / 2;
          return (
            <g key={pointKey(p)}>
              {series.map((s, j) => (
                <rect key={s.label} x={left + j * bar} y={y(s.value(p))} width={Math.max(bar - 1, 1)} height={SIZE.height - SIZE.pad - y(s.value(p))} className={`report-chart__series--${j}`} />
              ))}
            </g>
          );
        })}
      </svg>
      <details>
        <summary>Show as a table</summary>
        <ReportTable
          caption={caption}
          headers={[pointHeader, ...series.map((s) => s.label)]}
          rows={points.map((p) => ({ key: pointKey(p), label: pointLabel(p), values: series.map((s) => s.value(p).toLocaleString('en')) }))}
        />
      </details>
    </figure>
  );
}
