/** Where a usage stands against its limit: the tone of its bar and the words that go with it. */
export type UsageLevel = { tone: 'primary' | 'warning' | 'danger'; note: string | null; percent: number };

/** The share at which Edgepost warns the owner (quota warnings go out at 80 %). */
export const USAGE_WARN_SHARE = 0.8;

export function usageLevel(used: number, limit: number): UsageLevel {
  if (limit <= 0) return { tone: used > 0 ? 'danger' : 'primary', note: used > 0 ? 'Not included in the plan' : null, percent: used > 0 ? 100 : 0 };
  const share = used / limit;
  const percent = Math.min(100, Math.floor(share * 100));
  if (share > 1) return { tone: 'danger', note: 'Over the limit', percent };
  if (share === 1) return { tone: 'danger', note: 'Limit reached', percent };
  if (share >= USAGE_WARN_SHARE) return { tone: 'warning', note: 'Close to the limit', percent };
  return { tone: 'primary', note: null, percent };
}

/** "1,204 of 10,000 (12 %)"; a limit of zero is a feature the plan lacks. */
export function usageText(used: number, limit: number): string {
  if (limit <= 0) return `${used.toLocaleString('en')} (not in this plan)`;
  return `${used.toLocaleString('en')} of ${limit.toLocaleString('en')} (${usageLevel(used, limit).percent} %)`;
}
