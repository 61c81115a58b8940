import { jwtVerify, SignJWT, errors as joseErrors } from 'jose';
import { utf8 } from '../lib/encoding';
import { Problem } from '../lib/problem';

/** Short-lived session JWTs: revocation is checked against the session row on every request. */
export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;
const ISSUER = 'edgepost';
const AUDIENCE = 'edgepost-api';

export interface AccessClaims {
  userId: string;
  tenantId: string;
  sessionId: string;
}

export async function signAccessToken(secret: string, claims: AccessClaims, now = Date.now()): Promise<string> {
  const iat = Math.floor(now / 1000);
  return new SignJWT({ tid: claims.tenantId, sid: claims.sessionId })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.userId)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt(iat)
    .setExpirationTime(iat + ACCESS_TOKEN_TTL_SECONDS)
    .sign(utf8(secret));
}

export async function verifyAccessToken(secret: string, token: string): Promise<AccessClaims> {
  try {
    const { payload } = await jwtVerify(token, utf8(secret), { issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'] });
    if (typeof payload.sub !== 'string' || typeof payload.tid !== 'string' || typeof payload.sid !== 'string') {
      throw new Problem('invalid-token', 'The access token is missing claims.');
    }
    return { userId: payload.sub, tenantId: payload.tid, sessionId: payload.sid };
  } catch (err) {
    if (err instanceof Problem) throw err;
    const detail = err instanceof joseErrors.JWTExpired ? 'The access token has expired; refresh it.' : 'The access token is not valid.';
    throw new Problem('invalid-token', detail);
  }
}
