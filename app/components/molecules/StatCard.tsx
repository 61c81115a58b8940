import { Icon } from '../atoms/Icon';

interface StatCardProps {
  label: string;
  value: number | null;
  /** The value as shown, when a count's formatting does not fit (a rate). */
  display?: string;
  /** A line under the value: what it counts, or what it leaves out. */
  hint?: string;
  /** The same measure over the previous period; omit when there is nothing to compare. */
  previous?: number | null;
  periodLabel?: string;
  /** For measures where a rise is bad (bounces, complaints). */
  lowerIsBetter?: boolean;
}

export function StatCard({ label, value, display, hint, previous, periodLabel = 'previous period', lowerIsBetter = false }: StatCardProps) {
  return (
    <section className="stat-card" aria-label={label}>
      <h2 className="stat-card__label">{label}</h2>
      <p className="stat-card__value">{value === null ? '—' : display ?? value.toLocaleString('en')}</p>
      {hint && <p className="stat-card__hint text-muted">{hint}</p>}
      {value !== null && previous !== undefined && previous !== null && (
        <Trend value={value} previous={previous} periodLabel={periodLabel} lowerIsBetter={lowerIsBetter} />
      )}
    </section>
  );
}

function Trend({ value, previous, periodLabel, lowerIsBetter }: { value: number; previous: number; periodLabel: string; lowerIsBetter: boolean }) {
  const change = value - previous;
  if (change === 0) return <p className="stat-card__trend stat-card__trend--flat">No change vs {periodLabel}</p>;
  const rising = change > 0;
  const good = rising !== lowerIsBetter;
  // From zero there is no meaningful percentage; show the absolute change instead.
  const amount = previous === 0 ? `${Math.abs(change).toLocaleString('en')}` : `${Math.round((Math.abs(change) / previous) * 100)}%`;
  return (
    <p className={`stat-card__trend stat-card__trend--${good ? 'good' : 'bad'}`}>
      <Icon name={rising ? 'arrow-up' : 'arrow-down'} size={14} />
      <span>
        {rising ? 'Up' : 'Down'} {amount} vs {periodLabel}
      </span>
    </p>
  );
}
