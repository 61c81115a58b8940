import { timingSafeEqual, hmacSha256 } from './crypto';
import { fromBase64Url, toBase64Url, utf8 } from './encoding';

/**
 * Compact signed tokens for URLs that must work without a database read (download links now,
 * tracking links later): `<payload b64url>.<kid>.<mac b64url>`, MAC = HMAC-SHA256 truncated to
 * 128 bits over `payload.kid`. Keys come from TOKEN_SIGNING_KEYS (`kid:secret,…`): the first key
 * signs, every listed key verifies, so a key can be rotated without breaking links in the wild.
 */
const MAC_BYTES = 16;

export function parseSigningKeys(spec: string): { kid: string; secret: string }[] {
  return spec.split(',').map((pair) => {
    const i = pair.indexOf(':');
    return { kid: pair.slice(0, i).trim(), secret: pair.slice(i + 1).trim() };
  });
}

async function mac(secret: string, signed: string) {
  return (await hmacSha256(secret, signed)).slice(0, MAC_BYTES);
}

export async function signToken(keySpec: string, payload: unknown): Promise<string> {
  const [key] = parseSigningKeys(keySpec);
  if (!key) throw new Error('no signing key configured');
  const body = toBase64Url(utf8(JSON.stringify(payload)));
  const signed = `${body}.${key.kid}`;
  return `${signed}.${toBase64Url(await mac(key.secret, signed))}`;
}

/** The payload, or null for anything tampered, truncated, signed with an unknown key, or malformed. */
export async function verifyToken<T>(keySpec: string, token: string): Promise<T | null> {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  const [body, kid, sig] = parts as [string, string, string];
  const key = parseSigningKeys(keySpec).find((k) => k.kid === kid);
  if (!key) return null;
  try {
    if (!timingSafeEqual(await mac(key.secret, `${body}.${kid}`), fromBase64Url(sig))) return null;
    return JSON.parse(new TextDecoder().decode(fromBase64Url(body))) as T;
  } catch {
    return null;
  }
}
