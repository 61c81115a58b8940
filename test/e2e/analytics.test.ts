import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { request, signIn, until, type Session } from './delivery-helpers';
import { dashboardUrl, demoOwnerPage, expectAccessible as expectAccessibleOn, login, stack, startWebhookReceiver } from './helpers';

/**
 * The analytics pages in a real browser as the demo owner: the overview's statistics, the campaign
 * report's recipients and CSV export, campaign comparison, and the webhooks page end to end against a
 * receiver in this process (the e2e stack allows loopback targets).
 */
const DESKTOP = { width: 1280, height: 900 };
const session = demoOwnerPage('analytics', DESKTOP);
let page: Page;
let demo: Session;

let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
let receiverUrl = '';
/** Webhook deliveries received: the headers of each request. */
const received = () => receiver.received.map((r) => r.headers);

beforeAll(async () => {
  page = session.page;
  demo = await signIn(stack().urls.api, login('demo@edgepost.test'));
  receiver = await startWebhookReceiver();
  receiverUrl = receiver.url;
});

afterAll(async () => {
  await receiver?.close();
});

const toasts = () => page.getByRole('region', { name: 'Notifications' });
async function open(url: string, heading: string | RegExp) {
  await page.goto(dashboardUrl(url));
  await page.getByRole('heading', { level: 1, name: heading }).waitFor();
  await page.waitForLoadState('networkidle');
}

describe('overview', () => {
  test('shows the email performance with a period picker, charts with tables, quota and campaigns', async () => {
    await open('/', /Welcome to/);
    const stats = page.getByTestId('workspace-stats');
    await stats.getByRole('heading', { name: 'Email performance' }).waitFor();
    await expect(stats.getByRole('link', { name: 'Last 30 days' }).getAttribute('aria-current')).resolves.toBe('page');
    // The seeded campaign went out today: the sending chart sums it up in words.
    await expect(stats.getByRole('img', { name: /\d+ sent, \d+ opens, \d+ clicks, \d+ bounces from/ }).count()).resolves.toBe(1);
    await stats.getByRole('link', { name: 'Last 7 days' }).click();
    await page.waitForURL(/\?period=7d$/);
    await expect.poll(() => stats.getByRole('link', { name: 'Last 7 days' }).getAttribute('aria-current')).toBe('page');
    const api = await request(demo, '/v1/stats?period=7d');
    await expect(stats.getByRole('region', { name: 'Emails sent' }).textContent()).resolves.toContain(api.body.totals.sent.toLocaleString('en'));
    await page.getByTestId('quota').getByText('This month').first().waitFor();
    await page.getByRole('heading', { name: 'Recently sent' }).waitFor();
    await expectAccessibleOn(page, 'overview-analytics');
  });
});

describe('campaign report', () => {
  test('lists the recipients by outcome and exports them as CSV', async () => {
    const sent = (await request(demo, '/v1/campaigns?status=sent&limit=1')).body.data[0];
    expect(sent, 'the e2e stack seeds a sent campaign').toBeTruthy();
    await open(`/campaigns/${sent.id}`, sent.name);
    const recipients = page.getByTestId('recipients');
    await recipients.getByRole('link', { name: 'Sent', exact: true }).click();
    await page.waitForURL(/outcome=sent/);
    await expect.poll(() => recipients.getByRole('row').count()).toBeGreaterThan(1);
    const first = (await request(demo, `/v1/campaigns/${sent.id}/recipients?outcome=sent&limit=1`)).body.data[0];
    await recipients.getByLabel('Search recipients by address').fill(first.email);
    await recipients.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/q=/);
    await expect.poll(() => recipients.getByRole('row').count()).toBe(2);
    const href = await recipients.getByRole('link', { name: 'Export CSV' }).getAttribute('href');
    const csv = await page.request.get(dashboardUrl(href!));
    expect(csv.status()).toBe(200);
    expect(csv.headers()['content-type']).toContain('text/csv');
    expect((await csv.text()).split('\r\n').slice(0, 2)).toEqual(['email,status,variant,sent_at,opened_at,clicked_at,unsubscribed_at,complained_at,error', expect.stringMatching(new RegExp(`^${first.email.replace(/[.+]/g, '\\$&')},sent,`))]);
    await expectAccessibleOn(page, 'campaign-recipients');
  });

  test('the comparison page asks for campaigns and is accessible', async () => {
    await open('/campaigns/compare', 'Compare campaigns');
    await page.getByRole('heading', { name: /Choose campaigns|Change the campaigns/ }).waitFor();
    await expectAccessibleOn(page, 'campaign-compare');
  });
});

