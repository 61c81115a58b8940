import { describe, expect, test } from 'vitest';
import { usageLevel, usageText } from './usage';

describe('usage against a limit', () => {
  test('quiet under 80 %, a warning from 80 %, danger at and over the limit', () => {
    expect(usageLevel(79, 100)).toEqual({ tone: 'primary', note: null, percent: 79 });
    expect(usageLevel(80, 100)).toEqual({ tone: 'warning', note: 'Close to the limit', percent: 80 });
    expect(usageLevel(100, 100)).toEqual({ tone: 'danger', note: 'Limit reached', percent: 100 });
    expect(usageLevel(130, 100)).toEqual({ tone: 'danger', note: 'Over the limit', percent: 100 });
  });

  test('a limit of zero (a feature the plan lacks) is fine unused and over as soon as used', () => {
    expect(usageLevel(0, 0).tone).toBe('primary');
    expect(usageLevel(1, 0)).toEqual({ tone: 'danger', note: 'Not included in the plan', percent: 100 });
  });

  test('reads as counts and a rounded-down share', () => {
    expect(usageText(1204, 10_000)).toBe('1,204 of 10,000 (12 %)');
    expect(usageText(0, 0)).toBe('0 (not in this plan)');
  });
});
