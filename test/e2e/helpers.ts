import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { AxeBuilder } from '@axe-core/playwright';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, inject } from 'vitest';

/** The running e2e stack (started by global-setup.ts): URLs, SMTP address, seeded logins. */
export const stack = () => inject('stack');

/** An API URL; `path` may also be absolute (e.g. a link taken from an email). */
export const apiUrl = (path = '/') => new URL(path, stack().urls.api).href;

export function dashboardUrl(path = '/') {
  const { urls, dashboardError } = stack();
  if (dashboardError) throw new Error(`The dashboard is not running in the e2e stack:\n${dashboardError}`);
  return new URL(path, urls.dashboard).href;
}

/** The seeded login with this email (demo@edgepost.test, admin@edgepost.test). */
export function login(email: string) {
  const found = stack().logins.find((l) => l.email === email);
  if (!found) throw new Error(`No seeded login for ${email}; the seed creates ${stack().logins.map((l) => l.email).join(', ')}.`);
  return found;
}

/** An address no other test uses, so waiting for its mail cannot pick up another test's message. */
export const uniqueEmail = (prefix = 'user') => `${prefix}-${randomUUID().slice(0, 8)}@e2e.edgepost.test`;

export interface JsonResponse<T> {
  status: number;
  headers: Headers;
  body: T;
}

/**
 * fetch against the API with a JSON body (`json`) and/or a bearer `token`; the answer's body is
 * parsed as JSON (problem+json included) and fails the test with the raw text if it is not JSON.
 */
export async function fetchJson<T = unknown>(
  path: string,
  { json, token, ...init }: RequestInit & { json?: unknown; token?: string } = {},
): Promise<JsonResponse<T>> {
  const headers = new Headers(init.headers);
  if (json !== undefined) headers.set('content-type', 'application/json');
  if (token) headers.set('authorization', `Bearer ${token}`);
  const res = await fetch(apiUrl(path), {
    ...init,
    headers,
    body: json === undefined ? init.body : JSON.stringify(json),
    signal: init.signal ?? AbortSignal.timeout(15_000),
  });
  const text = await res.text();
  try {
    return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : undefined) as T };
  } catch {
    throw new Error(`${init.method ?? 'GET'} ${path} answered ${res.status} with non-JSON: ${text.slice(0, 500)}`);
  }
}

/** A message as maildev's REST API returns it (the fields tests use). */
export interface MailMessage {
  id: string;
  time: string;
  subject: string;
  from: { address: string; name?: string }[];
  to: { address: string; name?: string }[];
  text?: string;
  html?: string;
  headers: Record<string, string | string[]>;
}

