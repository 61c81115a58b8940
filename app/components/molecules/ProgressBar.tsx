import { useId } from 'react';

export type ProgressTone = 'primary' | 'success' | 'warning' | 'danger';

interface ProgressBarProps {
  label: string;
  value: number;
  max: number;
  /** The value in words for assistive technology and the line under the bar, e.g. "1,204 of 5,000 sent". */
  valueText: string;
  tone?: ProgressTone;
  /** Shows the label above the bar (otherwise it only names the bar for screen readers). */
  showLabel?: boolean;
}

/**
 * A labelled native <progress> (the CSP allows no inline styles to size a bar) with its value
 * written out under it: the bar is never the only way to read the number.
 */
export function ProgressBar({ label, value, max, valueText, tone = 'primary', showLabel = false }: ProgressBarProps) {
  const labelId = useId();
  return (
    <div className="progress-bar">
      <span id={labelId} className={showLabel ? 'progress-bar__label' : 'visually-hidden'}>
        {label}
      </span>
      <progress className={`progress progress--${tone}`} max={Math.max(max, 1)} value={Math.min(value, Math.max(max, 1))} aria-labelledby={labelId} aria-valuetext={valueText} />
      <span className="progress-bar__text">{valueText}</span>
    </div>
  );
}
