import { describe, expect, it } from 'vitest';
import { erfc, twoProportionZTest } from './proportion-test';

/** Relative closeness: p-values span orders of magnitude. */
const near = (actual: number | null, expected: number, rel = 1e-6) => expect(Math.abs((actual ?? NaN) - expected) / expected).toBeLessThan(rel);

describe('erfc', () => {
  it('matches reference values (Python math.erfc)', () => {
    near(erfc(0), 1);
    near(erfc(1 / Math.SQRT2), 0.31731050786291415);
    near(erfc(1.96 / Math.SQRT2), 0.04999579029644087);
    near(erfc(2.5758293035489 / Math.SQRT2), 0.01);
    near(erfc(5 / Math.SQRT2), 5.733031437583892e-7);
    near(erfc(-1 / Math.SQRT2), 2 - 0.31731050786291415);
  });
});

describe('two-proportion z-test', () => {
  it('gives the textbook z and two-sided p-value', () => {
    // 25 % vs 20 % of 1,000 each: pooled 22.5 %, z = 2.6774, p = 0.00742 (computed in Python as erfc(|z| / √2)).
    const r = twoProportionZTest({ successes: 250, trials: 1000 }, { successes: 200, trials: 1000 });
    expect(r.verdict).toBe('significant');
    near(r.z, 2.677397763008329);
    near(r.p_value, 0.007419649261025693);
  });

  it('is symmetric: swapping the groups flips z and keeps p', () => {
    const r = twoProportionZTest({ successes: 200, trials: 1000 }, { successes: 250, trials: 1000 });
    near(r.z === null ? null : -r.z, 2.677397763008329);
    near(r.p_value, 0.007419649261025693);
  });

  it('calls a difference within chance not significant', () => {
    const r = twoProportionZTest({ successes: 120, trials: 1000 }, { successes: 100, trials: 1000 });
    expect(r.verdict).toBe('not_significant');
    near(r.z, 1.4293008498232314);
    near(r.p_value, 0.1529177818639462);
    const small = twoProportionZTest({ successes: 30, trials: 100 }, { successes: 20, trials: 100 });
    expect(small.verdict).toBe('not_significant');
    near(small.p_value, 0.1024704348597495);
  });

  it('says "not enough data" for small samples or too few successes or failures', () => {
    expect(twoProportionZTest({ successes: 10, trials: 20 }, { successes: 2, trials: 20 })).toEqual({ verdict: 'not_enough_data', z: null, p_value: null });
    expect(twoProportionZTest({ successes: 4, trials: 1000 }, { successes: 50, trials: 1000 }).verdict).toBe('not_enough_data');
    expect(twoProportionZTest({ successes: 998, trials: 1000 }, { successes: 900, trials: 1000 }).verdict).toBe('not_enough_data');
  });
});
