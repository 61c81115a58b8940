import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { request, signIn, until, type Session } from './delivery-helpers';
import { dashboardUrl, demoOwnerPage, expectAccessible, login, stack, uniqueEmail } from './helpers';

/**
 * The dashboard's transactional messages (list, detail, cancel of a scheduled one), the custom link
 * domain card on the Domains page, and the list hygiene settings, in a real browser as the demo owner.
 */
const session = demoOwnerPage('hygiene-and-messages', { width: 1280, height: 900 });
let page: Page;
let demo: Session;
let settingsBefore: { sunset_after_months: number; event_retention_months: number };

const toasts = () => page.getByRole('region', { name: 'Notifications' });
async function open(url: string, heading: string | RegExp) {
  await page.goto(dashboardUrl(url));
  await page.getByRole('heading', { level: 1, name: heading }).waitFor();
  await page.waitForLoadState('networkidle');
}

beforeAll(async () => {
  page = session.page;
  demo = await signIn(stack().urls.api, login('demo@edgepost.test'));
  settingsBefore = (await request(demo, '/v1/tenant')).body;
});

afterAll(async () => {
  if (!demo) return;
  await request(demo, '/v1/tenant', { method: 'PATCH', json: { sunset_after_months: settingsBefore.sunset_after_months, event_retention_months: settingsBefore.event_retention_months } });
  await request(demo, '/v1/tracking-domain', { method: 'DELETE' });
});

describe('transactional messages', () => {
  const tag = `e2e-${randomUUID().slice(0, 8)}`;
  const to = uniqueEmail('receipt');

  test('a message sent through the API shows in the list and on its page with its events and attachment', async () => {
    const sent = await request(demo, '/v1/send', {
      method: 'POST',
      json: {
        to,
        subject: 'Your receipt #1042',
        html: '<h1>Thanks for your order</h1><p>Order 1042.</p>',
        tags: [tag],
        metadata: { order: '1042' },
        attachments: [{ filename: 'receipt.txt', content: Buffer.from('Order 1042: 3 items').toString('base64'), content_type: 'text/plain' }],
      },
    });
    expect(sent.status, JSON.stringify(sent.body)).toBe(202);
    await until('message sent', async () => (await request(demo, `/v1/messages/${sent.body.id}`)).body.status === 'sent', 30_000);

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Transactional' }).click();
    await page.getByRole('heading', { level: 1, name: 'Transactional messages' }).waitFor();
    await page.getByLabel('Tag').fill(tag);
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(new RegExp(`tag=${tag}`));
    const row = page.getByRole('row').filter({ hasText: 'Your receipt #1042' });
    await expect(row.textContent()).resolves.toContain(to);
    await expect(row.textContent()).resolves.toContain('Sent');
    await expectAccessible(page, 'messages');

    await row.getByRole('link', { name: 'Your receipt #1042' }).click();
    await page.getByRole('heading', { level: 1, name: 'Your receipt #1042' }).waitFor();
    await expect(page.getByTestId('message-envelope').textContent()).resolves.toContain(to);
    await expect(page.getByTestId('message-events').textContent()).resolves.toMatch(/Accepted by the API.*Handed to the receiving mail server/);
    await expect(page.getByTestId('message-attachments').textContent()).resolves.toMatch(/receipt\.txt.*text\/plain.*19 B/);
    await page.getByText('order', { exact: true }).waitFor();
    const frame = page.locator('iframe[title="Content of Your receipt #1042"]');
    await expect(frame.getAttribute('sandbox')).resolves.toBe('');
    await expect(frame.getAttribute('srcdoc')).resolves.toContain('Thanks for your order');
    // A sent message cannot be called off.
    await expect(page.getByRole('button', { name: 'Cancel message' }).count()).resolves.toBe(0);
    await expectAccessible(page, 'message', { exclude: ['.preview-frame'] });
  });

  test('a scheduled message is listed as scheduled and cancelled behind a confirmation', async () => {
    // Two days ahead, beyond the queue's delay limit: the message waits as `scheduled` until the cron queues it.
    const scheduled = await request(demo, '/v1/send', {
      method: 'POST',
      json: { to, subject: 'Your trial ends tomorrow', text: 'See you soon.', tags: [tag], scheduled_at: new Date(Date.now() + 2 * 86_400_000).toISOString() },
    });
    expect(scheduled.status, JSON.stringify(scheduled.body)).toBe(202);
    expect(scheduled.body.status).toBe('scheduled');

    await open(`/messages?status=scheduled&tag=${tag}`, 'Transactional messages');
    const row = page.getByRole('row').filter({ hasText: 'Your trial ends tomorrow' });
    await expect(row.textContent()).resolves.toContain('Scheduled');
    await row.getByRole('link', { name: 'Your trial ends tomorrow' }).click();
    await page.getByRole('heading', { level: 1, name: 'Your trial ends tomorrow' }).waitFor();
    await page.waitForLoadState('networkidle');
    await page.getByRole('button', { name: 'Cancel message' }).click();
    await page.getByRole('dialog', { name: 'Cancel this scheduled message?' }).getByRole('button', { name: 'Cancel message' }).click();
    await toasts().getByText('Message cancelled').waitFor();
    await expect.poll(() => page.locator('.page-header').getByText('Cancelled', { exact: true }).count()).toBe(1);
    expect((await request(demo, `/v1/messages/${scheduled.body.id}`)).body.status).toBe('cancelled');
  });
});

