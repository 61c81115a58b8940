import type { AppLoadContext } from '@remix-run/cloudflare';
import { describe, expect, test } from 'vitest';
import { anonymousApi, userApi } from './api.server';
import { storeTokens } from './auth-session.server';
import { ApiProblem, toFormErrors } from './problem';
import { pendingCookieHeaders, requestState } from './request-state.server';

const SESSION_SECRET = 'test-session-secret-0123456789abcdef0123456789';
const PAGE = 'http://dashboard.test/members';

/** A stand-in for the API worker behind the service binding: answers by path, records every call. */
function fakeApi(handle: (request: Request) => Response | Promise<Response>) {
  const calls: Request[] = [];
  const API = {
    fetch: async (request: Request) => {
      calls.push(request.clone() as Request);
      return handle(request);
    },
  } as unknown as Fetcher;
  return { API, calls };
}

const contextWith = (API: Fetcher) => ({ cloudflare: { env: { API, SESSION_SECRET } } }) as AppLoadContext;

/** A request that carries a session cookie holding these tokens. */
async function signedInRequest(url: string, tokens: { accessToken: string; refreshToken: string }) {
  const minted = { request: new Request(url), context: contextWith(fakeApi(() => new Response()).API) };
  await storeTokens(minted, tokens);
  const cookie = pendingCookieHeaders(minted).get('Set-Cookie')!.split(';')[0]!;
  return new Request(url, { headers: { Cookie: cookie, 'x-request-id': 'req-from-browser-123' } });
}

const json = (body: unknown, status = 200) => Response.json(body, { status });
const problem = (status: number, type: string, detail: string, extra: object = {}) =>
  new Response(JSON.stringify({ type: `https://edgepost.dev/problems/${type}`, title: type, status, detail, ...extra }), {
    status,
    headers: { 'content-type': 'application/problem+json' },
  });

describe('userApi', () => {
  test('parallel calls that meet an expired token share one refresh and store the rotated refresh token', async () => {
    const { API, calls } = fakeApi((req) => {
      const url = new URL(req.url);
      if (url.pathname === '/v1/auth/refresh') return json({ token: 'access-2', refresh_token: 'refresh-2', expires_in: 900 });
      return req.headers.get('authorization') === 'Bearer access-2' ? json({ path: url.pathname }) : problem(401, 'invalid-token', 'expired');
    });
    const args = { request: await signedInRequest(PAGE, { accessToken: 'access-1', refreshToken: 'refresh-1' }), context: contextWith(API) };

    const [me, members] = await Promise.all([userApi(args).get('/v1/me'), userApi(args).get('/v1/members')]);

    expect(me).toEqual({ path: '/v1/me' });
    expect(members).toEqual({ path: '/v1/members' });
    const refreshes = calls.filter((c) => new URL(c.url).pathname === '/v1/auth/refresh');
    expect(refreshes).toHaveLength(1);
    expect(await refreshes[0]!.json()).toEqual({ refresh_token: 'refresh-1' });
    await expect(requestState(args).tokens).resolves.toEqual({ accessToken: 'access-2', refreshToken: 'refresh-2' });
    expect(pendingCookieHeaders(args).getSetCookie().filter((c) => c.startsWith('ep_session='))).toHaveLength(1);
  });

  test('a wrong password inside a signed-in request is the answer, not an expired session: no refresh, no retry', async () => {
    const { API, calls } = fakeApi(() => problem(401, 'invalid-credentials', 'The current password is not correct.'));
    const args = { request: await signedInRequest(PAGE, { accessToken: 'access-1', refreshToken: 'refresh-1' }), context: contextWith(API) };

    const error = await userApi(args).patch('/v1/me', { current_password: 'wrong', new_password: 'x' }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ApiProblem);
    expect((error as ApiProblem).code).toBe('invalid-credentials');
    expect(calls.map((c) => new URL(c.url).pathname)).toEqual(['/v1/me']);
  });

  test('a failed refresh ends the session and redirects to sign-in, back to the page afterwards', async () => {
    const { API } = fakeApi(() => problem(401, 'invalid-token', 'expired'));
    const request = await signedInRequest(`${PAGE}.data?_routes=routes%2F_app`, { accessToken: 'a', refreshToken: 'r' });
    const args = { request, context: contextWith(API) };

    const thrown = await userApi(args).get('/v1/me').catch((error: unknown) => error);

    expect(thrown).toBeInstanceOf(Response);
    const response = thrown as Response;
    expect(response.status).toBe(302);
    expect(response.headers.get('Location')).toBe('/login?redirectTo=%2Fmembers');
    const cleared = response.headers.getSetCookie().find((c) => c.startsWith('ep_session='));
    expect(cleared).toMatch(/Expires=Thu, 01 Jan 1970/);
  });

  test('without a session no API call is made', async () => {
    const { API, calls } = fakeApi(() => json({}));
    const thrown = await userApi({ request: new Request(PAGE), context: contextWith(API) }).get('/v1/me').catch((e: unknown) => e);
    expect((thrown as Response).headers.get('Location')).toBe('/login?redirectTo=%2Fmembers');
    expect(calls).toHaveLength(0);
  });

  test('forwards the request id and the bearer token', async () => {
    const { API, calls } = fakeApi(() => json({ ok: true }));
    const args = { request: await signedInRequest(PAGE, { accessToken: 'access-1', refreshToken: 'refresh-1' }), context: contextWith(API) };
    await userApi(args).get('/v1/me');
    await userApi(args).get('/v1/members', { limit: 100, cursor: '' });
    expect(calls.map((c) => c.headers.get('x-request-id'))).toEqual(['req-from-browser-123', 'req-from-browser-123']);
    expect(calls[0]!.headers.get('authorization')).toBe('Bearer access-1');
    expect(new URL(calls[1]!.url).search).toBe('?limit=100');
  });

  test('an upload streams through with its own content type; an access token about to expire is renewed first, since a stream cannot be resent', async () => {
    const { API, calls } = fakeApi(async (req) => {
      const url = new URL(req.url);
      if (url.pathname === '/v1/auth/refresh') return json({ token: 'access-2', refresh_token: 'refresh-2', expires_in: 900 });
      return json({ received: await req.text(), type: req.headers.get('content-type'), auth: req.headers.get('authorization') }, 201);
    });
    const expiring = `h.${btoa(JSON.stringify({ exp: Math.floor(Date.now() / 1000) + 10 }))}.s`;
    const args = { request: await signedInRequest(PAGE, { accessToken: expiring, refreshToken: 'refresh-1' }), context: contextWith(API) };
    const stream = new Blob(['--b\r\nfile body\r\n--b--']).stream();

    const answer = await userApi(args).upload('/v1/contacts/import/uploads', { stream, contentType: 'multipart/form-data; boundary=b', contentLength: null });

    expect(answer).toEqual({ received: '--b\r\nfile body\r\n--b--', type: 'multipart/form-data; boundary=b', auth: 'Bearer access-2' });
    expect(calls.map((c) => new URL(c.url).pathname)).toEqual(['/v1/auth/refresh', '/v1/contacts/import/uploads']);
  });

  test('an upload refused as unauthenticated is not resent: the caller sees the 401 and the session is renewed for the next try', async () => {
    const { API, calls } = fakeApi((req) =>
      new URL(req.url).pathname === '/v1/auth/refresh' ? json({ token: 'access-2', refresh_token: 'refresh-2', expires_in: 900 }) : problem(401, 'invalid-token', 'expired'),
    );
    const fresh = `h.${btoa(JSON.stringify({ exp: Math.floor(Date.now() / 1000) + 600 }))}.s`;
    const args = { request: await signedInRequest(PAGE, { accessToken: fresh, refreshToken: 'refresh-1' }), context: contextWith(API) };

    const error = await userApi(args)
      .upload('/v1/contacts/import/uploads', { stream: new Blob(['x']).stream(), contentType: 'text/csv', contentLength: '1' })
      .catch((e: unknown) => e);

    expect((error as ApiProblem).status).toBe(401);
    expect(calls.map((c) => new URL(c.url).pathname)).toEqual(['/v1/contacts/import/uploads', '/v1/auth/refresh']);
    await expect(requestState(args).tokens).resolves.toEqual({ accessToken: 'access-2', refreshToken: 'refresh-2' });
  });

  test('a download is the API answer itself, and a problem still throws', async () => {
    const { API } = fakeApi((req) =>
      new URL(req.url).pathname === '/v1/suppressions/export' ? new Response('kind,value\n', { headers: { 'content-type': 'text/csv' } }) : problem(404, 'not-found', 'No such contact.'),
    );
    const args = { request: await signedInRequest(PAGE, { accessToken: 'a', refreshToken: 'r' }), context: contextWith(API) };
    const csv = await userApi(args).download('/v1/suppressions/export');
    expect(csv.headers.get('content-type')).toBe('text/csv');
    await expect(csv.text()).resolves.toBe('kind,value\n');
    await expect(userApi(args).download('/v1/contacts/con_x/data-export')).rejects.toBeInstanceOf(ApiProblem);
  });
});

