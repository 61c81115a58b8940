import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../worker/app';

/** Routes served outside the OpenAPI document on purpose: the document itself and its viewer. */
const UNDOCUMENTED = new Set(['GET /openapi.json', 'GET /docs']);

describe('OpenAPI document', () => {
  it('covers every route the app serves, with an access rule on each', async () => {
    const app = createApp();
    const served = new Set(
      app.routes
        .filter((r) => r.method !== 'ALL')
        .map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, '{$1}')}`)
        .filter((r) => !UNDOCUMENTED.has(r)),
    );
    const res = await app.request('/openapi.json', {}, env);
    const doc = (await res.json()) as { openapi: string; paths: Record<string, Record<string, { 'x-permission'?: string; responses: object }>> };
    expect(doc.openapi).toBe('3.1.0');
    const documented = new Set<string>();
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        documented.add(`${method.toUpperCase()} ${path}`);
        expect(op['x-permission'], `${method} ${path} names its access rule`).toBeTruthy();
      }
    }
    expect([...served].sort()).toEqual([...documented].sort());
    expect(served.size).toBeGreaterThan(20);
  });
});
