import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { SCREENSHOT_DIR, dashboardUrl, demoOwnerPage, expectAccessible as expectAccessibleOn, login, mailbox, uniqueEmail } from './helpers';

/**
 * The template and sending-domain screens in a real browser, as the seeded demo owner (a paid
 * plan): a template made from a starter is edited in the code view while the sandboxed preview
 * follows, saved, restored from its history, opened in the visual editor; then a local `.test`
 * domain is added, published to the development DNS zone and verified. The template steps build
 * on each other, in order.
 */
const DESKTOP = { width: 1440, height: 900 };
const PHONE = { width: 390, height: 844 };
/** Long journeys (many pages, axe twice on each) on a loaded 2-core machine. */
const JOURNEY_TIMEOUT = 150_000;
/** GrapesJS is a large chunk, parsed on first use. */
const VISUAL_EDITOR_TIMEOUT = 45_000;

const session = demoOwnerPage('templates', DESKTOP);
let page: Page;
beforeAll(() => {
  page = session.page;
});

/**
 * After a full page load only: a client-side navigation renders with React already running, and
 * Playwright's network idle can wait forever on the sandboxed srcdoc frames such a render creates.
 */
const waitForHydration = () => page.waitForLoadState('networkidle');
/** Tenant HTML in the sandboxed preview frames is the tenant's, not the dashboard's, to make accessible. */
const expectAccessible = (name: string) => expectAccessibleOn(page, name, { exclude: ['.preview-frame'] });
const toasts = () => page.getByRole('region', { name: 'Notifications' });

async function open(url: string, heading: string | RegExp) {
  await page.goto(dashboardUrl(url));
  try {
    await page.getByRole('heading', { level: 1, name: heading }).waitFor();
  } catch (error) {
    const shown = await page
      .locator('main')
      .first()
      .innerText()
      .catch(() => '(no main element)');
    throw new Error(`${url} did not show the heading "${heading}"; it showed:\n${shown.slice(0, 600)}`, { cause: error });
  }
  await waitForHydration();
}

/** The editor's preview frame (not the version drawer's, nor the gallery's thumbnails). */
const previewFrame = (): Locator => page.getByRole('region', { name: 'Preview' }).locator('iframe');
const srcdoc = async (frame: Locator) => (await frame.getAttribute('srcdoc')) ?? '';

