/**
 * Reports unhandled errors to a Sentry-compatible endpoint (ERROR_REPORTING_DSN), with the request id
 * so a user's "request id xyz failed" can be found. Off when no DSN is set (the default locally).
 * A tiny fetch client: the official SDK is far larger than the one call we need.
 */
export interface ErrorContext {
  requestId?: string;
  route?: string;
  tenantId?: string;
  environment: string;
}

interface Dsn {
  endpoint: string;
  publicKey: string;
}

export function parseDsn(dsn: string): Dsn | null {
  try {
    const url = new URL(dsn);
    const projectId = url.pathname.replace(/^\/+|\/+$/g, '');
    if (!url.username || !projectId) return null;
    return { endpoint: `${url.protocol}//${url.host}/api/${projectId}/envelope/`, publicKey: url.username };
  } catch {
    return null;
  }
}

export function buildEnvelope(err: unknown, ctx: ErrorContext, now = new Date()) {
  const eventId = crypto.randomUUID().replace(/-/g, '');
  const error = err instanceof Error ? err : new Error(String(err));
  const event = {
    event_id: eventId,
    timestamp: now.toISOString(),
    platform: 'javascript',
    level: 'error',
    environment: ctx.environment,
    // Ids only: no emails, names, IPs or bodies leave the platform in error reports.
    tags: { request_id: ctx.requestId, route: ctx.route, tenant_id: ctx.tenantId },
    exception: { values: [{ type: error.name, value: error.message, stacktrace: { frames: (error.stack ?? '').split('\n').slice(1, 30).map((line) => ({ function: line.trim() })) } }] },
  };
  return { eventId, body: [JSON.stringify({ event_id: eventId, sent_at: now.toISOString() }), JSON.stringify({ type: 'event' }), JSON.stringify(event)].join('\n') };
}

export async function reportError(dsn: string | undefined, err: unknown, ctx: ErrorContext, fetcher: typeof fetch = fetch): Promise<string | null> {
  const target = dsn ? parseDsn(dsn) : null;
  if (!target) return null;
  const { eventId, body } = buildEnvelope(err, ctx);
  try {
    await fetcher(target.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-sentry-envelope', 'x-sentry-auth': `Sentry sentry_version=7, sentry_key=${target.publicKey}, sentry_client=edgepost/1.0` },
      body,
    });
  } catch {
    // Reporting must never turn one failure into two.
    return null;
  }
  return eventId;
}