describe('anonymousApi', () => {
  test('turns problem+json into an ApiProblem the form can show', async () => {
    const { API, calls } = fakeApi(() => problem(422, 'weak-password', 'This is a commonly used password.'));
    const error = await anonymousApi({ request: new Request(PAGE), context: contextWith(API) })
      .post('/v1/auth/signup', { password: 'password123' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiProblem);
    expect(toFormErrors(error as ApiProblem)).toEqual({ form: undefined, fields: { password: 'This is a commonly used password.' } });
    expect(calls[0]!.headers.get('authorization')).toBeNull();
  });

  test('keeps extensions: a typo suggestion is offered on the field that was wrong', async () => {
    const { API } = fakeApi(() => problem(400, 'validation-error', 'Did you mean ada@gmail.com?', { errors: [{ field: 'email', message: 'the domain looks misspelled' }], suggestion: 'ada@gmail.com' }));
    const error = (await anonymousApi({ request: new Request(PAGE), context: contextWith(API) }).post('/v1/contacts', {}).catch((e: unknown) => e)) as ApiProblem;
    expect(error.extensions).toEqual({ suggestion: 'ada@gmail.com' });
    expect(toFormErrors(error)).toEqual({ fields: { email: 'the domain looks misspelled' }, suggestion: { field: 'email', value: 'ada@gmail.com' } });
  });

  test('maps field errors and says how long to wait when locked out', async () => {
    const fields = toFormErrors(new ApiProblem(400, 'x/validation-error', 'Invalid', '', [{ field: 'body.email', message: 'must be an email' }]));
    expect(fields).toEqual({ form: undefined, fields: { email: 'must be an email' } });
    const locked = toFormErrors(new ApiProblem(429, 'x/account-locked', 'Locked', 'Too many failed attempts.', [], null, 600));
    expect(locked.form).toBe('Too many failed attempts. Try again in 10 minutes.');
  });

  test('an unreachable API becomes a 503 problem, not a crash', async () => {
    const API = { fetch: async () => Promise.reject(new Error('Network connection lost.')) } as unknown as Fetcher;
    const error = await anonymousApi({ request: new Request(PAGE), context: contextWith(API) }).get('/health/ready').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiProblem);
    expect((error as ApiProblem).status).toBe(503);
  });
});
