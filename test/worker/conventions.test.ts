import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';

describe('API conventions', () => {
  it('answers liveness with a request id and security headers', async () => {
    const res = await SELF.fetch('http://api.test/health');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
    expect(res.headers.get('x-request-id')).toMatch(/^[\w-]{8,}$/);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('reports readiness of D1, Durable Objects and queues', async () => {
    const res = await SELF.fetch('http://api.test/health/ready');
    const body = (await res.json()) as { status: string; checks: Record<string, { ok: boolean }> };
    expect(res.status).toBe(200);
    expect(body.status).toBe('ready');
    expect(Object.keys(body.checks).sort()).toEqual(['d1', 'durable_objects', 'queues']);
  });

  it('answers unknown routes with problem+json 404', async () => {
    const res = await SELF.fetch('http://api.test/v1/nope');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    const body = (await res.json()) as { type: string; status: number; detail: string };
    expect(body.type).toBe('https://edgepost.dev/problems/not-found');
    expect(body.status).toBe(404);
  });

  it('answers a wrong method with 405 and Allow', async () => {
    const res = await SELF.fetch('http://api.test/health', { method: 'DELETE' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toContain('GET');
    expect(res.headers.get('content-type')).toBe('application/problem+json');
  });

  it('publishes an OpenAPI 3.1 document', async () => {
    const res = await SELF.fetch('http://api.test/openapi.json');
    const doc = (await res.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.paths['/health/ready']).toBeDefined();
  });

  it('serves the API reference page with a nonce-based CSP', async () => {
    const res = await SELF.fetch('http://api.test/docs');
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy')!;
    const nonce = csp.match(/'nonce-([^']+)'/)?.[1];
    expect(nonce).toBeTruthy();
    expect(await res.text()).toContain(`nonce="${nonce}"`);
  });
});
