import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { Secret, TOTP } from 'otpauth';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createGreetingTemplate, newRecipients, request, signIn, until, type Recipient, type Session } from './delivery-helpers';
import { SCREENSHOT_DIR, dashboardUrl, demoOwnerPage, expectAccessible as expectAccessibleOn, fetchJson, login, mailbox, signInToDashboard, stack } from './helpers';

/**
 * The delivery screens in a real browser against the e2e stack: the campaign wizard from an empty
 * draft to a sent campaign (the messages in maildev), the list with its filters and restore, the
 * checklist blocking Send for a workspace without a postal address, pause and resume of a campaign
 * the warm-up throttles, the transports page testing an SMTP transport pointed at the sink, and the
 * super-admin's kill switch behind its confirmation. Steps of one describe build on each other.
 */
const DESKTOP = { width: 1440, height: 900 };
const PHONE = { width: 375, height: 812 };
/** Many pages, axe twice on several, a real send: on a loaded 2-core machine. */
const JOURNEY_TIMEOUT = 180_000;
const PASSWORD = 'Harbour-Lantern-Quartz-82';
const CAPTCHA_PASS = 'XXXX.DUMMY.TOKEN.XXXX';

const session = demoOwnerPage('campaigns', DESKTOP);
let page: Page;
let demo: Session;
/** The campaign the wizard sent, for the phone check at the end. */
let sentCampaignUrl = '';
beforeAll(async () => {
  page = session.page;
  demo = await signIn(stack().urls.api, login('demo@edgepost.test'));
});

/** Tenant HTML in the sandboxed preview frames is the tenant's, not the dashboard's, to make accessible. */
const expectAccessible = (name: string, on: Page = page) => expectAccessibleOn(on, name, { exclude: ['.preview-frame'] });
const toasts = (on: Page = page) => on.getByRole('region', { name: 'Notifications' });

async function open(url: string, heading: string | RegExp, on: Page = page) {
  await on.goto(dashboardUrl(url));
  await on.getByRole('heading', { level: 1, name: heading }).waitFor();
  await on.waitForLoadState('networkidle');
}

/** Contacts through the CSV import (it skips the MX lookup the `.test` addresses would fail), into a list and with a tag. */
async function importContacts(s: Session, recipients: Recipient[], { listId, tag }: { listId?: string; tag?: string }) {
  const form = new FormData();
  form.append('file', new Blob([['email,first_name', ...recipients.map((r) => `${r.email},${r.first_name}`)].join('\r\n')], { type: 'text/csv' }), 'contacts.csv');
  if (listId) form.append('list_ids', listId);
  if (tag) form.append('tags', tag);
  const started = await request(s, '/v1/contacts/import', { method: 'POST', body: form });
  expect(started.status, JSON.stringify(started.body)).toBe(202);
  let job: { status?: string } = {};
  await until('import job', async () => ['succeeded', 'failed'].includes((job = (await request(s, `/v1/jobs/${started.body.id}`)).body).status ?? ''), 60_000, () => job);
  expect(job.status).toBe('succeeded');
}

