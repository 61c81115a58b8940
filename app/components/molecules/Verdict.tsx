import type { ReactNode } from 'react';
import { Icon, type IconName } from '../atoms/Icon';

export type VerdictTone = 'good' | 'warning' | 'bad' | 'neutral';

const ICONS: Record<VerdictTone, IconName> = { good: 'check-circle', warning: 'alert', bad: 'x-circle', neutral: 'info' };

/** A judgement in colour, icon and words together: the colour is never the only signal. */
export function Verdict({ tone, children }: { tone: VerdictTone; children: ReactNode }) {
  return (
    <span className={`verdict verdict--${tone}`}>
      <Icon name={ICONS[tone]} size={16} />
      <span>{children}</span>
    </span>
  );
}
