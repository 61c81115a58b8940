import { describe, expect, it } from 'vitest';
import { parseDsn, reportError } from './error-reporter';

describe('error reporting', () => {
  it('is off without a DSN', async () => {
    let called = false;
    expect(await reportError(undefined, new Error('x'), { environment: 'test' }, (async () => ((called = true), new Response())) as typeof fetch)).toBeNull();
    expect(called).toBe(false);
  });

  it('sends a Sentry envelope with the request id and no personal data', async () => {
    const sent: { url: string; init: RequestInit }[] = [];
    const fetcher = (async (url: RequestInfo | URL, init?: RequestInit) => {
      sent.push({ url: String(url), init: init! });
      return new Response('{}');
    }) as typeof fetch;
    const id = await reportError('https://pub123@errors.example.com/42', new TypeError('boom'), { environment: 'production', requestId: 'req-1', route: '/v1/me', tenantId: 'ten_1' }, fetcher);
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(sent[0]!.url).toBe('https://errors.example.com/api/42/envelope/');
    expect(new Headers(sent[0]!.init.headers).get('x-sentry-auth')).toContain('sentry_key=pub123');
    const [header, item, event] = String(sent[0]!.init.body).split('\n').map((l) => JSON.parse(l));
    expect(header.event_id).toBe(id);
    expect(item.type).toBe('event');
    expect(event.tags).toEqual({ request_id: 'req-1', route: '/v1/me', tenant_id: 'ten_1' });
    expect(event.exception.values[0]).toMatchObject({ type: 'TypeError', value: 'boom' });
  });

  it('never throws when the sink is down, and ignores malformed DSNs', async () => {
    const down = (async () => {
      throw new Error('connection refused');
    }) as typeof fetch;
    expect(await reportError('https://k@errors.example.com/1', new Error('x'), { environment: 'test' }, down)).toBeNull();
    expect(parseDsn('not a dsn')).toBeNull();
    expect(parseDsn('https://errors.example.com/1')).toBeNull();
  });
});
