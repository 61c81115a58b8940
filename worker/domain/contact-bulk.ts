/**
 * Bulk actions over a selection of contacts: tag, untag, add to or remove from a list, unsubscribe,
 * delete. Small selections change within the request; larger ones run as a `contact_bulk` job that
 * walks the selection by contact id in chunks, each chunk one transaction with its timeline events
 * and the job's cursor, so a crashed or re-delivered job resumes where it stopped and never applies
 * a chunk twice.
 *
 * Decisions:
 * - Only contacts the action changes count as `affected` (tagging a tagged contact does nothing).
 * - Ids that are not live contacts of the workspace (another tenant's, deleted, unknown) are
 *   skipped silently, as a filter would skip them: no error, not counted.
 * - `unsubscribe` sets the status of subscribed and pending contacts to unsubscribed and leaves their
 *   consent record alone. It adds no suppression: suppressions record the recipient's own or the
 *   mail system's verdict (unsubscribe link, bounce, complaint) or an explicit manual suppression
 *   (/v1/suppressions), and a workspace that unsubscribed the wrong contacts must be able to undo it.
 * - `list_add` never re-subscribes: a contact with any membership of the list, an unsubscribe
 *   included, is left as it is (the rule of lists.ts). `list_remove` removes subscribed and pending
 *   memberships and keeps an unsubscribed one as the record of that choice.
 */
import { and, asc, eq, gt, inArray, isNull, notInArray, or, sql, type SQL } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import type { DB } from '../db/client';
import { jsonValues } from '../db/conditions';
import { contacts, contactTags, jobs, listMembers, lists, tags, type ContactEventType, type Job } from '../db/schema';
import { tenantScope, type TenantScope } from '../db/tenant-scope';
import type { Env } from '../env';
import { Problem } from '../lib/problem';
import { audit, auditStatement, type AuditInput } from './audit';
import { contactEventStatements } from './contact-events';
import { resolveSelection, resolvedSelectionWhere, selectionKind, type ContactSelection, type ResolvedSelection } from './contact-selection';
import { countContacts, tagIds, taggedWith } from './contacts';
import { continueJob, resumeState, saveResumeStatement } from './job-resume';
import { startJob, updateJob } from './jobs';
import { joinListStatements } from './lists';

export const BULK_ACTIONS = ['tag', 'untag', 'list_add', 'list_remove', 'unsubscribe', 'reactivate', 'delete'] as const;
export type BulkAction = (typeof BULK_ACTIONS)[number];

/** Up to this many contacts change within the request; more become a job. */
export const INLINE_LIMIT = 500;
/** Contacts per transaction. */
const CHUNK = 200;
/** Chunks per job invocation (a few dozen D1 queries each); a longer job continues in a fresh invocation. */
const CHUNKS_PER_RUN = 15;

export interface BulkRequest {
  action: BulkAction;
  tag?: string;
  list_id?: string;
  selection: ContactSelection;
}

type ActionSpec = Pick<BulkRequest, 'action' | 'tag' | 'list_id'>;

interface BulkJobParams extends ActionSpec {
  selection: ResolvedSelection;
  /** The clock of relative rules ("within the last 30 days"), fixed when the job was asked for. */
  now: string;
  actor: AuditInput['actor'];
  /** For the one audit entry written when the job finishes. */
  auditMetadata: Record<string, unknown>;
}

/** Where a job stands: written in the same transaction as each chunk's changes. */
interface BulkResume {
  cursor: string;
  affected: number;
}

interface Operation {
  /** The contacts of a selection this action would change; the others are skipped. */
  pending: SQL | undefined;
  /** The change for these contacts, with its timeline events. */
  statements(ids: string[]): BatchItem<'sqlite'>[];
  /** Ids for the audit entry (never names or addresses). */
  refs: Record<string, string>;
}

