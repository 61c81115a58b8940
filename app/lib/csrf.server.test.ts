import type { AppLoadContext } from '@remix-run/cloudflare';
import { describe, expect, test } from 'vitest';
import { CSRF_FIELD, CSRF_HEADER } from './csrf';
import { assertTrustedSubmission, assertTrustedUpload, csrfToken } from './csrf.server';
import { pendingCookieHeaders } from './request-state.server';

const ORIGIN = 'http://dashboard.test';
const context = () => ({ cloudflare: { env: { API: { fetch: async () => new Response() }, SESSION_SECRET: 'test-session-secret-0123456789abcdef0123' } } }) as unknown as AppLoadContext;

/** Visit a page to get a token and its cookie, as the browser would. */
async function issued() {
  const args = { request: new Request(`${ORIGIN}/login`), context: context() };
  const token = await csrfToken(args);
  const cookie = pendingCookieHeaders(args).get('Set-Cookie')!.split(';')[0]!;
  return { token, cookie };
}

function submission(cookie: string, fields: Record<string, string>, headers: Record<string, string> = { Origin: ORIGIN }) {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.set(name, value);
  return { args: { request: new Request(`${ORIGIN}/login`, { method: 'POST', headers: { Cookie: cookie, ...headers } }), context: context() }, form };
}

const rejection = (promise: Promise<void>) => promise.then(() => null, (error: Response) => error.status);

describe('CSRF protection', () => {
  test('accepts a same-origin form that echoes the token of its cookie', async () => {
    const { token, cookie } = await issued();
    const { args, form } = submission(cookie, { [CSRF_FIELD]: token });
    await expect(rejection(assertTrustedSubmission(args, form))).resolves.toBeNull();
  });

  test('keeps the token for the rest of the browser session', async () => {
    const { token, cookie } = await issued();
    const args = { request: new Request(`${ORIGIN}/members`, { headers: { Cookie: cookie } }), context: context() };
    await expect(csrfToken(args)).resolves.toBe(token);
    expect(pendingCookieHeaders(args).has('Set-Cookie')).toBe(false);
  });

  test('refuses a missing or wrong token, a foreign origin and a cross-site fetch', async () => {
    const { token, cookie } = await issued();
    const other = await issued();
    const cases = [
      submission(cookie, {}),
      submission(cookie, { [CSRF_FIELD]: other.token }),
      submission(other.cookie, { [CSRF_FIELD]: token }),
      submission(cookie, { [CSRF_FIELD]: token }, { Origin: 'https://evil.example' }),
      submission(cookie, { [CSRF_FIELD]: token }, { 'Sec-Fetch-Site': 'cross-site' }),
      submission('', { [CSRF_FIELD]: token }),
    ];
    for (const { args, form } of cases) await expect(rejection(assertTrustedSubmission(args, form))).resolves.toBe(403);
  });

  test('an upload passes with the token in its header, and only from our origin', async () => {
    const { token, cookie } = await issued();
    const upload = (headers: Record<string, string>) => ({
      request: new Request(`${ORIGIN}/contacts/import/upload`, { method: 'POST', headers: { Cookie: cookie, ...headers } }),
      context: context(),
    });
    await expect(rejection(assertTrustedUpload(upload({ Origin: ORIGIN, [CSRF_HEADER]: token })))).resolves.toBeNull();
    await expect(rejection(assertTrustedUpload(upload({ Origin: ORIGIN })))).resolves.toBe(403);
    await expect(rejection(assertTrustedUpload(upload({ Origin: 'https://evil.example', [CSRF_HEADER]: token })))).resolves.toBe(403);
  });
});
