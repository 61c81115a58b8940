import { describe, expect, it } from 'vitest';
import { apiUrl, dashboardUrl, fetchJson, launchBrowser, mailbox } from './helpers';

describe('local stack (smoke)', () => {
  it('is ready: D1 migrated, Durable Objects and queues bound', async () => {
    const { status, body } = await fetchJson<{ status: string; checks: Record<string, { ok: boolean }> }>('/health/ready');
    expect(status, JSON.stringify(body)).toBe(200);
    expect(body.status).toBe('ready');
  });

  it('serves the API reference at /docs, loading Scalar from our own assets', async () => {
    const res = await fetch(apiUrl('/docs'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toContain('src="/vendor/scalar/standalone.js"');
    expect(html).not.toMatch(/https:\/\/cdn\./);
  });

  it('serves the vendored Scalar bundle as static JavaScript with nosniff', async () => {
    const res = await fetch(apiUrl('/vendor/scalar/standalone.js'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/javascript/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(100_000);
  });

  it('renders the Scalar UI at /docs in a browser, with nothing fetched from the internet', async () => {
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      const pageErrors: string[] = [];
      page.on('pageerror', (err) => pageErrors.push(err.message));
      // Offline machines: any request off the stack would hang or fail, so none may succeed.
      await page.route(/^https?:\/\/(?!127\.0\.0\.1[:/])/, (route) => route.abort());
      await page.goto(apiUrl('/docs'));
      await page.getByRole('heading', { name: 'Edgepost API', exact: true }).waitFor({ timeout: 20_000 });
      expect(await page.getByText('Liveness: the worker answers').count()).toBeGreaterThan(0);
      expect(pageErrors).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it('serves the dashboard (Pages Function, Remix build, service binding to the API)', async () => {
    const res = await fetch(dashboardUrl('/'), { redirect: 'manual' });
    expect(res.status, await res.text()).toBeLessThan(500);
  });

  it('runs the mail sink', async () => {
    expect(Array.isArray(await mailbox.list())).toBe(true);
  });
});
