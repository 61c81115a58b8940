import { z } from '@hono/zod-openapi';
import type { DeliveryReport } from '../domain/delivery-events';
import { Problem } from '../lib/problem';

/** One inbound webhook call as the verifiers need it: the exact bytes that were signed, and the headers. */
export interface HookRequest {
  headers: Headers;
  body: Uint8Array<ArrayBuffer>;
  text: string;
}

/** The transport a hook URL names, with its sealed credentials opened. */
export interface HookTransport {
  id: string;
  tenantId: string;
  settings: Record<string, unknown>;
  credentials: Record<string, string>;
}

export interface HookResult {
  reports: DeliveryReport[];
  /** A one-time value of the signature (Mailgun's token, Svix's message id), claimed before queueing. */
  nonce?: { value: string; expiresAt: number; onReplay: 'refuse' | 'acknowledge' };
  /** SNS only: the verified SubscribeURL to confirm the subscription with. */
  confirmUrl?: string;
}

/** The verified body as the provider's schema says it is; anything else is the sender's 400, never our 500. */
export function parseBody<T extends z.ZodType>(schema: T, text: string): z.infer<T> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Problem('malformed-json', 'The request body could not be parsed as JSON.');
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new Problem('bad-request', `The body is not a payload this hook understands: ${parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || 'body'} ${i.message}`).join('; ')}`);
  return parsed.data;
}
