import type { AbTestReport } from './api-types';

type Comparison = AbTestReport['variants'][number]['open_significance'];

/** A p-value as people read it: two significant digits, and "< 0.001" rather than a row of zeros. */
export function formatPValue(p: number): string {
  return p < 0.001 ? '< 0.001' : `= ${p.toPrecision(2)}`;
}

/** One variant against the leader, in words: the verdict of the z-test with its p-value. */
export function significanceText(c: Comparison): { tone: 'good' | 'neutral'; text: string } {
  if (c === null) return { tone: 'neutral', text: 'Leader' };
  if (c.verdict === 'not_enough_data') return { tone: 'neutral', text: 'Not enough data yet' };
  const p = `p ${formatPValue(c.p_value!)}`;
  return c.verdict === 'significant'
    ? { tone: 'good', text: `${c.against} is better: significant (${p})` }
    : { tone: 'neutral', text: `Difference to ${c.against} may be chance (${p})` };
}