describe('the campaign wizard, for the demo workspace', () => {
  const run = randomUUID().slice(0, 8);
  const listName = `Wizard list ${run}`;
  const campaignName = `Wizard campaign ${run}`;
  const recipients = newRecipients(3, 'wizard');
  let templateName = '';

  beforeAll(async () => {
    const list = await request(demo, '/v1/lists', { method: 'POST', json: { name: listName } });
    expect(list.status, JSON.stringify(list.body)).toBe(201);
    await importContacts(demo, recipients, { listId: list.body.id });
    const templateId = await createGreetingTemplate(demo);
    templateName = (await request(demo, `/v1/templates/${templateId}`)).body.name;
  }, 120_000);

  afterAll(async () => {
    const mine = (await mailbox.list()).filter((m) => m.subject.includes(run));
    await mailbox.remove(mine.map((m) => m.id));
  });

  test(
    'the list is empty of this campaign; the wizard creates the draft with a live recipient count',
    async () => {
      await open('/campaigns', 'Campaigns');
      await expectAccessible('campaigns-list');
      await page.getByRole('link', { name: 'New campaign' }).click();
      await page.getByRole('heading', { level: 1, name: 'New campaign' }).waitFor();
      await page.waitForLoadState('networkidle');

      await page.getByLabel('Campaign name').fill(campaignName);
      await expect(page.getByTestId('recipient-count').textContent()).resolves.toContain('Choose whom to send to');
      await page.getByRole('checkbox', { name: listName }).check();
      await expect.poll(() => page.getByTestId('recipient-count').textContent(), { timeout: 15_000 }).toMatch(/^\s*3 recipients/);
      await expect(page.getByTestId('delivery-estimate').textContent()).resolves.toMatch(/^At [\d,]+\/h, sending takes /);
      await expectAccessible('campaign-wizard-audience');
      await page.getByRole('button', { name: 'Create draft and continue' }).click();
      await page.waitForURL(/\/campaigns\/cmp_[^/]+\/edit\?step=content$/);
      await toasts().getByText(`Draft “${campaignName}” created.`).waitFor();
    },
    JOURNEY_TIMEOUT,
  );

  test(
    'content: a template and a subject override, previewed as the recipient sees it, and a test send',
    async () => {
      await page.getByLabel('Template', { exact: true }).selectOption({ label: templateName });
      await page.getByLabel('Subject (optional)').fill(`Wizard ${run} for {{ first_name }}`);
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      await toasts().getByText('Saved.').waitFor();
      // The sample recipient is Ada Lovelace: the merge tag is filled in the preview.
      await expect.poll(() => page.getByTestId('preview-subject').textContent(), { timeout: 20_000 }).toBe(`Wizard ${run} for Ada`);
      await expect(page.locator('.template-preview iframe').getAttribute('sandbox')).resolves.toBe('');
      await expectAccessible('campaign-wizard-content');

      const to = `wizard-test-${run}@e2e.edgepost.test`;
      await page.getByRole('button', { name: 'Send test', exact: true }).click();
      const dialog = page.getByRole('dialog', { name: 'Send a test email' });
      await dialog.getByLabel('Send to').fill(to);
      await dialog.getByRole('button', { name: 'Send test' }).click();
      await toasts().getByText(`Test email sent to ${to}.`).waitFor();
      const test = await mailbox.waitFor({ to, subject: /\[Test\]/ });
      expect(test.subject).toContain(`Wizard ${run} for`);

      await page.getByRole('button', { name: 'Save and continue' }).click();
      await page.waitForURL(/step=settings$/);
    },
    JOURNEY_TIMEOUT,
  );

  test(
    'settings: the From at the verified domain; the checklist passes and opens the way to sending',
    async () => {
      await page.getByRole('heading', { level: 2, name: 'Settings' }).waitFor();
      await page.getByLabel('From name').fill('Demo News');
      await page.getByLabel('Send from').selectOption({ label: 'An address at edgepost.test' });
      await page.getByLabel('Address at edgepost.test').fill('news');
      await expectAccessible('campaign-wizard-settings');
      await page.getByRole('button', { name: 'Save and continue' }).click();
      await page.waitForURL(/step=checklist$/);

      await page.getByText('Everything required passes: ready to send to 3 recipients.').waitFor();
      for (const key of ['sending_domain', 'postal_address', 'content', 'subject', 'audience', 'quota']) {
        await expect(page.locator(`[data-check="${key}"]`).getAttribute('data-state')).resolves.toBe('pass');
      }
      await expectAccessible('campaign-wizard-checklist');
      await page.getByRole('link', { name: 'Continue to sending' }).click();
      await page.waitForURL(/step=send$/);
    },
    JOURNEY_TIMEOUT,
  );

  test(
    'Send now asks first, naming the recipient count; the campaign page follows it to sent and the sink has one message each',
    async () => {
      await expect(page.getByTestId('send-recipients').textContent()).resolves.toBe('3 recipients');
      await expect(page.getByLabel('Time zone', { exact: true }).inputValue()).resolves.not.toBe('');
      await expectAccessible('campaign-wizard-send');
      await page.getByRole('button', { name: 'Send now' }).click();
      const confirm = page.getByRole('dialog', { name: `Send “${campaignName}” now?` });
      await confirm.getByText('It goes to 3 recipients now.').waitFor();
      await confirm.getByRole('button', { name: 'Send to 3 recipients' }).click();
      await page.waitForURL(/\/campaigns\/cmp_[^/?]+$/);
      sentCampaignUrl = page.url();
      await toasts().getByText(`“${campaignName}” is sending.`).waitFor();

      // The page polls the progress and reloads itself when the campaign finishes.
      await page.locator('[data-testid="campaign-progress"][data-status="sent"]').waitFor({ timeout: 90_000 });
      await page.getByText('3 of 3 done (100 %)').waitFor();
      for (const r of recipients) {
        const mail = await mailbox.waitFor({ to: r.email, subject: `Wizard ${run} for ${r.first_name}` });
        expect(mail.from[0]).toMatchObject({ address: 'news@edgepost.test', name: 'Demo News' });
      }
      const ours = (await mailbox.list()).filter((m) => m.subject.startsWith(`Wizard ${run} for`) && !m.subject.includes('[Test]'));
      expect(ours).toHaveLength(3);
      await expectAccessible('campaign-sent');
    },
    JOURNEY_TIMEOUT,
  );

  test(
    'resend to unopened makes a follow-up draft; the list filters by state, deletes with a confirmation and restores',
    async () => {
      await page.goto(sentCampaignUrl);
      await page.waitForLoadState('networkidle');
      await page.getByRole('button', { name: 'Resend to unopened' }).click();
      const dialog = page.getByRole('dialog', { name: 'Resend to those who did not open' });
      await dialog.getByLabel('New subject').fill(`Second chance ${run}`);
      await dialog.getByRole('button', { name: 'Create follow-up draft' }).click();
      await page.waitForURL(/step=content$/);
      const followUp = `${campaignName} (to unopened)`;
      await page.getByRole('heading', { level: 1, name: followUp }).waitFor();

      await open('/campaigns?status=sent', 'Campaigns');
      await page.getByRole('link', { name: campaignName, exact: true }).waitFor();
      await open('/campaigns?status=draft', 'Campaigns');
      await page.getByRole('button', { name: `Delete ${followUp}` }).click();
      await page.getByRole('dialog', { name: `Delete “${followUp}”?` }).getByRole('button', { name: 'Delete campaign' }).click();
      await toasts().getByText('Campaign deleted. You can restore it for 30 days.').waitFor();
      await expect.poll(() => page.getByRole('link', { name: followUp }).count()).toBe(0);

      await page.getByRole('link', { name: 'Recently deleted' }).click();
      await page.getByRole('button', { name: `Restore ${followUp}` }).click();
      await toasts().getByText(`“${followUp}” restored.`).waitFor();
    },
    JOURNEY_TIMEOUT,
  );

  test(
    'a clone is scheduled in the workspace’s time zone, shows when it goes, and unscheduling makes it a draft again',
    async () => {
      await page.goto(sentCampaignUrl);
      await page.waitForLoadState('networkidle');
      await page.getByRole('button', { name: 'Clone' }).click();
      await page.waitForURL(/step=audience$/);
      const copy = `${campaignName} (copy)`;
      await page.getByRole('heading', { level: 1, name: copy }).waitFor();
      await page.getByRole('link', { name: /Schedule or send/ }).click();
      await page.waitForURL(/step=send$/);
      const when = await page.getByLabel('Date and time').inputValue();
      expect(when).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:00$/);
      await page.getByRole('button', { name: 'Schedule', exact: true }).click();
      await page.waitForURL(/\/campaigns\/cmp_[^/?]+$/);
      await toasts().getByText(/^Scheduled for /).waitFor();
      await page.getByTestId('scheduled-note').waitFor();
      await expect(page.getByTestId('scheduled-note').textContent()).resolves.toMatch(/^Scheduled for .+ \(.+ UTC\)\.$/);

      await page.getByRole('button', { name: 'Unschedule' }).click();
      await page.waitForURL(/step=send$/);
      await toasts().getByText(/^Back to draft/).waitFor();
      await page.getByRole('heading', { level: 1, name: copy }).waitFor();
    },
    JOURNEY_TIMEOUT,
  );
});

