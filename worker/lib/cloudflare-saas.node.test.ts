import { describe, expect, it } from 'vitest';
import { createCustomHostname, deleteCustomHostname } from './cloudflare-saas';

function recorder(answer: { status?: number; body: unknown }) {
  const calls: { url: string; init: RequestInit }[] = [];
  const fetcher = async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    return new Response(JSON.stringify(answer.body), { status: answer.status ?? 200, headers: { 'content-type': 'application/json' } });
  };
  return { calls, fetcher };
}

const cfg = { token: 'cf-token', zoneId: 'zone123', api: 'https://cf.example/client/v4' };

describe('Cloudflare for SaaS custom hostnames', () => {
  it('registers a hostname with an HTTP-validated DV certificate and answers its id', async () => {
    const { calls, fetcher } = recorder({ body: { success: true, result: { id: 'ch_1', hostname: 'links.acme.com' } } });
    expect(await createCustomHostname(cfg, 'links.acme.com', fetcher)).toBe('ch_1');
    expect(calls[0]!.url).toBe('https://cf.example/client/v4/zones/zone123/custom_hostnames');
    expect(calls[0]!.init.method).toBe('POST');
    expect((calls[0]!.init.headers as Record<string, string>).authorization).toBe('Bearer cf-token');
    expect(JSON.parse(String(calls[0]!.init.body))).toEqual({ hostname: 'links.acme.com', ssl: { method: 'http', type: 'dv', settings: { min_tls_version: '1.2' } } });
  });

  it('reports the API’s errors, and deletes by id', async () => {
    const failing = recorder({ status: 409, body: { success: false, errors: [{ code: 1406, message: 'Duplicate custom hostname found.' }] } });
    await expect(createCustomHostname(cfg, 'links.acme.com', failing.fetcher)).rejects.toThrow(/409.*1406 Duplicate custom hostname/);
    const ok = recorder({ body: { success: true, result: { id: 'ch_1' } } });
    await deleteCustomHostname(cfg, 'ch_1', ok.fetcher);
    expect([ok.calls[0]!.init.method, ok.calls[0]!.url]).toEqual(['DELETE', 'https://cf.example/client/v4/zones/zone123/custom_hostnames/ch_1']);
  });
});
