import { env } from 'cloudflare:test';
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '../../worker/db/client';
import { notifications } from '../../worker/db/schema';
import { isSummaryMinute, sendMonthlySummaries } from '../../worker/domain/usage-summary';
import { startOfUtcMonth } from '../../worker/lib/utc-periods';
import { addContacts, createCampaign, sendingTenant, waitForCampaign } from './campaign-helpers';
import { call, waitForEmail } from './helpers';

describe('monthly usage summary', () => {
  it('runs once a month, on the 1st at 06:00 UTC', () => {
    expect(isSummaryMinute(Date.parse('2026-12-01T06:00:00Z'))).toBe(true);
    expect(isSummaryMinute(Date.parse('2026-12-01T06:01:00Z'))).toBe(false);
    expect(isSummaryMinute(Date.parse('2026-12-02T06:00:00Z'))).toBe(false);
  });

  it("tells the workspace's managers last month's sends, campaigns and contacts against the plan, in-app and by email", async () => {
    const s = await sendingTenant('Summary Co');
    await addContacts(s.tenantId, 2, 'summary');
    const id = await createCampaign(s);
    await call(`/v1/campaigns/${id}/send`, { method: 'POST', token: s.token });
    await waitForCampaign(s, id, (c) => c.status === 'sent');

    const nextMonth = startOfUtcMonth(Date.now()) + 40 * 86_400_000;
    const firstOfNext = startOfUtcMonth(nextMonth) + 6 * 3600_000;
    expect(await sendMonthlySummaries(env, getDb(env), firstOfNext)).toBeGreaterThan(0);
    const [n] = await getDb(env).select().from(notifications).where(and(eq(notifications.tenantId, s.tenantId), eq(notifications.kind, 'monthly_usage'))).all();
    const month = new Date().toLocaleString('en', { month: 'long', year: 'numeric', timeZone: 'UTC' });
    expect(n!.title).toBe(`Your Edgepost usage in ${month}`);
    expect(n!.body).toBe('2 emails sent of 250000 · 2 contacts of 100000 · 1 campaign.');
    await waitForEmail(s.email, new RegExp(`Your Edgepost usage in ${month}`));
  });
});