/** Checks what the action needs (404 for another tenant's list) and prepares it. */
async function prepare(scope: TenantScope, spec: ActionSpec): Promise<Operation> {
  const among = (ids: string[]) => inArray(contacts.id, jsonValues(ids));
  const events = (ids: string[], type: ContactEventType, data: Record<string, unknown> | null = null) =>
    contactEventStatements(scope, ids.map((contactId) => ({ contactId, type, data })));
  switch (spec.action) {
    case 'tag': {
      const name = required(spec.tag, 'tag');
      const [tagId] = await tagIds(scope, [name]);
      return {
        pending: notInArray(contacts.id, taggedWith(scope, name)),
        statements: (ids) => [
          scope.db.insert(contactTags).select(scope.db.select({ tenantId: contacts.tenantId, contactId: contacts.id, tagId: sql<string>`${tagId}`.as('tag_id') }).from(contacts).where(scope.own(contacts, among(ids)))).onConflictDoNothing(),
          ...events(ids, 'tagged', { tag: name }),
        ],
        refs: { tag_id: tagId! },
      };
    }
    case 'untag': {
      const name = required(spec.tag, 'tag');
      const tag = await scope.db.select({ id: tags.id }).from(tags).where(scope.own(tags, eq(tags.name, name))).get();
      return {
        pending: tag ? inArray(contacts.id, taggedWith(scope, name)) : sql`0`,
        statements: (ids) => [
          scope.db.delete(contactTags).where(scope.own(contactTags, eq(contactTags.tagId, tag!.id), inArray(contactTags.contactId, jsonValues(ids)))),
          ...events(ids, 'untagged', { tag: name }),
        ],
        refs: tag ? { tag_id: tag.id } : {},
      };
    }
    case 'list_add': {
      const listId = (await scope.get(lists, required(spec.list_id, 'list_id'), 'List')).id;
      const onList = scope.db.select({ id: listMembers.contactId }).from(listMembers).where(scope.own(listMembers, eq(listMembers.listId, listId)));
      return {
        pending: notInArray(contacts.id, onList),
        statements: (ids) => [...joinListStatements(scope, listId, ids), ...events(ids, 'list_added', { list_id: listId })],
        refs: { list_id: listId },
      };
    }
    case 'list_remove': {
      const listId = (await scope.get(lists, required(spec.list_id, 'list_id'), 'List')).id;
      const removable = (ids?: string[]) =>
        scope.own(listMembers, eq(listMembers.listId, listId), inArray(listMembers.status, ['subscribed', 'pending']), ids ? inArray(listMembers.contactId, jsonValues(ids)) : undefined);
      return {
        pending: inArray(contacts.id, scope.db.select({ id: listMembers.contactId }).from(listMembers).where(removable())),
        statements: (ids) => [scope.db.delete(listMembers).where(removable(ids)), ...events(ids, 'list_removed', { list_id: listId })],
        refs: { list_id: listId },
      };
    }
    case 'unsubscribe': {
      const mailable = inArray(contacts.status, ['subscribed', 'pending']);
      return {
        pending: mailable,
        statements: (ids) => [
          scope.db.update(contacts).set({ status: 'unsubscribed', updatedAt: new Date() }).where(scope.own(contacts, among(ids), mailable)),
          ...events(ids, 'unsubscribed', { source: 'bulk' }),
        ],
        refs: {},
      };
    }
    case 'reactivate': {
      // Only the sunset's `inactive` comes back: unsubscribed, bounced or complained contacts made their own choice or the mail system's.
      const inactive = eq(contacts.status, 'inactive');
      return {
        pending: inactive,
        statements: (ids) => [
          scope.db.update(contacts).set({ status: 'subscribed', updatedAt: new Date() }).where(scope.own(contacts, among(ids), inactive)),
          ...events(ids, 'reactivated', { source: 'bulk' }),
        ],
        refs: {},
      };
    }
    case 'delete':
      return {
        pending: undefined,
        statements: (ids) => [scope.db.update(contacts).set({ deletedAt: new Date() }).where(scope.own(contacts, among(ids), isNull(contacts.deletedAt))), ...events(ids, 'deleted')],
        refs: {},
      };
  }
}

function required(value: string | undefined, field: 'tag' | 'list_id') {
  if (!value) throw new Problem('validation-error', `This action needs ${field}.`, { extensions: { errors: [{ field, message: 'is required for this action' }] } });
  return value;
}

/** The next contacts to change, in id order after `after`. */
async function nextChunk(scope: TenantScope, where: SQL, after: string | null) {
  const rows = await scope.db.select({ id: contacts.id }).from(contacts).where(and(where, after ? gt(contacts.id, after) : undefined)).orderBy(asc(contacts.id)).limit(CHUNK).all();
  return rows.map((r) => r.id);
}

const batchOf = (statements: BatchItem<'sqlite'>[]) => statements as [BatchItem<'sqlite'>, ...BatchItem<'sqlite'>[]];

/**
 * Runs the action within the request when it changes at most INLINE_LIMIT contacts; otherwise starts
 * a `contact_bulk` job (its `total` is the number of contacts to change).
 */
