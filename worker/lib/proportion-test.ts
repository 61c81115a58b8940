/**
 * The two-proportion z-test (pooled), as used to tell whether two A/B variants' open or click rates
 * really differ: z = (p1 − p2) / √(p(1 − p)(1/n1 + 1/n2)) with p the pooled rate, and the two-sided
 * p-value 2·(1 − Φ(|z|)) = erfc(|z| / √2).
 */

/** Below this many recipients per variant the normal approximation is not trusted. */
export const MIN_SAMPLE = 30;
/** The test needs at least this many successes and failures in each group (the usual np ≥ 5 rule). */
export const MIN_EXPECTED = 5;
export const SIGNIFICANCE_LEVEL = 0.05;

export interface Proportion {
  successes: number;
  trials: number;
}

export type ProportionTest =
  | { verdict: 'not_enough_data'; z: null; p_value: null }
  | { verdict: 'significant' | 'not_significant'; z: number; p_value: number };

export function twoProportionZTest(a: Proportion, b: Proportion): ProportionTest {
  const enough = (g: Proportion) => g.trials >= MIN_SAMPLE && g.successes >= MIN_EXPECTED && g.trials - g.successes >= MIN_EXPECTED;
  if (!enough(a) || !enough(b)) return { verdict: 'not_enough_data', z: null, p_value: null };
  const pooled = (a.successes + b.successes) / (a.trials + b.trials);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / a.trials + 1 / b.trials));
  const z = (a.successes / a.trials - b.successes / b.trials) / se;
  const p = erfc(Math.abs(z) / Math.SQRT2);
  return { verdict: p < SIGNIFICANCE_LEVEL ? 'significant' : 'not_significant', z, p_value: p };
}

/**
 * The complementary error function by the Chebyshev fit of Numerical Recipes (§6.2, `erfcc`):
 * fractional error below 1.2e-7 everywhere, ample for p-values.
 */
export function erfc(x: number): number {
  const t = 1 / (1 + 0.5 * Math.abs(x));
  const poly =
    -x * x -
    1.26551223 +
    t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  const r = t * Math.exp(poly);
  return x >= 0 ? r : 2 - r;
}
