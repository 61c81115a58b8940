import { eq } from 'drizzle-orm';
import type { DB } from '../db/client';
import { transports } from '../db/schema';
import { enqueueDeliveryReports } from '../domain/delivery-events';
import { openTransportCredentials } from '../domain/transports';
import type { Env } from '../env';
import { log } from '../lib/log';
import { Problem, notFound } from '../lib/problem';
import type { HookRequest, HookResult, HookTransport } from './hook-request';
import type { HookProvider } from './hook-url';
import { mailgunHook } from './mailgun';
import { postmarkHook } from './postmark';
import { claimNonce, releaseNonce } from './replay-guard';
import { resendHook } from './resend';
import { sendgridHook } from './sendgrid';
import { invalidSignature } from './signatures';
import { sesHook } from './sns';

const VERIFIERS: Record<HookProvider, (env: Env, req: HookRequest, transport: HookTransport) => Promise<HookResult>> = {
  ses: sesHook,
  sendgrid: (_env, req, t) => sendgridHook(req, t),
  mailgun: (_env, req, t) => mailgunHook(req, t),
  postmark: (_env, req, t) => postmarkHook(req, t),
  resend: (_env, req, t) => resendHook(req, t),
};

/**
 * `POST /hooks/{provider}/{transportId}`: finds the transport (404 when there is none of that kind),
 * verifies the request with its webhook secret (401 otherwise), refuses a replayed one-time value,
 * then queues the reports for the events consumer. Nothing is queued before verification.
 */
export async function receiveHook(env: Env, db: DB, provider: HookProvider, transportId: string, request: Request) {
  const row = await db.select().from(transports).where(eq(transports.id, transportId)).get();
  if (!row || row.kind !== provider) throw notFound('Transport');
  const credentials = await openTransportCredentials(env, row).catch(() => {
    throw invalidSignature('The transport’s stored secrets cannot be opened: re-enter its credentials.');
  });
  const body = new Uint8Array(await request.arrayBuffer());
  const req: HookRequest = { headers: request.headers, body, text: new TextDecoder().decode(body) };
  const result = await VERIFIERS[provider](env, req, { id: row.id, tenantId: row.tenantId, settings: row.settings, credentials });

  const nonce = result.nonce;
  if (nonce && !(await claimNonce(db, provider, nonce.value, nonce.expiresAt))) {
    if (nonce.onReplay === 'refuse') throw invalidSignature('This signed request was received before: a replay.');
    return { received: 0, duplicate: true };
  }
  try {
    await enqueueDeliveryReports(env, result.reports);
  } catch (err) {
    if (nonce) await releaseNonce(db, provider, nonce.value);
    throw err;
  }
  if (result.confirmUrl) await confirmSubscription(result.confirmUrl, row.id);
  return { received: result.reports.length, duplicate: false };
}

/** SNS subscriptions are confirmed by fetching SubscribeURL (already checked to be an SNS URL); a failure makes SNS send the confirmation again. */
async function confirmSubscription(url: string, transportId: string) {
  const res = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(10_000) }).catch(() => null);
  if (!res?.ok) throw new Problem('service-unavailable', 'The SNS subscription could not be confirmed; SNS will send the confirmation again.');
  log('info', 'sns_subscription_confirmed', { transport_id: transportId });
}