const mailApi = async (path: string, init?: RequestInit) => {
  const res = await fetch(new URL(path, stack().urls.mail), { ...init, signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new Error(`maildev ${init?.method ?? 'GET'} ${path}: HTTP ${res.status}`);
  return res;
};

/** The mail sink (maildev) of the e2e stack. */
export const mailbox = {
  async list(): Promise<MailMessage[]> {
    return (await mailApi('/api/email')).json() as Promise<MailMessage[]>;
  },

  /** The raw MIME source, for header and DKIM checks. */
  async source(id: string): Promise<string> {
    return (await mailApi(`/api/email/${id}/source`)).text();
  },

  async clear(): Promise<void> {
    await mailApi('/api/email/all', { method: 'DELETE' });
  },

  /** Deletes these messages only (a bulk test leaves the inbox as small as it found it for the others). */
  async remove(ids: string[]): Promise<void> {
    for (const id of ids) await mailApi(`/api/email/${id}`, { method: 'DELETE' });
  },

  /** The newest message to `to` whose subject matches; polls until `timeoutMs`, then fails listing what did arrive. */
  async waitFor({ to, subject, timeoutMs = 15_000 }: { to: string; subject?: string | RegExp; timeoutMs?: number }): Promise<MailMessage> {
    const deadline = Date.now() + timeoutMs;
    const matches = (m: MailMessage) =>
      m.to.some((a) => a.address.toLowerCase() === to.toLowerCase()) &&
      (subject === undefined || (typeof subject === 'string' ? m.subject.includes(subject) : subject.test(m.subject)));
    for (;;) {
      const messages = await mailbox.list();
      const found = messages.filter(matches).at(-1);
      if (found) return found;
      if (Date.now() > deadline) {
        const seen = messages.filter((m) => m.to.some((a) => a.address.toLowerCase() === to.toLowerCase())).map((m) => `"${m.subject}"`);
        throw new Error(`No mail to ${to}${subject ? ` with subject ${subject}` : ''} within ${timeoutMs / 1000} s (to that address: ${seen.join(', ') || 'none'}).`);
      }
      await sleep(250);
    }
  },
};

/** Every http(s) link in a message: hrefs of the HTML part and URLs in the text part, deduplicated. */
export function linksIn(message: Pick<MailMessage, 'text' | 'html'>): string[] {
  const fromHtml = [...(message.html ?? '').matchAll(/href\s*=\s*"(https?:\/\/[^"]+)"/gi)].map((m) => m[1]!.replaceAll('&amp;', '&'));
  const fromText = (message.text ?? '').match(/https?:\/\/[^\s<>"')\]]+/g) ?? [];
  return [...new Set([...fromHtml, ...fromText])];
}

/** Debian's Chromium (`apt-get install chromium`); playwright's own browser download needs the internet. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Headless, as root (CI runs as root and Chromium refuses its sandbox there), and quiet on the
 * network: without the background-networking flags Chromium keeps dialling Google's hosts, which
 * this offline machine refuses.
 */
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** A headless Chromium with a fresh profile; close it in afterAll. */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install chromium, or set CHROMIUM_PATH.`);
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** Where browser tests leave screenshots for a human look. */
export const SCREENSHOT_DIR = process.env.SCREENSHOT_DIR ?? path.join(tmpdir(), 'edgepost-dashboard-screenshots');
mkdirSync(SCREENSHOT_DIR, { recursive: true });

/**
 * Waits for the page's finite animations and transitions to end. Colours mid-transition are not what
 * anyone reads, yet axe measures them: buttons fade their colours in (Chromium 156 runs that
 * transition from the unstyled colours at first paint) and switching the colour scheme fades them again.
 */
async function transitionsSettled(page: Page) {
  await page.evaluate(() =>
    Promise.all(
      document
        .getAnimations()
        .filter((a) => Number.isFinite(Number(a.effect?.getComputedTiming().endTime)))
        .map((a) => a.finished.catch(() => null)),
    ),
  );
}

/**
 * axe-core on the page in light and dark: no serious or critical violations (WCAG AA), with a screenshot of each.
 * `exclude` leaves out what is not the dashboard's own UI, e.g. tenant HTML in sandboxed preview frames (which
 * allow no scripts, so axe cannot run inside them).
 */
export async function expectAccessible(page: Page, name: string, { exclude = [] }: { exclude?: string[] } = {}) {
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    await transitionsSettled(page);
    const { violations } = await exclude.reduce((axe, selector) => axe.exclude(selector), new AxeBuilder({ page })).analyze();
    const serious = violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => `${n.target.join(' ')}${n.any[0]?.message ? ` (${n.any[0].message})` : ''}`).join(', ')}`);
    expect(serious, `${name} in ${colorScheme} mode`).toEqual([]);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}-${colorScheme}.png`), fullPage: true });
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

/**
 * Signs in through the dashboard's form. All e2e sign-ins come from one IP: after failures elsewhere
 * in the suite the API may ask for the CAPTCHA, which the development stand-in then passes.
 */
export async function signInToDashboard(page: Page, { email, password }: { email: string; password: string }) {
  await page.goto(dashboardUrl('/login'));
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForLoadState('networkidle');
  const captcha = page.getByRole('checkbox', { name: "I'm not a robot (development stand-in)" });
  if (await captcha.isVisible()) {
    await page.getByLabel('Password').fill(password);
    await captcha.check();
    await page.getByRole('button', { name: 'Sign in' }).click();
  }
  await page.waitForURL(dashboardUrl('/'));
}

/**
 * A Chromium page signed in as the seeded demo owner for a whole test file: registers the hooks that
 * open it, close it, and keep a screenshot of the page as it was when a step failed.
 */
export function demoOwnerPage(name: string, viewport: { width: number; height: number }) {
  const session = {} as { browser: Browser; page: Page };
  beforeAll(async () => {
    session.browser = await launchBrowser();
    session.page = await (await session.browser.newContext({ viewport })).newPage();
    await signInToDashboard(session.page, login('demo@edgepost.test'));
  });
  afterAll(async () => {
    await session.browser?.close();
  });
  afterEach(async ({ task }) => {
    if (task.result?.state !== 'fail') return;
    await session.page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}-failed-${task.name.slice(0, 40).replace(/\W+/g, '-')}.png`), fullPage: true });
  });
  return session;
}

export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  body: string;
}

/** An HTTP server in the test process that records every webhook delivery (the e2e stack allows loopback targets). */
export async function startWebhookReceiver() {
  const received: ReceivedWebhook[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/edgepost`,
    received,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
