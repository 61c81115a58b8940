import type { AppLoadContext, EntryContext, HandleDataRequestFunction, HandleErrorFunction } from '@remix-run/cloudflare';
import { RemixServer } from '@remix-run/react';
import { isbot } from 'isbot';
import { renderToReadableStream } from 'react-dom/server';
import { captchaConfig } from './lib/captcha.server';
import { NonceProvider } from './lib/nonce';
import { applyBaselineSecurityHeaders, applyDocumentSecurityHeaders, createNonce } from './lib/security-headers.server';

/** How long streamed loader data may take before Remix gives up on it (single fetch). */
export const streamTimeout = 5_000;

export default async function handleRequest(
  request: Request,
  status: number,
  headers: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  const nonce = createNonce();
  let responseStatus = status;
  const body = await renderToReadableStream(
    <NonceProvider value={nonce}>
      <RemixServer context={remixContext} url={request.url} nonce={nonce} />
    </NonceProvider>,
    {
      nonce,
      signal: request.signal,
      onError(error: unknown) {
        responseStatus = 500;
        if (!request.signal.aborted) console.error(error);
      },
    },
  );
  // Crawlers and no-JS clients get the whole document at once rather than a stream.
  if (isbot(request.headers.get('user-agent') ?? '')) await body.allReady;

  headers.set('Content-Type', 'text/html; charset=utf-8');
  // Every document may lead to a form with the CAPTCHA (sign-out lands on sign-in without a reload).
  const turnstile = (await captchaConfig({ request, context: loadContext }))?.provider === 'turnstile';
  applyDocumentSecurityHeaders(headers, nonce, { dev: import.meta.env.DEV, turnstile });
  return new Response(body, { headers, status: responseStatus });
}

export const handleDataRequest: HandleDataRequestFunction = (response) => {
  applyBaselineSecurityHeaders(response.headers);
  response.headers.set('Cache-Control', 'private, no-store');
  return response;
};

export const handleError: HandleErrorFunction = (error, { request }) => {
  if (!request.signal.aborted) console.error(error);
};