describe('custom link domain', () => {
  const hostname = `links.${randomUUID().slice(0, 8)}.test`;

  test('is added, published to the local DNS zone, verified active, and deleted', async () => {
    // Another test may have left the demo workspace a link domain: a workspace has one at most.
    await request(demo, '/v1/tracking-domain', { method: 'DELETE' });
    await open('/domains', 'Sending domains');
    const card = page.getByTestId('link-domain');
    await card.getByLabel('Link hostname').fill(hostname);
    await card.getByRole('button', { name: 'Add link domain' }).click();
    await toasts().getByText(`${hostname} added`).waitFor();
    await card.getByText('Pending', { exact: true }).waitFor();
    await expect(card.textContent()).resolves.toMatch(new RegExp(`Name${hostname.replaceAll('.', '\\.')}`));
    await expect(card.getByRole('button', { name: 'Copy value' }).count()).resolves.toBe(1);
    await expectAccessible(page, 'link-domain-pending');

    await card.getByRole('button', { name: `Publish to local DNS: ${hostname}` }).click();
    await toasts().getByText(`The CNAME of ${hostname} is in the local DNS zone`).waitFor();
    await card.getByRole('button', { name: `Verify: ${hostname}` }).click();
    await toasts().getByText(`${hostname} is active`).waitFor();
    await card.getByText('Active', { exact: true }).waitFor();
    await expect(card.getByTestId('link-domain-state').textContent()).resolves.toContain('links in new mail use it');
    expect((await request(demo, '/v1/tracking-domain')).body.status).toBe('active');

    await card.getByRole('button', { name: `Delete link domain ${hostname}` }).click();
    await page.getByRole('dialog', { name: `Stop using ${hostname} for links?` }).getByRole('button', { name: 'Delete link domain' }).click();
    await toasts().getByText('Link domain deleted').waitFor();
    await card.getByLabel('Link hostname').waitFor();
    expect((await request(demo, '/v1/tracking-domain')).status).toBe(404);
  });
});

describe('list hygiene settings', () => {
  test('shows the API’s validation on the field, then saves the sunset period', async () => {
    await open('/settings', 'Workspace settings');
    const sunset = page.getByLabel('Sunset after (months)');
    await expect(sunset.inputValue()).resolves.toBe(String(settingsBefore.sunset_after_months));
    await sunset.fill('2');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('0 (off) or 3 to 60').waitFor();
    await expect(sunset.getAttribute('aria-invalid')).resolves.toBe('true');

    await sunset.fill('18');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await toasts().getByText('Workspace settings saved.').waitFor();
    expect((await request(demo, '/v1/tenant')).body.sunset_after_months).toBe(18);
    await expectAccessible(page, 'settings-hygiene');
  });
});