describe('a new workspace: the checklist blocks sending, then the warm-up throttles it', () => {
  const run = randomUUID().slice(0, 8);
  const tenantName = `Throttle ${run}`;
  const email = `throttle-${run}@e2e.edgepost.test`;
  /** More than the first warm-up hour allows (50/h), so the campaign stays in "sending". */
  const recipients = newRecipients(60, 'throttled');
  let tenant: Session;
  let browser: Browser;
  let tenantPage: Page;
  let campaignId = '';

  beforeAll(async () => {
    const signup = await fetchJson<{ token: string; tenant: { id: string } }>('/v1/auth/signup', {
      method: 'POST',
      json: { captcha_token: CAPTCHA_PASS, tenant_name: tenantName, email, password: PASSWORD },
    });
    expect(signup.status, JSON.stringify(signup.body)).toBe(201);
    tenant = { api: stack().urls.api, token: signup.body.token, tenantId: signup.body.tenant.id };
    const tag = `throttled-${run}`;
    await importContacts(tenant, recipients, { tag });
    const templateId = await createGreetingTemplate(tenant);
    const created = await request(tenant, '/v1/campaigns', { method: 'POST', json: { name: `Throttled ${run}`, template_id: templateId, audience: { tags: [tag] } } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    campaignId = created.body.id;
    browser = session.browser;
    tenantPage = await (await browser.newContext({ viewport: DESKTOP })).newPage();
    await signInToDashboard(tenantPage, { email, password: PASSWORD });
  }, 180_000);

  afterAll(async () => {
    await tenantPage?.context().close();
    const mine = (await mailbox.list()).filter((m) => m.to.some((t) => t.address.startsWith('throttled-')));
    await mailbox.remove(mine.map((m) => m.id));
  });

  test(
    'without a postal address the checklist fails that item and Send and Schedule stay disabled',
    async () => {
      await open(`/campaigns/${campaignId}/edit?step=checklist`, `Throttled ${run}`, tenantPage);
      await expect(tenantPage.locator('[data-check="postal_address"]').getAttribute('data-state')).resolves.toBe('fail');
      await tenantPage.getByText('Sending is blocked until this is fixed: postal address in the footer.').waitFor();
      await expect(tenantPage.getByRole('button', { name: 'Continue to sending' }).isDisabled()).resolves.toBe(true);

      await open(`/campaigns/${campaignId}/edit?step=send`, `Throttled ${run}`, tenantPage);
      await tenantPage.getByTestId('send-blocked').waitFor();
      await expect(tenantPage.getByRole('button', { name: 'Send now' }).isDisabled()).resolves.toBe(true);
      await expect(tenantPage.getByRole('button', { name: 'Schedule' }).isDisabled()).resolves.toBe(true);
      await expectAccessible('campaign-send-blocked', tenantPage);
    },
    JOURNEY_TIMEOUT,
  );

  test(
    'with the address added it sends at the warm-up rate; pause and resume take effect, cancel asks first',
    async () => {
      const address = { line1: '1 Test Street', city: 'Testville', postal_code: '12345', country: 'DE' };
      const patched = await request(tenant, '/v1/tenant', { method: 'PATCH', json: { postal_address: address } });
      expect(patched.status, JSON.stringify(patched.body)).toBe(200);

      await open(`/campaigns/${campaignId}/edit?step=send`, `Throttled ${run}`, tenantPage);
      await expect(tenantPage.getByTestId('send-recipients').textContent()).resolves.toBe('60 recipients');
      await tenantPage.getByRole('button', { name: 'Send now' }).click();
      await tenantPage.getByRole('dialog', { name: `Send “Throttled ${run}” now?` }).getByRole('button', { name: 'Send to 60 recipients' }).click();
      await tenantPage.waitForURL(/\/campaigns\/cmp_[^/?]+$/);

      // The first warm-up hour allows 50: the rest waits, and the page says at what rate.
      await expect.poll(() => tenantPage.getByTestId('throttle').textContent(), { timeout: 30_000 }).toMatch(/^Sending at 50\/h — /);
      await tenantPage.getByRole('button', { name: 'Pause' }).click();
      await toasts(tenantPage).getByText('Paused: nothing more goes out until you resume.').waitFor();
      await tenantPage.locator('[data-testid="campaign-progress"][data-status="paused"]').waitFor();
      await expect.poll(() => tenantPage.getByTestId('throttle').textContent()).toMatch(/^Paused — \d+ remaining$/);
      await expectAccessible('campaign-paused', tenantPage);

      await tenantPage.getByRole('button', { name: 'Resume' }).click();
      await toasts(tenantPage).getByText('Sending again.').waitFor();
      await tenantPage.locator('[data-testid="campaign-progress"][data-status="sending"]').waitFor();
      const state = await request(tenant, `/v1/campaigns/${campaignId}`);
      expect(state.body.status).toBe('sending');
      expect(state.body.progress.remaining).toBeGreaterThan(0);

      await tenantPage.getByRole('button', { name: 'Cancel campaign' }).click();
      await tenantPage.getByRole('dialog', { name: `Cancel “Throttled ${run}”?` }).getByRole('button', { name: 'Cancel campaign' }).click();
      await toasts(tenantPage).getByText('Cancelled: nothing more is sent.').waitFor();
      await tenantPage.locator('[data-testid="campaign-progress"][data-status="cancelled"]').waitFor();
    },
    JOURNEY_TIMEOUT,
  );

  test(
    'the overview shows sender health in words and icons, and the plan page the usage and warm-up',
    async () => {
      await open('/', `Welcome to ${tenantName}`, tenantPage);
      const health = tenantPage.getByTestId('sender-health');
      await health.getByText('Bounce rate').waitFor();
      await health.getByText(/^Day 1 of 7: 50\/h now\./).waitFor();
      await expectAccessible('overview-sender-health', tenantPage);

      await open('/settings/plan', 'Plan and usage', tenantPage);
      await tenantPage.locator('[data-usage="Contacts"]').getByText('60 of 500 (12 %)').waitFor();
      await tenantPage.getByRole('region', { name: 'Plan comparison' }).getByText('Your plan').waitFor();
      await expectAccessible('plan-and-usage', tenantPage);
    },
    JOURNEY_TIMEOUT,
  );
});

describe('transports', () => {
  const name = `Sink ${randomUUID().slice(0, 8)}`;

  test(
    'an SMTP transport pointed at the sink is added with its secret write-only, tests its connection, and is deleted after a confirmation',
    async () => {
      await open('/transports', 'Transports');
      await page.getByRole('button', { name: 'Add transport' }).click();
      const dialog = page.getByRole('dialog', { name: 'Add a transport' });
      await dialog.getByLabel('Name', { exact: true }).fill(name);
      await expect(dialog.getByLabel('Kind').inputValue()).resolves.toBe('smtp');
      await dialog.getByLabel('Host').fill(stack().smtp.host);
      await dialog.getByLabel('Port').fill(String(stack().smtp.port));
      await dialog.getByLabel('Security').selectOption('none');
      await expect(dialog.getByLabel('Password').getAttribute('type')).resolves.toBe('password');
      await expectAccessible('transport-add');
      await dialog.getByRole('button', { name: 'Add transport' }).click();
      await toasts().getByText(`Transport “${name}” added: test its connection, then route mail through it.`).waitFor();

      const card = page.locator(`[data-transport="${name}"]`);
      await card.getByText(`${stack().smtp.host}:${stack().smtp.port} (no encryption)`).waitFor();
      await card.getByRole('button', { name: `Test connection of ${name}` }).click();
      await card.getByTestId('transport-test-result').getByText(/^Connected: /).waitFor({ timeout: 20_000 });
      await expectAccessible('transports');

      // Routed, it cannot be deleted: the API's reason is shown as it says it.
      const routing = page.getByRole('region', { name: 'Routing' });
      await routing.getByRole('button', { name: 'Add route' }).click();
      await routing.getByRole('combobox', { name: 'Transport', exact: true }).selectOption({ label: name });
      await routing.getByRole('button', { name: 'Save routing' }).click();
      await toasts().getByText('Routing saved.').waitFor();
      await card.getByRole('button', { name: `Delete ${name}` }).click();
      const refused = page.getByRole('dialog', { name: `Delete ${name}?` });
      await refused.getByRole('button', { name: 'Delete transport' }).click();
      await refused.getByText('This transport carries marketing mail from any domain. Route that mail elsewhere before deleting it.').waitFor();
      await refused.getByRole('button', { name: 'Cancel' }).click();
      await routing.getByRole('button', { name: 'Remove route 1' }).click();
      await routing.getByRole('button', { name: 'Save routing' }).click();
      await toasts().getByText('Routing saved: all mail goes through the platform relay.').waitFor();

      await card.getByRole('button', { name: `Delete ${name}` }).click();
      await page.getByRole('dialog', { name: `Delete ${name}?` }).getByRole('button', { name: 'Delete transport' }).click();
      await toasts().getByText('Transport deleted.').waitFor();
      await expect.poll(() => page.locator(`[data-transport="${name}"]`).count()).toBe(0);
    },
    JOURNEY_TIMEOUT,
  );
});

describe('the super-admin panel', () => {
  let adminPage: Page;

  beforeAll(async () => {
    adminPage = await (await session.browser.newContext({ viewport: DESKTOP })).newPage();
    const admin = login('admin@edgepost.test');
    await adminPage.goto(dashboardUrl('/login'));
    await adminPage.getByLabel('Email').fill(admin.email);
    await adminPage.getByLabel('Password').fill(admin.password);
    await adminPage.getByRole('button', { name: 'Sign in' }).click();
    const totp = new TOTP({ secret: Secret.fromBase32(admin.totpSecret!), digits: 6, period: 30, algorithm: 'SHA1' });
    // A code of a step used before (another test signed in within 30 s) is refused as a replay: then the next step's.
    for (const at of [Date.now(), Date.now() + 30_000]) {
      await adminPage.getByLabel('Authentication code').fill(totp.generate({ timestamp: at }));
      await adminPage.getByRole('button', { name: 'Verify and sign in' }).click();
      const signedIn = await adminPage.waitForURL(dashboardUrl('/'), { timeout: 15_000 }).then(() => true, () => false);
      if (signedIn) break;
    }
    expect(new URL(adminPage.url()).pathname).toBe('/');
  }, 120_000);

  afterAll(async () => {
    await adminPage?.context().close();
  });

  test(
    'the kill switch needs a typed reason to engage, shows it while on, and is released after a confirmation',
    async () => {
      await open('/admin', 'Platform overview', adminPage);
      const card = adminPage.getByTestId('kill-switch');
      await expect(card.getAttribute('data-engaged')).resolves.toBe('false');
      await expectAccessible('admin-overview', adminPage);

      await card.getByRole('button', { name: 'Stop all sending' }).click();
      const dialog = adminPage.getByRole('dialog', { name: 'Stop all sending on the platform?' });
      // Without a reason the form does not go: the dialog stays and nothing is engaged.
      await dialog.getByRole('button', { name: 'Stop all sending' }).click();
      await expect(dialog.isVisible()).resolves.toBe(true);
      await expect(card.getAttribute('data-engaged')).resolves.toBe('false');
      const reason = `E2E drill ${randomUUID().slice(0, 8)}`;
      await dialog.getByLabel('Reason (required)').fill(reason);
      await expectAccessible('admin-kill-switch-dialog', adminPage);
      await dialog.getByRole('button', { name: 'Stop all sending' }).click();
      await toasts(adminPage).getByText('All sending is stopped.').waitFor();
      await expect.poll(() => card.getAttribute('data-engaged')).toBe('true');
      await card.getByText(reason, { exact: false }).waitFor();
      const status = await request(demo, '/v1/sending/status');
      expect(status.body.stopped).toMatchObject({ engaged: true, scope: 'platform' });

      await card.getByRole('button', { name: 'Release the kill switch' }).click();
      await adminPage.getByRole('dialog', { name: 'Release the kill switch?' }).getByRole('button', { name: 'Resume all sending' }).click();
      await toasts(adminPage).getByText('Sending resumed on the platform.').waitFor();
      await expect.poll(() => card.getAttribute('data-engaged')).toBe('false');
      expect((await request(demo, '/v1/sending/status')).body.stopped.engaged).toBe(false);
    },
    JOURNEY_TIMEOUT,
  );

  test(
    'a tenant’s page shows its usage; a downgrade its usage does not fit lists what blocks it',
    async () => {
      await open('/admin/tenants', 'Tenants', adminPage);
      await adminPage.getByRole('link', { name: 'Demo Company' }).click();
      await adminPage.getByRole('heading', { level: 1, name: 'Demo Company' }).waitFor();
      await adminPage.waitForLoadState('networkidle');
      await adminPage.locator('[data-usage="Contacts"]').waitFor();
      await expectAccessible('admin-tenant', adminPage);
      // The demo workspace sends from its own verified domain: the free plan allows none.
      await adminPage.getByRole('combobox', { name: 'Plan' }).selectOption('free');
      await adminPage.getByRole('button', { name: 'Change plan' }).click();
      const blockers = adminPage.getByTestId('plan-blockers');
      await blockers.getByText('Sending domains').waitFor();
      await toasts(adminPage).getByText(/^The tenant uses more than the Free plan allows/).waitFor();
      expect((await request(demo, '/v1/plans')).body.current_plan_id).toBe('pro');
    },
    JOURNEY_TIMEOUT,
  );
});

describe('on a phone', () => {
  test('the delivery pages fit a 375 px screen', async () => {
    await page.setViewportSize(PHONE);
    const pages = { overview: '/', campaigns: '/campaigns', 'campaign-new': '/campaigns/new', plan: '/settings/plan', transports: '/transports', ...(sentCampaignUrl ? { campaign: sentCampaignUrl } : {}) };
    for (const [name, url] of Object.entries(pages)) {
      await page.goto(url.startsWith('http') ? url : dashboardUrl(url));
      await page.waitForLoadState('load');
      expect(await page.evaluate(() => document.documentElement.scrollWidth), url).toBeLessThanOrEqual(PHONE.width);
      await page.screenshot({ path: path.join(SCREENSHOT_DIR, `phone-${name}.png`), fullPage: true });
    }
    await page.setViewportSize(DESKTOP);
  });
});
