import { eq, sql } from 'drizzle-orm';
import { insertFromJson, jsonRowParams, rowValue } from '../db/json-rows';
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

/**
 * Insert statements for timeline events, for the caller to put in the same `db.batch` as the change
 * they describe — so an event exists exactly when its change does (no orphan events after a crash).
 * Rows travel as one JSON parameter per statement: an import's thousand events are one insert.
 */
export function contactEventStatements(scope: TenantScope, events: ContactEventInput[]) {
  const now = Date.now();
  const rows = events.map((e) => {
    const at = e.at?.getTime() ?? now;
    return [newId(ID_PREFIX.contactEvent, at), e.contactId, e.type, e.campaignId ?? null, e.data ? JSON.stringify(e.data) : null, at];
  });
  return jsonRowParams(rows).map((json) =>
    insertFromJson(scope.db, contactEvents, json, {
      id: rowValue(0),
      tenantId: sql`${scope.tenantId}`,
      contactId: rowValue(1),
      type: rowValue(2),
      campaignId: rowValue(3),
      data: rowValue(4),
      createdAt: rowValue(5),
    }),
  );
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