describe('templates', () => {
  let editorUrl = '';
  let starterSubject = '';

  test(
    'the list leads to the starter gallery, whose thumbnails are sandboxed; a starter becomes a template',
    async () => {
      await open('/templates', 'Templates');
      await expectAccessible('templates-list');
      await page.getByRole('link', { name: 'New template' }).first().click();
      await page.getByRole('heading', { level: 1, name: 'New template' }).waitFor();

      const thumbnails = page.locator('.gallery iframe');
      await expect.poll(() => thumbnails.count()).toBeGreaterThan(0);
      for (const sandbox of await thumbnails.evaluateAll((frames) => frames.map((f) => f.getAttribute('sandbox')))) expect(sandbox).toBe('');

      const use = page.getByRole('button', { name: /^Use this starter: / }).first();
      const starterName = (await use.getAttribute('aria-label'))!.replace(/^Use this starter: /, '');
      await use.click();
      await page.waitForURL(/\/templates\/tpl_/);
      editorUrl = page.url();
      await page.getByRole('heading', { level: 1, name: starterName }).waitFor();
      await toasts()
        .getByText(/created: make it yours, then save\.$/)
        .waitFor();
      starterSubject = await page.getByLabel('Subject', { exact: true }).inputValue();
      expect(starterSubject).not.toBe('');
      await expectAccessible('template-editor');
    },
    JOURNEY_TIMEOUT,
  );

  test(
    'editing the subject and the HTML changes the preview, which never runs a script',
    async () => {
      const frame = previewFrame();
      // Exactly `sandbox=""`: no allow-scripts, no allow-same-origin, nothing else.
      await expect(frame.getAttribute('sandbox')).resolves.toBe('');

      const marker = `Hello from the browser test ${randomUUID().slice(0, 8)}`;
      await page.getByLabel('Subject', { exact: true }).fill(`E2E subject for {{ first_name | default: "you" }}`);
      await expect.poll(() => page.getByTestId('preview-subject').textContent(), { timeout: 15_000 }).toMatch(/^E2E subject for /);

      await page
        .getByLabel('HTML', { exact: true })
        .fill(
          [
            '<!DOCTYPE html><html><head><title>e2e</title></head><body>',
            `<h1 id="marker">${marker}</h1>`,
            '<script>document.getElementById("marker").textContent = "script ran"</script>',
            '<img src="x" onerror="document.getElementById(\'marker\').textContent = \'onerror ran\'">',
            '</body></html>',
          ].join(''),
        );
      await expect.poll(() => srcdoc(frame), { timeout: 15_000 }).toContain(marker);
      // The sanitizer dropped the script and the handler, and says so next to the editor.
      expect(await srcdoc(frame)).not.toContain('<script');
      expect(await srcdoc(frame)).not.toContain('onerror');
      await page.getByTestId('template-warnings').waitFor();

      // Even content that got past the sanitizer would not run: the frame itself refuses scripts.
      await frame.evaluate((element: HTMLIFrameElement, text) => {
        element.srcdoc = `<h1 id="marker">${text}</h1><script>document.getElementById("marker").textContent = "script ran"</script>`;
      }, marker);
      // An inline script runs while its document is parsed, before anything after it: once the page
      // shows the heading, the script's turn has passed.
      const content = page.frameLocator('.template-preview iframe').locator('#marker');
      await expect.poll(() => content.textContent(), { timeout: 10_000 }).toBe(marker);

      // Phone width, then back to desktop; dark mode marks the document as dark.
      const desktopWidth = (await frame.boundingBox())!.width;
      await page.getByRole('button', { name: 'Phone', exact: true }).click();
      await expect.poll(async () => (await previewFrame().boundingBox())?.width).toBe(375);
      expect(desktopWidth).toBeGreaterThanOrEqual(600);
      await page.getByRole('button', { name: 'Desktop', exact: true }).click();
      // The switch's input is visually hidden under its track: the label is what people click.
      await page.getByText('Dark mode', { exact: true }).click();
      await expect(page.getByRole('switch', { name: 'Dark mode' }).isChecked()).resolves.toBe(true);
      await expect.poll(() => srcdoc(previewFrame())).toContain('<meta name="color-scheme" content="dark">');
      await page.getByText('Dark mode', { exact: true }).click();
      await expect.poll(() => srcdoc(previewFrame())).not.toContain('<meta name="color-scheme" content="dark">');
    },
    JOURNEY_TIMEOUT,
  );

  test(
    'save makes version 2; the history shows both and restores version 1 as version 3',
    async () => {
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      await toasts().getByText('Saved as version 2.').waitFor();
      await page
        .getByText(/^Version 2/)
        .first()
        .waitFor();

      await page.getByRole('button', { name: 'Version history' }).click();
      const drawer = page.getByRole('dialog', { name: 'Version history' });
      await drawer.getByText('Version 2').first().waitFor();
      await drawer.getByRole('button', { name: 'View version 1' }).click();
      const versionFrame = drawer.locator('iframe');
      await expect(versionFrame.getAttribute('sandbox')).resolves.toBe('');
      await expect.poll(() => srcdoc(versionFrame), { timeout: 15_000 }).not.toBe('');
      await expectAccessible('template-history');

      await drawer.getByRole('button', { name: 'Restore version 1' }).click();
      await page.getByRole('dialog', { name: 'Restore version 1?' }).getByRole('button', { name: 'Restore this version' }).click();
      await toasts().getByText('Version 1 restored as version 3.').waitFor();
      await expect.poll(() => page.getByLabel('Subject', { exact: true }).inputValue()).toBe(starterSubject);
    },
    JOURNEY_TIMEOUT,
  );

  test('the send-test dialog mails the saved template, marked as a test, to the addresses given', async () => {
    const to = uniqueEmail('template-test');
    // The saved version (3, the starter's content again) with sample data, as the preview shows it.
    const subject = (await page.getByTestId('preview-subject').textContent())!;
    await page.getByRole('button', { name: 'Send test', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Send a test email' });
    await expect(dialog.getByLabel('Send to').inputValue()).resolves.toBe(login('demo@edgepost.test').email);
    await dialog.getByLabel('Send to').fill(to);
    await dialog.getByRole('button', { name: 'Send test' }).click();
    await toasts().getByText(`Test email sent to ${to}.`).waitFor();
    const mail = await mailbox.waitFor({ to, subject: /\[Test\]/ });
    expect(mail.subject).toContain(subject);
  });

  test(
    'the visual tab loads GrapesJS on demand, its canvas beside the sandboxed preview',
    async () => {
      await page.goto(editorUrl);
      await waitForHydration();
      const loaded = () => page.evaluate(() => performance.getEntriesByType('resource').some((r) => /\/grapes-[\w-]+\.js$/.test(r.name)));
      expect(await loaded(), 'GrapesJS is not part of the code view').toBe(false);
      await page.getByRole('tab', { name: 'Visual' }).click();
      await page.locator('.visual-editor[data-state="ready"] .gjs-frame').waitFor({ timeout: VISUAL_EDITOR_TIMEOUT });
      expect(await loaded()).toBe(true);
      await expect(previewFrame().getAttribute('sandbox')).resolves.toBe('');
      await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'template-visual-editor.png') });
    },
    JOURNEY_TIMEOUT,
  );
});