export async function bulkAction(env: Env, scope: TenantScope, request: BulkRequest, actor: AuditInput['actor'], createdBy: string | null): Promise<{ affected: number } | { job: Job }> {
  const selection = await resolveSelection(scope, request.selection);
  const op = await prepare(scope, request);
  const now = new Date();
  const where = and(resolvedSelectionWhere(scope, selection, now), op.pending)!;
  const auditMetadata = {
    action: request.action,
    selection: selectionKind(request.selection),
    ...('segment_id' in request.selection ? { segment_id: request.selection.segment_id } : {}),
    ...op.refs,
  };
  const total = await countContacts(scope, where);
  if (total > INLINE_LIMIT) {
    const params: BulkJobParams = { action: request.action, tag: request.tag, list_id: request.list_id, selection, now: now.toISOString(), actor, auditMetadata };
    const job = await startJob(env, scope, 'contact_bulk', { ...params }, createdBy);
    await updateJob(scope.db, job.id, { total });
    return { job: { ...job, total } };
  }
  let affected = 0;
  for (let ids = await nextChunk(scope, where, null); ids.length; ids = await nextChunk(scope, where, ids.at(-1)!)) {
    await scope.db.batch(batchOf(op.statements(ids)));
    affected += ids.length;
  }
  await audit(scope.db, { tenantId: scope.tenantId, actor, action: 'contact.bulk_action', metadata: { ...auditMetadata, affected } });
  return { affected };
}

/** Runs (or resumes) a contact_bulk job: a few chunks per invocation, then it queues its continuation. */
export async function runContactBulk(env: Env, db: DB, job: Job, chunksPerRun = CHUNKS_PER_RUN) {
  const scope = tenantScope(db, job.tenantId);
  const params = job.params as unknown as BulkJobParams;
  const op = await prepare(scope, params);
  const where = and(resolvedSelectionWhere(scope, params.selection, new Date(params.now)), op.pending)!;
  let cursor = resumeState<BulkResume>(job)?.cursor ?? null;
  let affected = resumeState<BulkResume>(job)?.affected ?? 0;
  for (let run = 0; run < chunksPerRun; run++) {
    const ids = await nextChunk(scope, where, cursor);
    if (!ids.length) {
      await applyIfCurrent(db, job.id, cursor, [
        db.update(jobs).set({ status: 'succeeded', processed: affected, total: affected, result: { affected }, finishedAt: new Date(), updatedAt: new Date() }).where(eq(jobs.id, job.id)),
        auditStatement(db, { tenantId: job.tenantId, actor: params.actor, action: 'contact.bulk_action', target: { type: 'job', id: job.id }, metadata: { ...params.auditMetadata, affected } }),
      ]);
      return;
    }
    const resume: BulkResume = { cursor: ids.at(-1)!, affected: affected + ids.length };
    const progress = saveResumeStatement(db, job.id, resume, { processed: resume.affected, result: { affected: resume.affected } });
    if (!(await applyIfCurrent(db, job.id, cursor, [...op.statements(ids), progress]))) return;
    ({ cursor, affected } = resume);
  }
  await continueJob(env, job);
}

/**
 * Fails — and so rolls back the batch it opens, a D1 batch being one transaction — unless the job
 * is still where this run left it. Delivery is at least once, so two runs of one job can overlap,
 * and the slower must not apply a chunk the faster already applied. SQLite raises errors only in
 * triggers, so the statement sets a NOT NULL column to null, which fails exactly when the job has
 * moved on (another cursor, or finished).
 */
const stillAt = (db: DB, jobId: string, cursor: string | null) =>
  db
    .update(jobs)
    .set({ type: sql`null` })
    .where(and(eq(jobs.id, jobId), or(inArray(jobs.status, ['succeeded', 'cancelled']), sql`ifnull(json_extract(${jobs.params}, '$.resume.cursor'), '') <> ${cursor ?? ''}`)));

/** Applies the statements if the job is still at `cursor`; false when another run got there first. */
async function applyIfCurrent(db: DB, jobId: string, cursor: string | null, statements: BatchItem<'sqlite'>[]) {
  try {
    await db.batch(batchOf([stillAt(db, jobId, cursor), ...statements]));
    return true;
  } catch (err) {
    const now = await db.select({ status: jobs.status, params: jobs.params }).from(jobs).where(eq(jobs.id, jobId)).get();
    const at = now ? (resumeState<BulkResume>(now)?.cursor ?? null) : null;
    if (now && (now.status === 'succeeded' || now.status === 'cancelled' || at !== cursor)) return false;
    throw err;
  }
}
