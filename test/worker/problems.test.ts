import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { call, expectProblem, signupTenant } from './helpers';

/** Bad input of every kind gets a clear 4xx problem+json — never a 500. */
describe('problem+json for malformed input', () => {
  it('malformed JSON', async () => {
    const res = await call('/v1/auth/login', { body: '{"email": "a@b.co", "password": ', headers: { 'content-type': 'application/json' } });
    expectProblem(res, 400, 'malformed-json');
  });

  it('wrong content type', async () => {
    const res = await call('/v1/auth/login', { body: 'email=a@b.co&password=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expectProblem(res, 415, 'unsupported-media-type');
  });

  it('missing body', async () => {
    const res = await SELF.fetch('http://api.test/v1/auth/login', { method: 'POST' });
    expect(res.status).toBe(415);
  });

  it('oversize body', async () => {
    const res = await call('/v1/auth/login', { body: JSON.stringify({ email: 'a@b.co', password: 'x'.repeat(2 * 1024 * 1024) }) });
    expectProblem(res, 413, 'payload-too-large');
  });

  it('wrong types and missing fields are listed by field', async () => {
    const res = await call('/v1/auth/login', { body: { email: 42 } });
    expectProblem(res, 400, 'validation-error');
    expect(res.json.errors.map((e: { field: string }) => e.field).sort()).toEqual(['email', 'password']);
  });

  it('a JSON array or null instead of an object', async () => {
    expectProblem(await call('/v1/auth/login', { body: '[]', headers: { 'content-type': 'application/json' } }), 400, 'validation-error');
    expectProblem(await call('/v1/auth/login', { body: 'null', headers: { 'content-type': 'application/json' } }), 400, 'validation-error');
  });

  it('bad query parameters and a forged cursor', async () => {
    const s = await signupTenant();
    const limit = await call('/v1/members?limit=100000', { token: s.token });
    expectProblem(limit, 400, 'validation-error');
    expect(limit.json.errors[0].field).toBe('limit');
    expectProblem(await call('/v1/members?cursor=%%%', { token: s.token }), 400, 'validation-error');
    expectProblem(await call('/v1/audit-log?since=yesterday', { token: s.token }), 400, 'validation-error');
  });

  it('unknown routes and methods', async () => {
    expectProblem(await call('/v1/does-not-exist'), 404, 'not-found');
    const res = await call('/v1/auth/login', { method: 'GET' });
    expectProblem(res, 405, 'method-not-allowed');
    expect(res.headers.get('allow')).toContain('POST');
  });

  it('every problem carries the request id of its response', async () => {
    const res = await call('/v1/auth/login', { body: {} });
    expect(res.json.request_id).toBe(res.headers.get('x-request-id'));
  });
});

describe('CORS', () => {
  it('allows the dashboard origin only', async () => {
    const ok = await SELF.fetch('http://api.test/v1/me', { method: 'OPTIONS', headers: { origin: 'http://127.0.0.1:8788', 'access-control-request-method': 'GET' } });
    expect(ok.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:8788');
    const evil = await SELF.fetch('http://api.test/v1/me', { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' } });
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
  });
});
