// The few API calls the benchmarks make against the stack they start: JSON in and out, a bearer
// token, and the seeded super-admin's sign-in with its TOTP code.
import { Secret, TOTP } from 'otpauth';

/** One JSON request; fails with the answer's problem detail when it is not 2xx. */
export async function apiCall(api, path, { token, body, method, form } = {}) {
  const headers = { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) };
  const res = await fetch(api + path, { method: method ?? (body === undefined && !form ? 'GET' : 'POST'), headers, body: form ?? (body === undefined ? undefined : JSON.stringify(body)) });
  const json = await res.json().catch(() => null);
  if (!res.ok) throw new Error(`${method ?? 'GET'} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** The seeded super-admin's session (its workspace is on the Enterprise plan and starts empty). */
export async function adminToken(api, login) {
  const challenge = await apiCall(api, '/v1/auth/login', { body: { email: login.email, password: login.password } });
  const code = new TOTP({ secret: Secret.fromBase32(login.totpSecret), digits: 6, period: 30, algorithm: 'SHA1' }).generate();
  const session = await apiCall(api, '/v1/auth/2fa/verify', { body: { mfa_token: challenge.mfa_token, code } });
  return session.token;
}
