import { eq } from 'drizzle-orm';
import { contactEvents, contacts, type ContactEvent, type ContactEventType } from '../db/schema';
import type { TenantScope } from '../db/tenant-scope';
import { ID_PREFIX, newId } from '../lib/ids';

export interface ContactEventInput {
  contactId: string;
  type: ContactEventType;
  campaignId?: string | null;
  data?: Record<string, unknown> | null;
  at?: Date;
}

/** 7 bound columns per row keeps a multi-row insert under D1's 100-parameter limit. */
const ROWS_PER_STATEMENT = 14;

/**
 * Insert statements for timeline events, for the caller to put in the same `db.batch` as the change
 * they describe — so an event exists exactly when its change does (no orphan events after a crash).
 */
export function contactEventStatements(scope: TenantScope, events: ContactEventInput[]) {
  const rows = events.map((e) => ({
    id: newId(ID_PREFIX.contactEvent, e.at?.getTime()),
    tenantId: scope.tenantId,
    contactId: e.contactId,
    type: e.type,
    campaignId: e.campaignId ?? null,
    data: e.data ?? null,
    ...(e.at ? { createdAt: e.at } : {}),
  }));
  const statements = [];
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) statements.push(scope.db.insert(contactEvents).values(rows.slice(i, i + ROWS_PER_STATEMENT)));
  return statements;
}

export async function recordContactEvents(scope: TenantScope, events: ContactEventInput[]) {
  const statements = contactEventStatements(scope, events);
  if (statements.length) await scope.db.batch(statements as [(typeof statements)[number], ...typeof statements]);
}

export function contactEventView(e: ContactEvent) {
  return { id: e.id, type: e.type, campaign_id: e.campaignId, data: e.data, created_at: e.createdAt.toISOString() };
}

/** A contact's timeline, newest first; another tenant's contact is a 404 like any other. */
export async function listContactEvents(scope: TenantScope, contactId: string, page: { limit: number; cursor?: string }) {
  await scope.get(contacts, contactId, 'Contact');
  return scope.list(contactEvents, page, contactEventView, eq(contactEvents.contactId, contactId));
}
