import { TransportError, type OutboundMessage, type SendResult, type TransportSession } from './transport';

/**
 * What the HTTP transports (SES, SendGrid, Mailgun, Postmark, Resend) share: one rule for turning a
 * provider's answer into a TransportError, the Retry-After header, and the shape of a session.
 */

/** The key under which every ESP carries Edgepost's message id (custom args, metadata, tags), so its webhooks map back. */
export const MESSAGE_ID_KEY = 'edgepost_message_id';

/** A provider call slower than this is abandoned; the message is retried later. */
const REQUEST_TIMEOUT_MS = 30_000;

export type Fetcher = (url: string, init: RequestInit) => Promise<Response>;

/** What a provider's error body says; `kind` and `scope` override the status rule where the provider is more precise. */
export interface ProviderErrorDetail {
  message?: string;
  code?: string | number;
  kind?: TransportError['kind'];
  scope?: 'message' | 'connection';
}

export type ErrorReader = (body: unknown, res: Response) => ProviderErrorDetail;

/**
 * The status rule: throttling and provider outages are temporary and stop the batch (the next
 * message would meet the same wall); 401/403/404 mean the key, the account or the sending domain is
 * wrong, which no retry of this message fixes and no other message escapes; any other 4xx is about
 * this message (a bad or suppressed recipient, content the provider refuses).
 */
function statusRule(status: number): { kind: TransportError['kind']; scope: 'message' | 'connection' } {
  if (status === 408 || status === 429 || status >= 500) return { kind: 'temporary', scope: 'connection' };
  if (status === 401 || status === 403 || status === 404) return { kind: 'permanent', scope: 'connection' };
  return { kind: 'permanent', scope: 'message' };
}

/** RFC 9110 §10.2.3: delay-seconds or an HTTP-date. */
export function retryAfterSeconds(value: string | null, now = Date.now()): number | undefined {
  const v = value?.trim();
  if (!v) return undefined;
  if (/^\d+$/.test(v)) return Number(v);
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}

async function bodyOf(res: Response): Promise<{ text: string; json: unknown }> {
  const text = await res.text().catch(() => '');
  try {
    return { text, json: JSON.parse(text) };
  } catch {
    return { text, json: undefined };
  }
}

async function providerError(provider: string, res: Response, read: ErrorReader): Promise<TransportError> {
  const { text, json } = await bodyOf(res);
  const detail = read(json, res);
  const rule = statusRule(res.status);
  const retryAfter = retryAfterSeconds(res.headers.get('retry-after'));
  const said = detail.message ?? (text.trim().slice(0, 300) || res.statusText);
  return new TransportError(`${provider} answered ${res.status}: ${said}`, detail.kind ?? rule.kind, {
    code: detail.code ?? res.status,
    scope: detail.scope ?? rule.scope,
    ...(retryAfter !== undefined ? { retryAfterSeconds: retryAfter } : {}),
  });
}

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** One provider call: a network failure or timeout is temporary and ends the batch; an error status becomes a TransportError. */
export async function callProvider(provider: string, url: string, init: RequestInit, read: ErrorReader, fetcher: Fetcher = (u, i) => fetch(u, i)): Promise<Response> {
  let res: Response;
  try {
    res = await fetcher(url, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  } catch (err) {
    throw new TransportError(`${provider} could not be reached: ${messageOf(err)}`, 'temporary', { scope: 'connection' });
  }
  if (!res.ok) throw await providerError(provider, res, read);
  return res;
}

/** A JSON POST to the provider, through `callProvider`. */
export function postJson(provider: string, url: string, headers: Record<string, string>, body: unknown, read: ErrorReader, fetcher?: Fetcher): Promise<Response> {
  return callProvider(provider, url, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) }, read, fetcher);
}

/**
 * A successful answer's JSON, or an empty object. A 2xx means the provider took the message, so an
 * odd body never turns it into a failure (a retry would send it twice): transports fall back to our
 * own message id when the provider's id is missing.
 */
export async function jsonOf(res: Response): Promise<Record<string, unknown>> {
  const { json } = await bodyOf(res);
  return json && typeof json === 'object' ? (json as Record<string, unknown>) : {};
}

/** The provider's API origin: the tenant's override (fake servers in tests, EU endpoints) or the default, without a trailing slash. */
export const apiBase = (override: string | undefined, fallback: string) => (override ?? fallback).replace(/\/+$/, '');

/** HTTP providers hold no connection: a session is the transport's send function. */
export const statelessSession = (send: (message: OutboundMessage) => Promise<SendResult>): TransportSession => ({ send, close: async () => {} });

/** The message's headers minus those a provider sets itself or refuses (compared case-insensitively). */
export function headersWithout(headers: Record<string, string>, names: readonly string[]): Record<string, string> {
  const drop = new Set(names.map((n) => n.toLowerCase()));
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !drop.has(name.toLowerCase())));
}

/**
 * `"Name" <address>` for JSON APIs that take a mailbox as one string; the provider does the RFC 2047
 * encoding. Quotes and backslashes in the name are escaped (RFC 5322 quoted-string).
 */
export function mailbox(m: { name?: string | null; email: string }): string {
  const name = m.name?.replace(/[\r\n]+/g, ' ').trim();
  return name ? `"${name.replace(/["\\]/g, '\\$&')}" <${m.email}>` : m.email;
}

/** A string field of a provider's JSON answer, or undefined. */
export function field(body: unknown, key: string): string | undefined {
  const v = body && typeof body === 'object' ? (body as Record<string, unknown>)[key] : undefined;
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
}
