import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { SCREENSHOT_DIR, expectAccessible as expectAccessibleOn, dashboardUrl, demoOwnerPage } from './helpers';

/**
 * The audience screens in a real browser, as the seeded demo owner. First in the seeded demo
 * workspace (500 contacts): cursor pages and "select all matching". Then in a new workspace of
 * the same owner, which starts empty: contacts (add with a typo suggestion, edit, tag, delete and
 * undo, restore from Recently deleted, bulk tag, export), the import wizard with its live
 * progress, the segment builder with its live count, lists and forms, accessibility of every new
 * page and the phone layout. The tests of the new workspace build on each other, in order.
 */
const DESKTOP = { width: 1280, height: 860 };
const PHONE = { width: 390, height: 844 };
/** Background jobs go through the local queue: allow for a slow, busy machine. */
const JOB_TIMEOUT = 45_000;
/** The longer journeys (many pages, each checked by axe twice) on a loaded 2-core machine. */
const JOURNEY_TIMEOUT = 120_000;

const session = demoOwnerPage('audience', DESKTOP);
let page: Page;
beforeAll(() => {
  page = session.page;
});

/** Dialogs and client-side steps run from React handlers: wait until the page's scripts have run. */
const waitForHydration = () => page.waitForLoadState('networkidle');
const expectAccessible = (name: string) => expectAccessibleOn(page, name);
const toasts = () => page.getByRole('region', { name: 'Notifications' });

async function open(url: string, heading: string) {
  await page.goto(dashboardUrl(url));
  try {
    await page.getByRole('heading', { level: 1, name: heading }).waitFor();
  } catch (error) {
    // Say what the page showed instead (an error page names its status), not just that it timed out.
    const shown = await page.locator('main').first().innerText().catch(() => '(no main element)');
    throw new Error(`${url} did not show the heading "${heading}"; it showed:\n${shown.slice(0, 600)}`, { cause: error });
  }
  await waitForHydration();
}

