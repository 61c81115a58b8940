/** Headers every dashboard response carries, HTML or not. */
export function applyBaselineSecurityHeaders(headers: Headers): void {
  headers.set('X-Frame-Options', 'DENY');
  headers.set('X-Content-Type-Options', 'nosniff');
  headers.set('Referrer-Policy', 'strict-origin-when-cross-origin');
  headers.set('Cross-Origin-Opener-Policy', 'same-origin');
  headers.set('Permissions-Policy', 'camera=(), microphone=(), geolocation=(), payment=()');
}

/**
 * Headers of an HTML document. The only inline scripts are Remix's own (hydration data, module
 * loader, scroll restoration, streaming), and each carries this response's nonce.
 */
/** Cloudflare Turnstile's script and challenge frame come from this host, and only from it. */
export const TURNSTILE_ORIGIN = 'https://challenges.cloudflare.com';

export function applyDocumentSecurityHeaders(headers: Headers, nonce: string, { dev, turnstile = false }: { dev: boolean; turnstile?: boolean }): void {
  applyBaselineSecurityHeaders(headers);
  const policy = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'${turnstile ? ` ${TURNSTILE_ORIGIN}` : ''}`,
    ...(turnstile ? [`frame-src ${TURNSTILE_ORIGIN}`] : []),
    // Email HTML is styled inline and shows images hosted anywhere: the template previews (sandboxed
    // srcdoc frames, which inherit this policy) and the visual editor's canvas need both.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: https:",
    "font-src 'self'",
    // Vite's dev server pushes hot updates over a websocket; the production build needs nothing but us.
    dev ? "connect-src 'self' ws:" : "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
  headers.set('Content-Security-Policy', policy);
  // Pages hold tenant data: never store them in shared or back/forward caches.
  headers.set('Cache-Control', 'private, no-store');
}

export function createNonce(): string {
  return btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
}