describe('webhooks page', () => {
  test('adds an endpoint, shows its secret once, sends a test, shows the delivery and replays it', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Webhooks' }).click();
    await page.waitForURL(dashboardUrl('/webhooks'));
    await page.waitForLoadState('networkidle');
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add an endpoint' });
    await dialog.getByLabel('URL').fill(receiverUrl);
    await dialog.getByLabel('Description (optional)').fill('E2E receiver');
    await dialog.getByRole('checkbox', { name: 'Opened' }).check();
    await dialog.getByRole('checkbox', { name: 'Clicked' }).check();
    await dialog.getByRole('button', { name: 'Add endpoint' }).click();
    const reveal = page.getByRole('dialog', { name: 'Signing secret' });
    await expect(reveal.getByTestId('webhook-secret').textContent()).resolves.toMatch(/whsec_/);
    await reveal.getByRole('button', { name: 'I have stored it' }).click();
    const row = page.getByRole('row').filter({ hasText: receiverUrl });
    await expect(row.textContent()).resolves.toContain('Opened, Clicked');
    await expectAccessibleOn(page, 'webhooks');

    await row.getByRole('button', { name: `Send test ${receiverUrl}` }).click();
    await toasts().getByText('Test event sent').waitFor();
    await until('test delivery received', () => received().length >= 1, 20_000);
    expect(received()[0]!['webhook-signature']).toMatch(/^v1,/);

    await row.getByRole('link', { name: `Deliveries of ${receiverUrl}` }).click();
    const log = page.getByTestId('delivery-log');
    await log.waitFor();
    await until('delivery shown as succeeded', async () => {
      await page.reload();
      return (await log.getByRole('row').filter({ hasText: 'webhook.test' }).filter({ hasText: 'succeeded' }).count()) === 1;
    }, 20_000);
    await expect(log.getByRole('row').filter({ hasText: 'webhook.test' }).textContent()).resolves.toMatch(/204.*\d+ ms/);
    await page.waitForLoadState('networkidle');
    await log.getByRole('button', { name: /^Replay webhook.test/ }).click();
    await toasts().getByText('Delivery sent again.').waitFor();
    await until('replay received', () => received().length >= 2, 20_000);
    expect(received()[1]!['webhook-id']).toBe(received()[0]!['webhook-id']);
    await expectAccessibleOn(page, 'webhook-deliveries');
  });

  test('rotates the secret behind a confirmation and deletes the endpoint', async () => {
    const row = page.getByRole('row').filter({ hasText: receiverUrl });
    await row.getByRole('button', { name: `Rotate secret of ${receiverUrl}` }).click();
    await page.getByRole('dialog', { name: 'Rotate the signing secret?' }).getByRole('button', { name: 'Rotate secret' }).click();
    const reveal = page.getByRole('dialog', { name: 'Signing secret' });
    await expect(reveal.getByTestId('webhook-secret').textContent()).resolves.toMatch(/whsec_/);
    await reveal.getByRole('button', { name: 'I have stored it' }).click();
    await row.getByRole('button', { name: `Delete ${receiverUrl}` }).click();
    await page.getByRole('dialog', { name: 'Delete this endpoint?' }).getByRole('button', { name: 'Delete endpoint' }).click();
    await toasts().getByText('Endpoint deleted.').waitFor();
    await expect(page.getByRole('row').filter({ hasText: receiverUrl }).count()).resolves.toBe(0);
  });
});
