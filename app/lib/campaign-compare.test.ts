import { describe, expect, it } from 'vitest';
import { bestIndex, compareIdsOf } from './campaign-compare';

describe('compareIdsOf', () => {
  it('takes repeated or comma-separated ids, distinct, at most four', () => {
    expect(compareIdsOf(new URL('https://x/campaigns/compare?ids=a&ids=b,c&ids=a'))).toEqual(['a', 'b', 'c']);
    expect(compareIdsOf(new URL('https://x/campaigns/compare?ids=a,b,c,d,e'))).toEqual(['a', 'b', 'c', 'd']);
    expect(compareIdsOf(new URL('https://x/campaigns/compare'))).toEqual([]);
  });
});

describe('bestIndex', () => {
  it('picks the highest, or the lowest where lower is better, and nothing when all are equal', () => {
    expect(bestIndex([0.2, 0.35, 0.1])).toBe(1);
    expect(bestIndex([0.02, 0.01, 0.03], true)).toBe(1);
    expect(bestIndex([0.2, 0.2])).toBeNull();
    expect(bestIndex([0.5])).toBeNull();
  });
});
