import path from 'node:path';
import { Secret, TOTP } from 'otpauth';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { SCREENSHOT_DIR, expectAccessible as expectAccessibleOn, dashboardUrl, fetchJson, launchBrowser, linksIn, mailbox, uniqueEmail } from './helpers';

/**
 * Accounts, workspace settings, onboarding and notifications in a real browser. Every test signs
 * up its own user (so none depends on another) and gets a fresh browser context.
 */
const DESKTOP = { width: 1280, height: 860 };
const PHONE = { width: 390, height: 844 };
const PASSWORD = 'correct horse battery staple rockets';
/** The only token the development CAPTCHA stand-in accepts (Cloudflare's documented dummy). */
const STAND_IN_TOKEN = 'XXXX.DUMMY.TOKEN.XXXX';

let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

async function freshPage() {
  context = await browser.newContext({ viewport: DESKTOP });
  page = await context.newPage();
  return page;
}

afterEach(async () => {
  await context?.close();
});

/** Dialogs, menus and the bell open from React handlers: wait until the page's scripts have run. */
const waitForHydration = () => page.waitForLoadState('networkidle');

/** A new tenant and owner through the API, for tests whose subject is not the signup itself. */
async function signUpViaApi(prefix: string) {
  const email = uniqueEmail(prefix);
  const tenantName = `${prefix} ${Date.now().toString(36)}`;
  const res = await fetchJson<{ tenant: { id: string; slug: string } }>('/v1/auth/signup', {
    method: 'POST',
    json: { tenant_name: tenantName, email, password: PASSWORD, name: 'Road Runner', captcha_token: STAND_IN_TOKEN },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { email, tenantName, tenantId: res.body.tenant.id, slug: res.body.tenant.slug };
}

async function signInWithPassword(email: string) {
  await page.goto(dashboardUrl('/login'));
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForLoadState('networkidle');
  // All e2e sign-ins come from one IP: after failures elsewhere in the suite the API may ask for the CAPTCHA.
  const captcha = page.getByRole('checkbox', { name: "I'm not a robot (development stand-in)" });
  if (await captcha.isVisible()) {
    await page.getByLabel('Password').fill(PASSWORD);
    await captcha.check();
    await page.getByRole('button', { name: 'Sign in' }).click();
  }
}

async function signIn(email: string, tenantName: string) {
  await signInWithPassword(email);
  await page.getByRole('heading', { level: 1, name: `Welcome to ${tenantName}` }).waitFor();
}

async function signOut() {
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await page.waitForURL(dashboardUrl('/login'));
}

const step = (key: string) => page.locator(`[data-step="${key}"]`);
const isDone = async (key: string) => (await step(key).getAttribute('class'))?.includes('checklist__item--done') ?? false;

const totpFor = (secret: string) => new TOTP({ algorithm: 'SHA1', digits: 6, period: 30, secret: Secret.fromBase32(secret) });

const expectAccessible = (name: string) => expectAccessibleOn(page, name);

describe('accounts and onboarding', () => {
  test('sign up with the CAPTCHA stand-in, then the onboarding checklist ticks as email and organisation are done', async () => {
    await freshPage();
    const email = uniqueEmail('onboarding');
    const tenantName = `Onboarding ${Date.now().toString(36)}`;
    await page.goto(dashboardUrl('/signup'));
    await page.getByLabel('Workspace name').fill(tenantName);
    await page.getByLabel('Your name').fill('Wile E. Coyote');
    await page.getByLabel('Work email').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    // Without the CAPTCHA the API refuses the signup, and the form says so.
    await page.getByRole('button', { name: 'Create workspace' }).click();
    await page.getByText('Complete this check to continue.').waitFor();
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('checkbox', { name: "I'm not a robot (development stand-in)" }).check();
    await page.getByRole('button', { name: 'Create workspace' }).click();
    await page.getByRole('heading', { level: 1, name: `Welcome to ${tenantName}` }).waitFor();

    await page.getByRole('heading', { name: 'Getting started' }).waitFor();
    expect(await isDone('confirm_email')).toBe(false);
    expect(await isDone('organisation')).toBe(false);
    expect(await step('first_campaign').getByRole('link', { name: 'Send your first campaign: start' }).getAttribute('href')).toBe('/campaigns/new');
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'onboarding-desktop.png'), fullPage: true });

    const mail = await mailbox.waitFor({ to: email, subject: 'Confirm your email address' });
    const link = linksIn(mail).find((l) => l.includes('/verify-email?token='));
    expect(link).toBeTruthy();
    await page.goto(link!);
    await page.getByRole('button', { name: 'Confirm my email address' }).click();
    await page.waitForURL(dashboardUrl('/'));
    await step('confirm_email').waitFor();
    expect(await isDone('confirm_email')).toBe(true);

    await step('organisation').getByRole('link').click();
    await page.waitForURL(dashboardUrl('/settings'));
    await page.getByLabel('Address line 1').fill('1 Canyon Road');
    await page.getByLabel('City').fill('Phoenix');
    await page.getByLabel('State or region (optional)').fill('AZ');
    await page.getByLabel('Postal code').fill('85001');
    await page.getByLabel('Country', { exact: true }).selectOption('US');
    await page.getByLabel('Country of the organisation').selectOption('US');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Workspace settings saved.').waitFor();

    const tenant = await page.getByLabel('Address line 1').inputValue();
    expect(tenant).toBe('1 Canyon Road');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Overview' }).click();
    await page.waitForURL(dashboardUrl('/'));
    await step('organisation').waitFor();
    expect(await isDone('organisation')).toBe(true);
    expect(await isDone('confirm_email')).toBe(true);
  });

  test('two-factor authentication: enrol in the browser, then sign in with a TOTP code and with a backup code', async () => {
    await freshPage();
    const { email, tenantName } = await signUpViaApi('twofactor');
    await signIn(email, tenantName);

    await page.goto(dashboardUrl('/account'));
    await waitForHydration();
    await page.getByRole('button', { name: 'Set up two-factor authentication' }).click();
    const enrol = page.getByRole('dialog', { name: 'Set up your authenticator app' });
    const secret = ((await enrol.getByTestId('totp-secret').textContent()) ?? '').trim();
    expect(secret).toMatch(/^[A-Z2-7]+=*$/);
    expect(await enrol.getByRole('img', { name: /QR code/ }).getAttribute('src')).toMatch(/^data:image\/svg\+xml;base64,/);
    const totp = totpFor(secret);
    await enrol.getByLabel('Code from your authenticator app').fill(totp.generate());
    await enrol.getByRole('button', { name: 'Turn on' }).click();

    const codesList = page.getByTestId('backup-codes');
    await codesList.waitFor();
    const backupCodes = (await codesList.locator('code').allTextContents()).map((c) => c.trim());
    expect(backupCodes).toHaveLength(10);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'backup-codes.png') });
    await page.getByRole('button', { name: 'I have saved them' }).click();
    await page.getByText('10 of 10 backup codes left').waitFor();

    // Sign in again: the password, then a code (the next step's: the API refuses a step used before).
    await signOut();
    await signInWithPassword(email);
    await page.getByRole('heading', { name: 'Two-factor authentication' }).waitFor();
    expect(await page.content()).not.toContain('mfa_token');
    await page.getByLabel('Authentication code').fill('000000');
    await page.getByRole('button', { name: 'Verify and sign in' }).click();
    await page.getByText('That code is not valid.').waitFor();
    await page.getByLabel('Authentication code').fill(totp.generate({ timestamp: Date.now() + 30_000 }));
    await page.getByRole('button', { name: 'Verify and sign in' }).click();
    await page.getByRole('heading', { level: 1, name: `Welcome to ${tenantName}` }).waitFor();

    // And once with a backup code instead of the app.
    await signOut();
    await signInWithPassword(email);
    await page.getByLabel('Authentication code').fill(backupCodes[0]!);
    await page.getByRole('button', { name: 'Verify and sign in' }).click();
    await page.getByRole('heading', { level: 1, name: `Welcome to ${tenantName}` }).waitFor();
    await page.goto(dashboardUrl('/account'));
    await page.getByText('9 of 10 backup codes left').waitFor();
  });

  test('after repeated failed sign-ins the login form asks for the CAPTCHA, and passing it signs in', async (ctx) => {
    await freshPage();
    const { email, tenantName } = await signUpViaApi('captcha');
    // The failures come from a documentation address, so the IP that every other e2e sign-in shares stays clean.
    const elsewhere = { 'cf-connecting-ip': '198.51.100.23' };
    const fail = (ip = elsewhere['cf-connecting-ip']) =>
      fetchJson('/v1/auth/login', { method: 'POST', headers: { 'cf-connecting-ip': ip }, json: { email, password: 'not the password at all' } });
    const first = await fail();
    expect(first.status, JSON.stringify(first.body)).toBe(401);
    const owner = await fetchJson<{ token: string }>('/v1/auth/login', { method: 'POST', headers: elsewhere, json: { email, password: PASSWORD } });
    const audit = await fetchJson<{ data: { action: string; ip: string | null }[] }>('/v1/audit-log', { token: owner.body.token });
    const failure = audit.body.data.find((e) => e.action === 'auth.login_failed');
    // Only meaningful where the API sees the forwarded address (as behind Cloudflare); locally wrangler may overwrite it.
    if (failure?.ip !== elsewhere['cf-connecting-ip']) ctx.skip();
    // Three failures of the account, each from its own address: the account's count is what asks for the CAPTCHA.
    for (let i = 0; i < 3; i++) expect((await fail(`198.51.100.${30 + i}`)).status).toBe(401);

    await page.goto(dashboardUrl('/login'));
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const captcha = page.getByRole('checkbox', { name: "I'm not a robot (development stand-in)" });
    await captcha.waitFor();
    await page.getByText('Several sign-ins failed. Please confirm you are not a robot.').waitFor();
    await page.getByLabel('Password').fill(PASSWORD);
    await captcha.check();
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: `Welcome to ${tenantName}` }).waitFor();
  });

  test('a second workspace is created from the switcher, and the user switches back', async () => {
    await freshPage();
    const { email, tenantName } = await signUpViaApi('workspaces');
    await signIn(email, tenantName);
    await waitForHydration();
    const second = `Second ${Date.now().toString(36)}`;

    await page.getByRole('button', { name: /switch workspace/ }).click();
    await page.getByRole('button', { name: 'Create workspace' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create a workspace' });
    await dialog.getByLabel('Workspace name').fill(second);
    await dialog.getByRole('button', { name: 'Create workspace' }).click();
    await page.getByRole('heading', { level: 1, name: `Welcome to ${second}` }).waitFor();
    expect(await dialog.isVisible()).toBe(false);

    await page.getByRole('button', { name: /switch workspace/ }).click();
    await page.getByRole('button', { name: `Switch to ${tenantName}` }).click();
    await page.getByRole('heading', { level: 1, name: `Welcome to ${tenantName}` }).waitFor();
    await page.getByRole('button', { name: /switch workspace/ }).click();
    await page.getByRole('button', { name: `Switch to ${second}` }).waitFor();
  });

  test('the bell shows the welcome notification, and mark-all-read empties the count', async () => {
    await freshPage();
    const { email, tenantName } = await signUpViaApi('bell');
    await signIn(email, tenantName);
    // The welcome notification is written by the queue consumer: reload until it is there.
    const bell = page.getByRole('button', { name: /^Notifications, \d+ unread$/ });
    for (let attempt = 0; attempt < 20 && (await bell.getAttribute('aria-label')) === 'Notifications, 0 unread'; attempt++) {
      await page.waitForTimeout(500);
      await page.reload();
    }
    expect(await bell.getAttribute('aria-label')).toBe('Notifications, 1 unread');
    await waitForHydration();

    await bell.click();
    const panel = page.getByRole('dialog', { name: 'Notifications' });
    await panel.getByText(/Welcome to Edgepost/).waitFor();
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'bell-open-desktop.png') });
    await page.keyboard.press('Escape');
    await panel.waitFor({ state: 'hidden' });
    expect(await bell.evaluate((el) => el === document.activeElement)).toBe(true);

    await bell.click();
    await panel.getByRole('button', { name: 'Mark all as read' }).click();
    await page.getByRole('button', { name: 'Notifications, 0 unread' }).waitFor();
  });

  test.each([
    ['account', '/account', 'Your account'],
    ['settings', '/settings', 'Workspace settings'],
    ['overview', '/', null],
  ] as const)('the %s page is accessible in light and dark, on desktop and phone', async (name, url, heading) => {
    await freshPage();
    const { email, tenantName } = await signUpViaApi(`a11y-${name}`);
    await signIn(email, tenantName);
    const title = page.getByRole('heading', { level: 1, name: heading ?? `Welcome to ${tenantName}` });
    await page.goto(dashboardUrl(url));
    await title.waitFor();
    await expectAccessible(name);
    await page.setViewportSize(PHONE);
    await page.reload();
    await title.waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth), `${name} on a phone`).toBeLessThanOrEqual(PHONE.width);
    await expectAccessible(`${name}-phone`);
  });
});
