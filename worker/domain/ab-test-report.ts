import type { DB } from '../db/client';
import type { Campaign } from '../db/schema';
import { twoProportionZTest, type ProportionTest } from '../lib/proportion-test';
import { variantResults, type VariantResult } from './ab-tests';

type Metric = 'opens' | 'clicks';
const rateOf = (r: VariantResult, m: Metric) => (m === 'opens' ? r.open_rate : r.click_rate);

/** A variant against the leader on one metric: is the gap more than chance? */
export type VariantComparison = ProportionTest & { against: string; difference: number };

/**
 * The A/B part of a campaign report: each variant's rates, and for every variant but the leader
 * (best rate, ties to the earlier variant, as the winner is picked) whether its gap to the leader
 * is statistically significant. Comparing against the leader rather than every pair keeps it to
 * one question per variant: "is this one really worse than the best?".
 */
export async function abTestReport(db: DB, c: Pick<Campaign, 'id' | 'tenantId' | 'abTest'>) {
  if (!c.abTest) return null;
  const results = await variantResults(db, c);
  const compare = (m: Metric) => {
    const leader = results.reduce((best, r) => (rateOf(r, m) > rateOf(best, m) ? r : best), results[0]!);
    return (r: VariantResult): VariantComparison | null => {
      if (r.key === leader.key) return null;
      const successes = (x: VariantResult) => (m === 'opens' ? x.opens : x.clicks);
      const test = twoProportionZTest({ successes: successes(leader), trials: leader.sent }, { successes: successes(r), trials: r.sent });
      return { ...test, against: leader.key, difference: rateOf(leader, m) - rateOf(r, m) };
    };
  };
  const opens = compare('opens');
  const clicks = compare('clicks');
  return {
    metric: c.abTest.metric,
    winner: c.abTest.winner ?? null,
    variants: results.map((r) => ({ ...r, open_significance: opens(r), click_significance: clicks(r) })),
  };
}
