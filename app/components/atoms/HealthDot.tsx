export type Health = 'up' | 'degraded' | 'down' | 'unknown';

const LABELS: Record<Health, string> = {
  up: 'Operational',
  degraded: 'Degraded',
  down: 'Unavailable',
  unknown: 'Unknown',
};

/** A coloured dot with its meaning in words too: colour alone never carries the status. */
export function HealthDot({ status, label }: { status: Health; label?: string }) {
  return (
    <span className="health">
      <span className={`health__dot health__dot--${status}`} aria-hidden="true" />
      <span>{label ? `${label}: ${LABELS[status]}` : LABELS[status]}</span>
    </span>
  );
}