describe('sending domains', () => {
  test(
    'a local .test domain is added, published to the development DNS zone and verified',
    async () => {
      const domain = `e2e-${randomUUID().slice(0, 8)}.test`;
      await open('/domains', 'Sending domains');
      await page.getByLabel('Domain', { exact: true }).fill(domain);
      await page.getByRole('button', { name: 'Add domain' }).click();
      await toasts().getByText(`${domain} added: publish its DNS records, then verify.`).waitFor();
      const card = page.locator(`[data-domain="${domain}"]`);
      await card.getByText('Pending', { exact: true }).waitFor();
      const records = card.getByRole('region', { name: `DNS records for ${domain}` });
      await expect.poll(() => records.locator('tbody tr').count()).toBeGreaterThanOrEqual(3);
      await expect(records.locator('[data-record="dkim"] code').first().textContent()).resolves.toBe('TXT');
      await waitForHydration();
      await expectAccessible('domains-pending');

      await card.getByRole('button', { name: `Publish to local DNS: ${domain}` }).click();
      await toasts().getByText(`The records of ${domain} are in the local DNS zone: verify it now.`).waitFor();
      await card.getByRole('button', { name: `Verify: ${domain}` }).click();
      await toasts().getByText(`${domain} is verified: you can send from it.`).waitFor();
      await card.getByText('Verified', { exact: true }).waitFor();
      await expect.poll(() => records.locator('[data-record="dkim"]').getAttribute('data-ok')).toBe('true');
      await expectAccessible('domains-verified');
    },
    JOURNEY_TIMEOUT,
  );

  test('on a phone the template and domain pages fit the screen', async () => {
    await page.setViewportSize(PHONE);
    for (const url of ['/templates', '/templates/new', '/domains']) {
      await page.goto(dashboardUrl(url));
      await page.waitForLoadState('load');
      expect(await page.evaluate(() => document.documentElement.scrollWidth), url).toBeLessThanOrEqual(PHONE.width);
    }
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'phone-domains.png'), fullPage: true });
    await page.setViewportSize(DESKTOP);
  });
});
