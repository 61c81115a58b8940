import { describe, expect, it } from 'vitest';
import { formatPValue, significanceText } from './significance';

describe('significanceText', () => {
  it('names the leader, a significant gap with its p-value, chance, and too little data', () => {
    expect(significanceText(null)).toEqual({ tone: 'neutral', text: 'Leader' });
    expect(significanceText({ against: 'A', difference: 0.2, verdict: 'significant', z: 3.09, p_value: 0.0020282 })).toEqual({ tone: 'good', text: 'A is better: significant (p = 0.0020)' });
    expect(significanceText({ against: 'B', difference: 0.04, verdict: 'not_significant', z: 1.04, p_value: 0.2971 })).toEqual({ tone: 'neutral', text: 'Difference to B may be chance (p = 0.30)' });
    expect(significanceText({ against: 'A', difference: 0, verdict: 'not_enough_data', z: null, p_value: null }).text).toBe('Not enough data yet');
  });

  it('never shows a p-value as zero', () => {
    expect(formatPValue(5.7e-7)).toBe('< 0.001');
    expect(formatPValue(0.049)).toBe('= 0.049');
  });
});
