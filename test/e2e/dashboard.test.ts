import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { SCREENSHOT_DIR, expectAccessible as expectAccessibleOn, dashboardUrl, fetchJson, launchBrowser, uniqueEmail } from './helpers';

/**
 * The dashboard in a real browser against the e2e stack: sign up, create an API key and use it,
 * accessibility of the main pages in both colour schemes, and the phone navigation.
 * Screenshots land in SCREENSHOT_DIR for a human look.
 */
const DESKTOP = { width: 1280, height: 860 };
const PHONE = { width: 390, height: 844 };

let browser: Browser;
let page: Page;

const tenantName = `Acme ${Date.now().toString(36)}`;
const email = uniqueEmail('dashboard');
const password = 'correct horse battery staple rockets';

beforeAll(async () => {
  browser = await launchBrowser();
  page = await (await browser.newContext({ viewport: DESKTOP })).newPage();
});

afterAll(async () => {
  await browser?.close();
});

/** Dialogs and the menu open from React handlers: wait until the page's scripts have loaded and run. */
const waitForHydration = () => page.waitForLoadState('networkidle');

const expectAccessible = (name: string) => expectAccessibleOn(page, name);

describe('dashboard', () => {
  test('the sign-in page is accessible', async () => {
    await page.goto(dashboardUrl('/login'));
    await expect(page.getByRole('heading', { name: 'Sign in to Edgepost' }).isVisible()).resolves.toBe(true);
    await expectAccessible('login');
  });

  test('a new tenant signs up through the dashboard', async () => {
    await page.goto(dashboardUrl('/signup'));
    await page.getByLabel('Workspace name').fill(tenantName);
    await page.getByLabel('Your name').fill('Wile E. Coyote');
    await page.getByLabel('Work email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('checkbox', { name: "I'm not a robot (development stand-in)" }).check();
    await page.getByRole('button', { name: 'Create workspace' }).click();
    await page.waitForURL(dashboardUrl('/'));
    await page.getByRole('heading', { name: `Welcome to ${tenantName}` }).waitFor();
  });

  test('an API key is created, its secret shown once, and the secret works against the API', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'API keys' }).click();
    await page.waitForURL(dashboardUrl('/api-keys'));
    await waitForHydration();
    await page.getByRole('button', { name: 'Create API key' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'Create an API key' });
    await dialog.getByLabel('Name').fill('E2E backend');
    await dialog.getByLabel('tenant:read').check();
    await dialog.getByRole('button', { name: 'Create key' }).click();

    const secretElement = page.getByTestId('api-key-secret');
    await secretElement.waitFor();
    const secret = (await secretElement.textContent())?.trim() ?? '';
    expect(secret).toMatch(/^ep_live_/);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'api-key-secret.png') });

    await page.getByRole('button', { name: 'I have stored it' }).click();
    await page.getByRole('row', { name: /E2E backend/ }).waitFor();
    // Once: neither the list nor a fresh load of the page carries the secret again.
    expect(await page.content()).not.toContain(secret);
    await page.reload();
    await page.getByRole('row', { name: /E2E backend/ }).waitFor();
    expect(await page.content()).not.toContain(secret);

    const me = await fetchJson<{ tenant: { name: string }; api_key_id: string | null }>('/v1/me', { token: secret });
    expect(me.status).toBe(200);
    expect(me.body.tenant.name).toBe(tenantName);
    expect(me.body.api_key_id).toBeTruthy();
  });

  test.each([
    ['members', '/members', 'Members'],
    ['api-keys', '/api-keys', 'API keys'],
    ['design-system', '/design-system', 'Design system'],
  ])('the %s page is accessible', async (name, url, heading) => {
    await page.goto(dashboardUrl(url));
    await page.getByRole('heading', { level: 1, name: heading }).waitFor();
    await expectAccessible(name);
  });

  test('on a phone the navigation collapses into a menu button', async () => {
    await page.setViewportSize(PHONE);
    await page.goto(dashboardUrl('/members'));
    await waitForHydration();
    const menu = page.getByRole('button', { name: 'Menu' });
    const apiKeysLink = page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'API keys' });
    await expect(menu.isVisible()).resolves.toBe(true);
    await expect(apiKeysLink.isVisible()).resolves.toBe(false);
    expect(await menu.getAttribute('aria-expanded')).toBe('false');

    await menu.click();
    expect(await menu.getAttribute('aria-expanded')).toBe('true');
    await apiKeysLink.waitFor({ state: 'visible' });
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'phone-menu-open.png') });

    // No sideways scrolling on a phone: the page is as wide as the screen.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);

    await page.keyboard.press('Escape');
    await apiKeysLink.waitFor({ state: 'hidden' });
    await page.setViewportSize(DESKTOP);
  });
});
