import { usageLevel, usageText } from '~/lib/usage';
import { ProgressBar } from './ProgressBar';
import { Verdict } from './Verdict';

/** One usage against its limit: a bar, the numbers, and in words when it is close to or over the limit. */
export function UsageBar({ label, used, limit, detail }: { label: string; used: number; limit: number; detail?: string }) {
  const level = usageLevel(used, limit);
  return (
    <div className="usage-bar" data-usage={label}>
      <div className="usage-bar__head">
        <span className="progress-bar__label">{label}</span>
        {level.note && <Verdict tone={level.tone === 'danger' ? 'bad' : 'warning'}>{level.note}</Verdict>}
      </div>
      <ProgressBar label={label} value={used} max={limit} valueText={usageText(used, limit)} tone={level.tone} />
      {detail && <p className="text-muted usage-bar__detail">{detail}</p>}
    </div>
  );
}
