import { eq, type SQL } from 'drizzle-orm';
import { segments, type Segment } from '../db/schema';
import type { TenantScope } from '../db/tenant-scope';
import { ID_PREFIX, newId } from '../lib/ids';
import { Problem } from '../lib/problem';
import { audit, type AuditInput } from './audit';
import { contactPage, countContacts } from './contacts';
import { checkRulesForTenant, rulesWhere, type RuleGroup } from './segment-rules';

export interface SegmentInput {
  name: string;
  description?: string | null;
  rules: RuleGroup;
}

export function segmentView(s: Segment) {
  return {
    id: s.id,
    name: s.name,
    description: s.description,
    rules: s.rules as unknown as RuleGroup,
    created_at: s.createdAt.toISOString(),
    updated_at: s.updatedAt?.toISOString() ?? null,
  };
}

async function assertUniqueName(scope: TenantScope, name: string, exceptId?: string) {
  const same = await scope.db.select({ id: segments.id }).from(segments).where(scope.own(segments, eq(segments.name, name))).get();
  if (same && same.id !== exceptId) throw new Problem('conflict', `A segment named "${name}" exists already.`);
}

export async function createSegment(scope: TenantScope, input: SegmentInput, actor: AuditInput['actor']) {
  await assertUniqueName(scope, input.name);
  await checkRulesForTenant(scope, input.rules);
  const segment = await scope.insert(segments, { id: newId(ID_PREFIX.segment), name: input.name, description: input.description ?? null, rules: { ...input.rules } });
  await audit(scope.db, { tenantId: scope.tenantId, actor, action: 'segment.created', target: { type: 'segment', id: segment.id } });
  return segmentView(segment);
}

export async function updateSegment(scope: TenantScope, id: string, patch: Partial<SegmentInput>, actor: AuditInput['actor']) {
  await scope.get(segments, id, 'Segment');
  if (patch.name !== undefined) await assertUniqueName(scope, patch.name, id);
  if (patch.rules) await checkRulesForTenant(scope, patch.rules);
  const segment = await scope.update(
    segments,
    id,
    {
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.description !== undefined ? { description: patch.description } : {}),
      ...(patch.rules ? { rules: { ...patch.rules } } : {}),
      updatedAt: new Date(),
    },
    'Segment',
  );
  await audit(scope.db, { tenantId: scope.tenantId, actor, action: 'segment.updated', target: { type: 'segment', id }, metadata: { fields: Object.keys(patch) } });
  return segmentView(segment);
}

export async function deleteSegment(scope: TenantScope, id: string, actor: AuditInput['actor']) {
  await scope.remove(segments, id, 'Segment');
  await audit(scope.db, { tenantId: scope.tenantId, actor, action: 'segment.deleted', target: { type: 'segment', id } });
}

/**
 * The saved segment's rules as a WHERE clause over `contacts` (404 for another tenant's segment),
 * with tags and lists read as sets from their indexes: right for a count or one page.
 */
async function segmentWhere(scope: TenantScope, segmentId: string, now = new Date()): Promise<SQL> {
  return rulesWhere(scope, await segmentRules(scope, segmentId), now, 'index');
}

export async function segmentRules(scope: TenantScope, segmentId: string) {
  return (await scope.get(segments, segmentId, 'Segment')).rules as unknown as RuleGroup;
}

/** Live count for the rule builder: rules not saved yet, checked as strictly as on save. */
export async function countRules(scope: TenantScope, rules: RuleGroup, now = new Date()) {
  await checkRulesForTenant(scope, rules);
  return countContacts(scope, rulesWhere(scope, rules, now, 'index'));
}

export async function countSegment(scope: TenantScope, segmentId: string) {
  return countContacts(scope, await segmentWhere(scope, segmentId));
}

export async function previewSegment(scope: TenantScope, segmentId: string, page: { limit: number; cursor?: string }) {
  return contactPage(scope, await segmentWhere(scope, segmentId), page);
}
