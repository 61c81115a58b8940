import { eq, sql } from 'drizzle-orm';
import { runBatch } from '../db/client';
import { insertFromJson, jsonRowParams, rowValue } from '../db/json-rows';
import { contactEvents, contacts, type Contact, type ContactEvent, type ContactEventType } from '../db/schema';
import { encodeCursor } from '../lib/pagination';
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
  await runBatch(scope.db, statements);
}

export function contactEventView(e: ContactEvent) {
  return { id: e.id, type: e.type, campaign_id: e.campaignId, data: e.data, created_at: e.createdAt.toISOString() };
}

/**
 * A contact an import created carries its job in the consent record instead of an `imported` event
 * row: one row fewer per contact on the import's hot path (bench/RESULTS.md). The timeline shows it
 * as the contact's first event all the same.
 */
export function importedEventOf(c: Pick<Contact, 'id' | 'consent' | 'createdAt'>) {
  const job = c.consent?.import_job;
  return job ? { id: `${c.id}-imported`, type: 'imported' as const, campaign_id: null, data: { job_id: job }, created_at: c.createdAt.toISOString() } : null;
}

/** A contact's timeline, newest first; another tenant's contact is a 404 like any other. */
export async function listContactEvents(scope: TenantScope, contactId: string, page: { limit: number; cursor?: string }) {
  const contact = await scope.get(contacts, contactId, 'Contact');
  const result = await scope.list(contactEvents, page, contactEventView, eq(contactEvents.contactId, contactId));
  const imported = importedEventOf(contact);
  if (!imported || result.next_cursor) return result;
  // The oldest entry ends the last page, or makes a page of its own after a full one.
  if (result.data.length < page.limit) return { ...result, data: [...result.data, imported] };
  return { ...result, next_cursor: encodeCursor(result.data[result.data.length - 1]!.id) };
}
