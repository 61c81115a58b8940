import { env } from 'cloudflare:test';
import { and, eq } from 'drizzle-orm';
import { expect } from 'vitest';
import { getDb } from '../../worker/db/client';
import { notifications, sendingDomains } from '../../worker/db/schema';
import { call, type Session } from './helpers';

let counter = 0;
/** A `.test` domain no other test uses (the local DNS zone in R2 outlives a single test). */
export const uniqueDomain = (label = 'acme') => `${label}-${Date.now().toString(36)}-${++counter}.test`;

export const PLATFORM = 'mail.edgepost.test';

export async function addDomain(s: Session, domain = uniqueDomain()) {
  const res = await call('/v1/domains', { token: s.token, body: { domain } });
  if (res.status !== 201) throw new Error(`adding ${domain} failed: ${res.status} ${JSON.stringify(res.json)}`);
  return res.json;
}

export const domainAction = (s: Session, id: string, action: 'verify' | 'rotate-dkim' | 'publish-local') =>
  call(`/v1/domains/${id}/${action}`, { token: s.token, method: 'POST' });

/** Adds a domain, publishes its records in the local zone and verifies it. */
export async function verifiedDomain(s: Session, domain = uniqueDomain()) {
  const added = await addDomain(s, domain);
  await domainAction(s, added.id, 'publish-local');
  const verified = await domainAction(s, added.id, 'verify');
  expect(verified.json.status).toBe('verified');
  return verified.json;
}

export const recordOf = (domain: { records: { kind: string; name: string }[] }, kind: string, name?: string) =>
  domain.records.find((r) => r.kind === kind && (name === undefined || r.name === name)) as {
    kind: string;
    name: string;
    type: string;
    expected: string;
    found: string[];
    ok: boolean;
    required: boolean;
    state: string;
    detail: string | null;
  };

export async function notificationsOf(tenantId: string, kind: string) {
  return getDb(env).select().from(notifications).where(and(eq(notifications.tenantId, tenantId), eq(notifications.kind, kind))).all();
}

export const domainRow = (id: string) => getDb(env).select().from(sendingDomains).where(eq(sendingDomains.id, id)).get();
