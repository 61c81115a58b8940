import { fromBase64Url, fromHex, toBase64Url, toHex, utf8 } from './encoding';

/** Workers cap PBKDF2 at 100,000 iterations; we use the cap (OWASP asks for more, the runtime allows no more). */
export const PBKDF2_ITERATIONS = 100_000;
const HASH_SCHEME = 'pbkdf2-sha256';

export function randomBytes(n: number): Uint8Array<ArrayBuffer> {
  return crypto.getRandomValues(new Uint8Array(n));
}

export const randomToken = (bytes = 32) => toBase64Url(randomBytes(bytes));

export async function sha256Hex(input: string): Promise<string> {
  return toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', utf8(input))));
}

/** Constant-time comparison: the loop never exits early, so timing does not reveal the first differing byte. */
export function timingSafeEqual(a: Uint8Array | string, b: Uint8Array | string): boolean {
  const x = typeof a === 'string' ? utf8(a) : a;
  const y = typeof b === 'string' ? utf8(b) : b;
  let diff = x.length ^ y.length;
  const n = Math.max(x.length, y.length);
  for (let i = 0; i < n; i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}

async function pbkdf2(password: string, salt: Uint8Array<ArrayBuffer>, iterations: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey('raw', utf8(password.normalize('NFKC')), 'PBKDF2', false, ['deriveBits']);
  const bits = await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, key, 256);
  return new Uint8Array(bits);
}

/** Encoded as `pbkdf2-sha256$<iterations>$<salt b64url>$<hash b64url>` so the cost can rise later without a migration. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await pbkdf2(password, salt, PBKDF2_ITERATIONS);
  return [HASH_SCHEME, PBKDF2_ITERATIONS, toBase64Url(salt), toBase64Url(hash)].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, iter, salt, hash] = stored.split('$');
  if (scheme !== HASH_SCHEME || !iter || !salt || !hash) return false;
  const actual = await pbkdf2(password, fromBase64Url(salt), Number(iter));
  return timingSafeEqual(actual, fromBase64Url(hash));
}

/** A hash nobody's password matches: lets login spend the same time whether or not the user exists. */
export const DUMMY_PASSWORD_HASH = `${HASH_SCHEME}$${PBKDF2_ITERATIONS}$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`;

/**
 * Imported keys by secret, per isolate: a message signs a token for every link, and importing the
 * key each time cost more than the HMAC itself. The secrets are few (the configured signing keys).
 */
const hmacKeys = new Map<string, Promise<CryptoKey>>();
const MAX_CACHED_KEYS = 32;

function hmacKey(secret: string) {
  let key = hmacKeys.get(secret);
  if (!key) {
    if (hmacKeys.size >= MAX_CACHED_KEYS) hmacKeys.clear();
    key = crypto.subtle.importKey('raw', utf8(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
    hmacKeys.set(secret, key);
  }
  return key;
}

export async function hmacSha256(secret: string, data: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.sign('HMAC', await hmacKey(secret), utf8(data)));
}

/** AES-256-GCM for secrets at rest. Key material is 32 bytes, hex-encoded in the ENCRYPTION_KEY secret. */
async function aesKey(hexKey: string) {
  return crypto.subtle.importKey('raw', fromHex(hexKey), 'AES-GCM', false, ['encrypt', 'decrypt']);
}

export async function encryptSecret(hexKey: string, plaintext: string): Promise<string> {
  const iv = randomBytes(12);
  const ct = await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, await aesKey(hexKey), utf8(plaintext));
  return `v1.${toBase64Url(iv)}.${toBase64Url(new Uint8Array(ct))}`;
}

/**
 * Opens a sealed secret with the first key that fits: the current key, then previous ones, so the
 * encryption key can be rotated without breaking stored credentials (see reencryptSecrets).
 */
export async function decryptSecret(hexKeys: string | readonly string[], sealed: string): Promise<string> {
  const [version, iv, ct] = sealed.split('.');
  if (version !== 'v1' || !iv || !ct) throw new Error('unknown sealed secret format');
  for (const hexKey of typeof hexKeys === 'string' ? [hexKeys] : hexKeys) {
    try {
      const pt = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: fromBase64Url(iv) }, await aesKey(hexKey), fromBase64Url(ct));
      return new TextDecoder().decode(pt);
    } catch {
      // AES-GCM authentication failed: not this key; try the next.
    }
  }
  throw new Error('no configured encryption key opens this secret');
}