describe('the seeded demo workspace', () => {
  test('contacts page through with a cursor, and a bulk action reaches every contact matching the filter, not just the page', async () => {
    await open('/contacts', 'Contacts');
    const rows = page.getByRole('region', { name: 'Contacts' }).getByRole('row');
    await expect.poll(() => rows.count()).toBe(51);
    await page.getByRole('link', { name: 'Next page' }).click();
    await page.waitForURL(/\/contacts\?cursor=/);
    await page.getByRole('link', { name: 'First page' }).waitFor();
    await expectAccessible('contacts-demo-page-2');

    await open('/contacts?status=subscribed', 'Contacts');
    await page.getByRole('checkbox', { name: 'Select all rows on this page' }).check();
    const bulk = page.getByRole('region', { name: 'Bulk actions' });
    await bulk.getByText('50 selected').waitFor();
    await bulk.getByRole('button', { name: 'Select all contacts matching the filter' }).click();
    await bulk.getByText('All contacts matching the filter are selected').waitFor();
    await bulk.getByRole('button', { name: 'Tag', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Tag all contacts matching the filter' });
    await dialog.getByLabel('Tag').fill('e2e-everyone');
    await dialog.getByRole('button', { name: 'Add tag' }).click();
    const toast = toasts().getByText(/^Tagged \d+ contacts with “e2e-everyone”\.$/);
    await toast.waitFor();
    expect(Number((await toast.textContent())?.match(/\d+/)?.[0])).toBeGreaterThan(50);
  }, JOURNEY_TIMEOUT);
});

describe('the contacts filter by field value', () => {
  test('narrows the list to contacts with that value, and explains a value that does not fit the field', async () => {
    await open('/contacts', 'Contacts');
    const rows = page.getByRole('region', { name: 'Contacts' }).getByRole('row');
    await expect.poll(() => rows.count()).toBe(51);
    const filters = page.getByRole('form', { name: 'Search and filter contacts' });
    await filters.getByLabel('Field', { exact: true }).selectOption({ label: 'Country (ISO code)' });
    await filters.getByLabel('Field value').fill('de');
    await filters.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(/[?&]field=country&value=de/);
    await expect.poll(() => rows.count()).toBeLessThan(51);
    expect(await rows.count()).toBeGreaterThan(1);
    await expectAccessible('contacts-field-filter');

    await filters.getByLabel('Field', { exact: true }).selectOption({ label: 'Lifetime value (€)' });
    await filters.getByLabel('Field value').fill('lots');
    await filters.getByRole('button', { name: 'Apply' }).click();
    await page.getByText(/lifetime_value is a number field/).waitFor();
  }, JOURNEY_TIMEOUT);
});

describe('a new, empty workspace of the demo owner', () => {
  beforeAll(async () => {
    const name = `Audience ${Date.now().toString(36)}`;
    await open('/', 'Welcome to Demo Company');
    await page.getByRole('button', { name: /switch workspace/ }).click();
    await page.getByRole('button', { name: 'Create workspace' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create a workspace' });
    await dialog.getByLabel('Workspace name').fill(name);
    await dialog.getByRole('button', { name: 'Create workspace' }).click();
    await page.getByRole('heading', { level: 1, name: `Welcome to ${name}` }).waitFor();
  });

  test('contacts: the empty list leads to adding one; the typo suggestion fixes the address; edit, tag, delete with undo, restore', async () => {
    await open('/contacts', 'Contacts');
    await page.getByRole('heading', { name: 'No contacts yet' }).waitFor();
    await expect(page.getByRole('link', { name: 'Import contacts' }).first().isVisible()).resolves.toBe(true);
    await expectAccessible('contacts-empty');

    await page.getByRole('button', { name: 'Add contact' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'Add a contact' });
    await dialog.getByLabel('Email', { exact: true }).fill('ada.lovelace@example.c0m');
    await dialog.getByLabel('First name').fill('Ada');
    await dialog.getByRole('button', { name: 'Add contact' }).click();
    // The API refuses the address, names the field, and suggests what was meant.
    await dialog.getByText('Did you mean').waitFor();
    await expect(dialog.getByLabel('Email', { exact: true }).getAttribute('aria-invalid')).resolves.toBe('true');
    await expectAccessible('contacts-add-suggestion');
    await dialog.getByRole('button', { name: 'ada.lovelace@example.com' }).click();
    await expect(dialog.getByLabel('Email', { exact: true }).inputValue()).resolves.toBe('ada.lovelace@example.com');
    await dialog.getByRole('button', { name: 'Add contact' }).click();

    await page.waitForURL(/\/contacts\/con_/);
    const detailUrl = page.url();
    await page.getByRole('heading', { level: 1, name: 'Ada' }).waitFor();
    await toasts().getByText('ada.lovelace@example.com added.').waitFor();
    await waitForHydration();
    await expectAccessible('contact-detail');

    await page.getByLabel('Last name', { exact: true }).fill('Lovelace');
    await page.getByLabel('Company', { exact: true }).fill('Analytical Engines');
    await page.getByRole('button', { name: 'Save contact' }).click();
    await page.getByRole('heading', { level: 1, name: 'Ada Lovelace' }).waitFor();
    await toasts().getByText('Contact saved.').waitFor();
    await expect(page.getByLabel('Company', { exact: true }).inputValue()).resolves.toBe('Analytical Engines');

    await page.getByLabel('Add a tag').fill('vip');
    await page.getByRole('button', { name: 'Add tag' }).click();
    await page.getByRole('button', { name: 'Remove tag vip' }).waitFor();
    // The timeline shows what happened, newest first.
    await page.getByRole('heading', { name: 'Activity' }).waitFor();

    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.getByRole('dialog', { name: 'Delete ada.lovelace@example.com?' }).getByRole('button', { name: 'Delete contact' }).click();
    await page.waitForURL(dashboardUrl('/contacts'));
    await page.getByRole('heading', { name: 'No contacts yet' }).waitFor();
    await toasts().getByRole('button', { name: 'Undo' }).click();
    await page.waitForURL(detailUrl);
    await toasts().getByText('ada.lovelace@example.com restored.').waitFor();
    await page.getByRole('heading', { level: 1, name: 'Ada Lovelace' }).waitFor();

    // Deleted again, it waits in Recently deleted with its purge date, and comes back from there.
    await waitForHydration();
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.getByRole('dialog', { name: 'Delete ada.lovelace@example.com?' }).getByRole('button', { name: 'Delete contact' }).click();
    await page.waitForURL(dashboardUrl('/contacts'));
    await page.getByRole('link', { name: 'Recently deleted' }).click();
    await page.waitForURL(dashboardUrl('/contacts?deleted=true'));
    const row = page.getByRole('row', { name: /ada\.lovelace@example\.com/ });
    await row.waitFor();
    await expect(page.getByRole('columnheader', { name: 'Removed for good on' }).isVisible()).resolves.toBe(true);
    await expectAccessible('contacts-deleted');
    await waitForHydration();
    await row.getByRole('button', { name: 'Restore' }).click();
    await page.getByRole('dialog', { name: 'Restore ada.lovelace@example.com?' }).getByRole('button', { name: 'Restore contact' }).click();
    await toasts().getByText('ada.lovelace@example.com restored.').waitFor();
    await page.getByRole('heading', { name: 'Nothing deleted recently' }).waitFor();
  }, JOURNEY_TIMEOUT);

  test('import: a CSV goes through upload, column mapping and options, and the progress bar runs to the counters', async () => {
    const csv = path.join(tmpdir(), `edgepost-import-${Date.now()}.csv`);
    writeFileSync(
      csv,
      [
        'Email,First name,Last name,Tags',
        'bob@example.com,Bob,Builder,customer',
        'carol@example.com,Carol,Singer,customer',
        'dave@example.com,Dave,Grohl,',
        'erin@example.com,Erin,Brockovich,customer',
        'not-an-address,Nobody,Atall,',
        'bob@example.com,Bob,Again,',
      ].join('\n'),
    );
    await open('/contacts/import', 'Import contacts');
    await expectAccessible('import-upload');
    await page.getByLabel('Choose a CSV or Excel file').setInputFiles(csv);
    expect(await page.locator('.file-drop__chosen').textContent()).toMatch(/edgepost-import-\d+\.csv \(\d+ B\)/);
    await page.getByRole('button', { name: 'Upload and continue' }).click();

    // Either the next step or the reason the upload was refused.
    const mappingStep = page.getByRole('heading', { name: '2. Match the columns' });
    const refusal = page.locator('.file-drop').locator('xpath=..').getByRole('alert');
    await mappingStep.or(refusal).waitFor({ timeout: JOB_TIMEOUT });
    expect(await refusal.count(), await refusal.allInnerTexts().then((t) => t.join(' '))).toBe(0);
    await expect(page.getByLabel('Import the column Email as').inputValue()).resolves.toBe('email');
    await expect(page.getByLabel('Import the column First name as').inputValue()).resolves.toBe('first_name');
    await expectAccessible('import-mapping');
    await page.getByRole('button', { name: 'Continue' }).click();

    await page.getByRole('heading', { name: '3. Choose the options' }).waitFor();
    await page.getByLabel('Tag every imported contact (optional)').fill('imported');
    await page.getByRole('button', { name: 'Start the import' }).click();

    const bar = page.getByRole('progressbar', { name: /Importing edgepost-import-/ });
    await bar.waitFor();
    await page.locator('[data-job-status="succeeded"]').waitFor({ timeout: JOB_TIMEOUT });
    expect(await bar.getAttribute('value')).toBe('100');
    const counter = (key: string) => page.locator(`[data-counter="${key}"] dd`).textContent();
    await expect(counter('created')).resolves.toBe('4');
    await expect(counter('invalid')).resolves.toBe('1');
    await expect(counter('duplicates')).resolves.toBe('1');
    await page.getByRole('link', { name: 'Download the error report (CSV)' }).waitFor();
    await expectAccessible('import-done');
  }, JOURNEY_TIMEOUT);

  test('contacts list: search, bulk tag of the selected rows, and an export that ends with its download link', async () => {
    await open('/contacts?q=bob', 'Contacts');
    await page.getByRole('row', { name: /bob@example\.com/ }).waitFor();
    await expect(page.getByRole('row', { name: /carol@example\.com/ }).count()).resolves.toBe(0);

    await open('/contacts', 'Contacts');
    await page.getByRole('checkbox', { name: 'Select carol@example.com' }).check();
    await page.getByRole('checkbox', { name: 'Select dave@example.com' }).check();
    const bulk = page.getByRole('region', { name: 'Bulk actions' });
    await bulk.getByText('2 selected').waitFor();
    await bulk.getByRole('button', { name: 'Tag', exact: true }).click();
    const tagDialog = page.getByRole('dialog', { name: 'Tag 2 contacts' });
    await tagDialog.getByLabel('Tag').fill('newsletter-2026');
    await tagDialog.getByRole('button', { name: 'Add tag' }).click();
    await toasts().getByText('Tagged 2 contacts with “newsletter-2026”.').waitFor();
    await page.getByRole('row', { name: /dave@example\.com.*newsletter-2026/ }).waitFor();
    await expectAccessible('contacts-list');

    await page.getByRole('button', { name: 'Export', exact: true }).click();
    await page.getByRole('dialog', { name: 'Export contacts' }).getByRole('button', { name: 'Start export' }).click();
    await page.getByRole('progressbar', { name: 'Contacts export' }).waitFor();
    await page.getByRole('link', { name: 'Download CSV' }).waitFor({ timeout: JOB_TIMEOUT });
  }, JOURNEY_TIMEOUT);

  test('segments: the builder counts matching contacts live as conditions change, then saves with a preview', async () => {
    await open('/segments', 'Segments');
    await page.getByRole('heading', { name: 'No segments yet' }).waitFor();
    await page.getByRole('link', { name: 'New segment' }).first().click();
    await page.getByRole('heading', { level: 1, name: 'New segment' }).waitFor();
    await waitForHydration();
    const count = page.getByTestId('live-count');

    await page.getByLabel('Name', { exact: true }).fill('Imported customers');
    await page.getByLabel('Field of condition 1').selectOption('tag');
    await page.getByLabel('Tag of condition 1').selectOption('imported');
    await expect.poll(() => count.textContent(), { timeout: 15_000 }).toBe('4 contacts match');

    await page.getByRole('button', { name: 'Add condition', exact: true }).click();
    await page.getByLabel('Field of condition 2').selectOption('tag');
    await page.getByLabel('Tag of condition 2').selectOption('customer');
    await expect.poll(() => count.textContent(), { timeout: 15_000 }).toBe('3 contacts match');

    // A nested "any" group: customers named Bob or Erin.
    await page.getByRole('button', { name: 'Add group', exact: true }).click();
    await page.getByLabel('Field of condition 3.1').selectOption('first_name');
    await page.getByLabel('Comparison of condition 3.1').selectOption('eq');
    await page.getByLabel('Value of condition 3.1').fill('bob');
    await expect.poll(() => count.textContent(), { timeout: 15_000 }).toBe('1 contact matches');
    await expectAccessible('segment-builder');

    await page.getByRole('button', { name: 'Create segment' }).click();
    await page.waitForURL(/\/segments\/seg_/);
    await page.getByRole('heading', { level: 1, name: 'Imported customers' }).waitFor();
    await page.getByRole('row', { name: /bob@example\.com/ }).waitFor();
    await expectAccessible('segment-detail');
  }, JOURNEY_TIMEOUT);

  test('lists and forms: a list is created, a form subscribes to it and shows its embed snippet', async () => {
    await open('/lists', 'Lists');
    await page.getByRole('button', { name: 'Create list' }).first().click();
    const listDialog = page.getByRole('dialog', { name: 'Create a list' });
    await listDialog.getByLabel('Name', { exact: true }).fill('Monthly newsletter');
    await listDialog.getByText(/^Double opt-in/).click();
    await expect(listDialog.getByRole('switch', { name: /Double opt-in/ }).isChecked()).resolves.toBe(true);
    await listDialog.getByRole('button', { name: 'Create list' }).click();
    await page.getByRole('row', { name: /Monthly newsletter/ }).waitFor();
    await expectAccessible('lists');

    await open('/forms', 'Forms');
    await page.getByRole('button', { name: 'New form' }).first().click();
    const formDialog = page.getByRole('dialog', { name: 'Create a subscribe form' });
    await formDialog.getByLabel('Name', { exact: true }).fill('Footer sign-up');
    await formDialog.getByLabel('Monthly newsletter (double opt-in)').check();
    await formDialog.getByLabel('First name', { exact: true }).check();
    await formDialog.getByRole('button', { name: 'Create form' }).click();
    await page.waitForURL(/\/forms\/frm_/);
    await page.getByRole('heading', { level: 1, name: 'Footer sign-up' }).waitFor();
    expect(await page.getByTestId('embed-snippet').textContent()).toContain('<form');
    await expect(page.getByRole('switch', { name: 'Accept sign-ups through this form' }).isChecked()).resolves.toBe(true);
    await expectAccessible('form-detail');
  }, JOURNEY_TIMEOUT);

  test.each([
    ['suppressions', '/suppressions', 'Suppressions'],
    ['custom-fields', '/settings/fields', 'Custom fields'],
    ['segments', '/segments', 'Segments'],
    ['forms', '/forms', 'Forms'],
  ])('the %s page is accessible', async (name, url, heading) => {
    await open(url, heading);
    await expectAccessible(name);
  });

  test('on a phone the audience pages fit the screen and the menu groups them under Audience', async () => {
    await page.setViewportSize(PHONE);
    for (const url of ['/contacts', '/contacts/import', '/segments/new']) {
      await page.goto(dashboardUrl(url));
      await waitForHydration();
      expect(await page.evaluate(() => document.documentElement.scrollWidth), url).toBeLessThanOrEqual(PHONE.width);
    }
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'phone-segment-builder.png'), fullPage: true });
    await page.getByRole('button', { name: 'Menu' }).click();
    const audience = page.getByRole('navigation', { name: 'Main' }).getByRole('list', { name: 'Audience' });
    await audience.getByRole('link', { name: 'Contacts' }).waitFor({ state: 'visible' });
    await audience.getByRole('link', { name: 'Suppressions' }).click();
    await page.waitForURL(dashboardUrl('/suppressions'));
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await page.setViewportSize(DESKTOP);
  });
});
