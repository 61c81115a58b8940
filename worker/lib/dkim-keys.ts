import { fromBase64, toBase64 } from './encoding';

/**
 * DKIM key material (RFC 6376 with RFC 8301's SHA-256 and 2048-bit RSA): generating key pairs and the
 * `p=` of the DNS record. Turning a stored key into a signing CryptoKey is mail/dkim.ts's importDkimPrivateKey.
 */

const RSA_SIGNING = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const;
/** RFC 8301 §3.2 requires at least 1024 bits; 2048 is what mailbox providers expect today. */
export const DKIM_MODULUS_BITS = 2048;

/** PKCS#8 DER from a PEM (`-----BEGIN PRIVATE KEY-----`) or from bare base64, as .dev.vars holds it on one line. */
function pkcs8Der(pemOrBase64: string): Uint8Array<ArrayBuffer> {
  const body = pemOrBase64.replace(/-----(BEGIN|END) PRIVATE KEY-----/g, '').replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+=*$/.test(body)) throw new Error('the DKIM private key is neither PEM nor base64 PKCS#8');
  return fromBase64(body);
}

export interface DkimKeyPair {
  /** base64 SubjectPublicKeyInfo: the `p=` of the DNS record. */
  publicKey: string;
  /** base64 PKCS#8: what gets sealed with encryptSecret before it is stored. */
  privateKey: string;
}

export async function generateDkimKeyPair(): Promise<DkimKeyPair> {
  const pair = (await crypto.subtle.generateKey(
    { ...RSA_SIGNING, modulusLength: DKIM_MODULUS_BITS, publicExponent: new Uint8Array([1, 0, 1]) },
    true,
    ['sign', 'verify'],
  )) as CryptoKeyPair;
  const [spki, pkcs8] = await Promise.all([crypto.subtle.exportKey('spki', pair.publicKey), crypto.subtle.exportKey('pkcs8', pair.privateKey)]);
  return { publicKey: toBase64(new Uint8Array(spki as ArrayBuffer)), privateKey: toBase64(new Uint8Array(pkcs8 as ArrayBuffer)) };
}

/** The base64 SPKI public key of a PKCS#8 private key (for the platform key, which is configured as a secret). */
export async function publicKeyOf(pemOrBase64: string): Promise<string> {
  const key = await crypto.subtle.importKey('pkcs8', pkcs8Der(pemOrBase64), RSA_SIGNING, true, ['sign']);
  const { n, e } = (await crypto.subtle.exportKey('jwk', key)) as JsonWebKey;
  const pub = await crypto.subtle.importKey('jwk', { kty: 'RSA', n, e, alg: 'RS256', ext: true }, RSA_SIGNING, true, ['verify']);
  return toBase64(new Uint8Array((await crypto.subtle.exportKey('spki', pub)) as ArrayBuffer));
}

/** The TXT value to publish at `<selector>._domainkey.<domain>` (RFC 6376 §3.6.1). */
export const dkimRecordValue = (publicKey: string) => `v=DKIM1; k=rsa; p=${publicKey}`;
