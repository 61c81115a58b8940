/**
 * Segment rules: a tree of conditions over contacts, validated strictly and compiled to one
 * parameterized drizzle condition. User values only ever travel as bound parameters.
 *
 * Semantics, so the builder, the API and the SQL agree:
 * - Text comparisons ignore case for ASCII letters (SQLite folds nothing else): `eq ada` matches
 *   "Ada", not "ÁDA". contains/starts_with/ends_with take the text literally (% and _ are no wildcards).
 * - A negation (neq, not_contains) also matches contacts where the field is empty; is_set means
 *   present and not the empty string.
 * - Dates are UTC days: `before D` is earlier than D, `after D` later than D, `on D` that day.
 *   `within_last_days N` is from N days before `now` up to `now`; `not_within_last_days` is a set
 *   date outside that window (a date in the future included).
 * - Custom booleans: is_false matches an explicit false only; combine with is_not_set for "not true".
 * - Tags match by exact name; `list member` means subscribed to that list; activity looks at
 *   `open`/`click` timeline events, optionally of one campaign and within the last N days.
 * - An `all` group without conditions matches everyone, an `any` group without conditions no one.
 * - Deleted contacts never match.
 */
import { z } from '@hono/zod-openapi';
import { and, between, eq, gte, inArray, isNull, lt, ne, notBetween, or, sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import { jsonValues, likeText } from '../db/conditions';
import { CONTACT_STATUSES, CUSTOM_FIELD_TYPES, contactEvents, contacts, customFields, lists, type ContactStatus } from '../db/schema';
import type { TenantScope } from '../db/tenant-scope';
import { Problem, validationProblem, type FieldError } from '../lib/problem';
import { fieldPath } from '../lib/zod-issues';
import { subscribedCondition, tagCondition, type FilterPlan } from './contact-conditions';

export const MAX_DEPTH = 4;
export const MAX_CONDITIONS = 50;
/**
 * D1 binds at most 100 parameters per statement, and whoever uses the rules adds a few (tenant,
 * cursor, limit, a bulk action's own condition). Rules that would need more are refused on save.
 */
export const MAX_RULE_PARAMS = 85;
const DAY_MS = 24 * 3600_000;

export interface RuleCondition {
  field: string;
  op: string;
  value?: unknown;
}
export interface RuleGroup {
  match: 'all' | 'any';
  conditions: RuleNode[];
}
export type RuleNode = RuleCondition | RuleGroup;

export const isGroup = (node: RuleNode): node is RuleGroup => 'conditions' in node;

type ValueType = (typeof CUSTOM_FIELD_TYPES)[number];
type Kind = ValueType | 'status' | 'tag' | 'list' | 'activity';

const TEXT_COLUMNS: Record<string, SQLiteColumn> = {
  email: contacts.email,
  first_name: contacts.firstName,
  last_name: contacts.lastName,
  phone: contacts.phone,
  company: contacts.company,
  city: contacts.city,
  country: contacts.country,
  language: contacts.language,
  timezone: contacts.timezone,
};
const BUILT_IN_KINDS = new Map<string, Kind>([
  ...Object.keys(TEXT_COLUMNS).map((f) => [f, 'text'] as const),
  ['status', 'status'],
  ['created_at', 'date'],
  ['tag', 'tag'],
  ['list', 'list'],
  ['activity', 'activity'],
]);
/** The key rule of custom fields (see /v1/fields), so the JSON path can only name a field. */
const CUSTOM_FIELD = /^custom\.([a-z][a-z0-9_]{0,39})$/;

const Text = z.string().min(1).max(200);
const Num = z.number();
const Day = z.iso.date();
const Days = z.number().int().min(1).max(36500);
const Status = z.enum(CONTACT_STATUSES);
const Activity = z.object({ campaign_id: z.string().min(3).max(64).optional(), within_days: Days.optional() }).strict().optional();

/** Each kind of field's operators with the value each takes (`null`: none). */
const OPERATORS: Record<Kind, Record<string, z.ZodType | null>> = {
  text: { eq: Text, neq: Text, contains: Text, not_contains: Text, starts_with: Text, ends_with: Text, is_set: null, is_not_set: null },
  number: { eq: Num, neq: Num, gt: Num, gte: Num, lt: Num, lte: Num, is_set: null, is_not_set: null },
  date: { before: Day, after: Day, on: Day, within_last_days: Days, not_within_last_days: Days, is_set: null, is_not_set: null },
  boolean: { is_true: null, is_false: null, is_set: null, is_not_set: null },
  status: { eq: Status, neq: Status, in: z.array(Status).min(1).max(CONTACT_STATUSES.length) },
  tag: { has: z.string().min(1).max(50), has_not: z.string().min(1).max(50) },
  list: { member: z.string().min(3).max(64), not_member: z.string().min(3).max(64) },
  activity: { opened: Activity, clicked: Activity, not_opened: Activity, not_clicked: Activity },
};

interface Issue {
  path: PropertyKey[];
  message: string;
}

/** What is wrong with a condition on a field of this kind; paths are relative to the condition. */
function conditionIssues(c: RuleCondition, kind: Kind): Issue[] {
  const ops = OPERATORS[kind];
  if (!Object.hasOwn(ops, c.op)) return [{ path: ['op'], message: `must be one of ${Object.keys(ops).join(', ')} for this field` }];
  const schema = ops[c.op] ?? null;
  if (schema === null) return c.value === undefined ? [] : [{ path: ['value'], message: `${c.op} takes no value` }];
  const parsed = schema.safeParse(c.value);
  return parsed.success ? [] : parsed.error.issues.map((i) => ({ path: ['value', ...i.path], message: i.message }));
}

const Condition = z
  .object({
    field: z.string().max(50).openapi({ description: 'email, first_name, last_name, phone, company, city, country, language, timezone, status, created_at, custom.<key>, tag, list or activity' }),
    op: z.string().max(30).openapi({
      description:
        'text: eq, neq, contains, not_contains, starts_with, ends_with, is_set, is_not_set · number: eq, neq, gt, gte, lt, lte, is_set, is_not_set · date: before, after, on, within_last_days, not_within_last_days, is_set, is_not_set · boolean: is_true, is_false, is_set, is_not_set · status: eq, neq, in · tag: has, has_not · list: member, not_member · activity: opened, clicked, not_opened, not_clicked',
    }),
    value: z.unknown().optional().openapi({ description: 'Text, number, YYYY-MM-DD, days, status(es), tag name, list id, or for activity { campaign_id?, within_days? }' }),
  })
  .strict()
  .superRefine((c, ctx) => {
    const kind = BUILT_IN_KINDS.get(c.field);
    // A custom field's operators depend on its type in this workspace: checkRulesForTenant checks them.
    const issues = kind ? conditionIssues(c, kind) : CUSTOM_FIELD.test(c.field) ? [] : [{ path: ['field'], message: 'must be a contact field, custom.<key>, tag, list or activity' }];
    for (const i of issues) ctx.addIssue({ code: 'custom', path: i.path, message: i.message });
  })
  .openapi('SegmentCondition');

const Group: z.ZodType<RuleGroup> = z
  .object({
    match: z.enum(['all', 'any']),
    get conditions() {
      return z.array(z.union([Condition, Group])).max(MAX_CONDITIONS);
    },
  })
  .strict()
  .openapi('SegmentRules', { description: `Conditions and nested groups (at most ${MAX_DEPTH} levels, ${MAX_CONDITIONS} conditions in all)` });

const isGroupLike = (v: unknown): v is { conditions: unknown[] } => typeof v === 'object' && v !== null && Array.isArray((v as { conditions?: unknown }).conditions);

/**
 * Depth and size are checked before the recursive schema runs, without recursion: a hostile body
 * nested thousands of levels deep must be a 400, not a stack overflow.
 */
function boundedTree(input: unknown, ctx: z.RefinementCtx) {
  let conditions = 0;
  let groups = 0;
  const pending: { node: unknown; depth: number; path: PropertyKey[] }[] = [{ node: input, depth: 1, path: [] }];
  while (pending.length) {
    const { node, depth, path } = pending.pop()!;
    if (!isGroupLike(node)) {
      if (path.length) conditions++;
      continue;
    }
    if (depth > MAX_DEPTH) {
      ctx.addIssue({ code: 'custom', path, message: `groups nest at most ${MAX_DEPTH} levels deep` });
      return z.NEVER;
    }
    if (path.length) groups++;
    node.conditions.forEach((child, i) => pending.push({ node: child, depth: depth + 1, path: [...path, 'conditions', i] }));
  }
  if (conditions > MAX_CONDITIONS || groups > MAX_CONDITIONS) {
    ctx.addIssue({ code: 'custom', path: [], message: `at most ${MAX_CONDITIONS} conditions and ${MAX_CONDITIONS} groups in all` });
    return z.NEVER;
  }
  return input;
}

/** The rule tree as the API accepts it (everything but what depends on the tenant's data). */
export const Rules = z.preprocess(boundedTree, Group);

function walk(group: RuleGroup, path: PropertyKey[], visit: (c: RuleCondition, path: PropertyKey[]) => void) {
  group.conditions.forEach((node, i) => {
    const at = [...path, 'conditions', i];
    if (isGroup(node)) walk(node, at, visit);
    else visit(node, at);
  });
}

/** The workspace's custom fields by key, with their types (a workspace defines a handful). */
async function customFieldTypes(scope: TenantScope): Promise<Map<string, ValueType>> {
  return new Map((await scope.db.select({ key: customFields.key, type: customFields.type }).from(customFields).where(scope.own(customFields)).all()).map((d) => [d.key, d.type]));
}

/**
 * What the schema cannot know: custom fields must be defined in this workspace, with a type the
 * operator and value fit; lists must be this workspace's (another's is a 404, as everywhere); and
 * the compiled rules must fit D1's parameter limit. `path` names the rules in the request body.
 */
export async function checkRulesForTenant(scope: TenantScope, rules: RuleGroup, path: PropertyKey[] = ['rules']) {
  const defs = await customFieldTypes(scope);
  const errors: FieldError[] = [];
  const listRefs = new Map<string, PropertyKey[]>();
  walk(rules, path, (c, at) => {
    const custom = CUSTOM_FIELD.exec(c.field);
    if (custom) {
      const type = defs.get(custom[1]!);
      if (!type) errors.push({ field: fieldPath([...at, 'field']), message: 'is not a defined custom field (see /v1/fields)' });
      else errors.push(...conditionIssues(c, type).map((i) => ({ field: fieldPath([...at, ...i.path]), message: `${i.message} (${c.field} is a ${type} field)` })));
    }
    if (c.field === 'list') listRefs.set(c.value as string, [...at, 'value']);
  });
  if (errors.length) throw validationProblem(errors);
  if (listRefs.size) {
    const found = new Set((await scope.db.select({ id: lists.id }).from(lists).where(scope.own(lists, inArray(lists.id, jsonValues([...listRefs.keys()])))).all()).map((l) => l.id));
    for (const [id, at] of listRefs) if (!found.has(id)) throw new Problem('not-found', `List not found (${fieldPath(at)}).`);
  }
  // Counted for the index way, which binds at least as many values as the scan way.
  const params = scope.db.select({ id: contacts.id }).from(contacts).where(rulesWhere(scope, rules, new Date(), 'index')).toSQL().params.length;
  if (params > MAX_RULE_PARAMS) {
    throw validationProblem([{ field: fieldPath(path), message: `these rules are too complex to run (${params} values; at most ${MAX_RULE_PARAMS}): combine conditions or split the segment` }]);
  }
}

/**
 * The rules as a WHERE clause over `contacts`: this tenant's live contacts that match them at `now`.
 * `sets` is how tag and list conditions run (see contact-conditions.ts): `index` for counts and
 * previews, `scan` (the default) for jobs that walk the audience chunk by chunk.
 */
export function rulesWhere(scope: TenantScope, rules: RuleGroup, now: Date, sets: FilterPlan = 'scan'): SQL {
  return scope.own(contacts, isNull(contacts.deletedAt), rulesCondition(scope, rules, now, sets))!;
}

/** The rules alone, for a caller that scopes the contacts itself (the contact filter). */
export const rulesCondition = (scope: TenantScope, rules: RuleGroup, now: Date, sets: FilterPlan = 'scan') => groupSql({ scope, now, sets }, rules);

export const MAX_FIELD_FILTERS = 10;

const FieldFilter = z.string().min(1).max(300);
/** `field` filters as a query gives them (one or repeated) or a body does (an array). */
export const FieldFilters = z
  .union([FieldFilter, z.array(FieldFilter).max(MAX_FIELD_FILTERS)])
  .transform((v) => [v].flat())
  .optional()
  .openapi({
    description: `Field equalities, all of which must match (at most ${MAX_FIELD_FILTERS}): field:value with a contact field (first_name, last_name, phone, company, city, country, language, timezone, email) or custom.<key>; typed as the field is (number, YYYY-MM-DD, true/false; text ignores case); an empty value matches contacts without one. Repeat the parameter for more.`,
    example: 'country:DE',
  });

/**
 * The `field` filters of the contact list and of selections (`country:DE`, `custom.plan:pro`) as
 * rules: each is an equality on a contact field, typed as the field is in this workspace (a number,
 * a day as YYYY-MM-DD, `true` or `false`; text ignores ASCII case), and an empty value matches
 * contacts without one. All must match. `param` names the filters in error messages.
 */
export async function fieldFilterRules(scope: TenantScope, filters: string[], param: string): Promise<RuleGroup> {
  const defs = filters.some((f) => f.trimStart().startsWith('custom.')) ? await customFieldTypes(scope) : new Map<string, ValueType>();
  const errors: FieldError[] = [];
  const conditions: RuleCondition[] = [];
  filters.forEach((filter, i) => {
    const fail = (message: string) => errors.push({ field: `${param}[${i}]`, message: `${filter.slice(0, 60)}: ${message}` });
    const at = filter.indexOf(':');
    if (at < 0) return fail('must be field:value, such as country:DE or custom.plan:pro');
    const field = filter.slice(0, at).trim();
    const text = filter.slice(at + 1).trim();
    const kind = Object.hasOwn(TEXT_COLUMNS, field) ? 'text' : defs.get(CUSTOM_FIELD.exec(field)?.[1] ?? '');
    if (!kind) return fail(`${field} is not a contact field or a defined custom field (see /v1/fields)`);
    let c: RuleCondition;
    if (!text) c = { field, op: 'is_not_set' };
    else if (kind === 'boolean') {
      if (text !== 'true' && text !== 'false') return fail(`${field} is a boolean field: the value is true or false`);
      c = { field, op: text === 'true' ? 'is_true' : 'is_false' };
    } else if (kind === 'number') {
      if (Number.isNaN(Number(text))) return fail(`${field} is a number field: the value must be a number`);
      c = { field, op: 'eq', value: Number(text) };
    } else c = { field, op: kind === 'date' ? 'on' : 'eq', value: text };
    const issues = conditionIssues(c, kind);
    if (issues.length) return fail(`${issues[0]!.message} (${field} is a ${kind} field)`);
    conditions.push(c);
  });
  if (errors.length) throw validationProblem(errors);
  return { match: 'all', conditions };
}

interface Compile {
  scope: TenantScope;
  now: Date;
  sets: FilterPlan;
}

function groupSql(at: Compile, group: RuleGroup): SQL {
  const parts = group.conditions.map((node) => (isGroup(node) ? groupSql(at, node) : conditionSql(at, node)));
  return group.match === 'all' ? (and(...parts) ?? sql`1`) : (or(...parts) ?? sql`0`);
}

const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

function conditionSql({ scope, now, sets }: Compile, c: RuleCondition): SQL {
  if (Object.hasOwn(TEXT_COLUMNS, c.field)) return textSql(TEXT_COLUMNS[c.field]!, c.op, c.value as string);
  switch (c.field) {
    case 'status':
      return c.op === 'in' ? inArray(contacts.status, c.value as ContactStatus[]) : c.op === 'eq' ? eq(contacts.status, c.value as ContactStatus) : ne(contacts.status, c.value as ContactStatus);
    case 'created_at':
      return createdAtSql(c.op, c.value, now);
    case 'tag':
      return negate(c.op === 'has_not', tagCondition(scope, c.value as string, sets));
    case 'list':
      return negate(c.op === 'not_member', subscribedCondition(scope, c.value as string, sets));
    case 'activity': {
      const v = (c.value ?? {}) as { campaign_id?: string; within_days?: number };
      const type = c.op === 'opened' || c.op === 'not_opened' ? 'open' : 'click';
      const since = v.within_days ? new Date(now.getTime() - v.within_days * DAY_MS) : undefined;
      return negate(c.op.startsWith('not_'), inArray(contacts.id, activity(scope, type, v.campaign_id, since)));
    }
  }
  const key = CUSTOM_FIELD.exec(c.field)![1]!;
  // The JSON path is a bound parameter too (and the key could only name a field anyway).
  return customSql(sql`json_extract(${contacts.custom}, ${`$.${key}`})`, sql`json_type(${contacts.custom}, ${`$.${key}`})`, c, now);
}

const negate = (not: boolean, condition: SQL) => (not ? sql`not (${condition})` : condition);

/**
 * Opens or clicks as a set of contact ids, read from contact_events_type_time (or _type_campaign)
 * once per statement: the work is the number of such events. There is no per-contact index of
 * event types to check contacts one by one, so jobs walking such a segment rebuild the set for
 * every chunk. The event type is written into the SQL: with the tenant id bound, the condition
 * binds one to three values, no more than its options (D1's parameters, MAX_RULE_PARAMS).
 */
const activity = (scope: TenantScope, type: 'open' | 'click', campaignId: string | undefined, since: Date | undefined) =>
  scope.db
    .select({ id: contactEvents.contactId })
    .from(contactEvents)
    .where(
      scope.own(
        contactEvents,
        sql`${contactEvents.type} = ${sql.raw(`'${type}'`)}`,
        campaignId ? eq(contactEvents.campaignId, campaignId) : undefined,
        since ? gte(contactEvents.createdAt, since) : undefined,
      ),
    );

/** Each expression is referenced once where possible: a custom field's path costs a parameter per use. */
function textSql(e: SQLWrapper, op: string, value: string): SQL {
  switch (op) {
    case 'eq':
      return sql`lower(${e}) = lower(${value})`;
    case 'neq':
      return sql`coalesce(lower(${e}) <> lower(${value}), 1)`;
    case 'contains':
      return likeText(e, value, 'anywhere');
    case 'not_contains':
      return sql`coalesce(not (${likeText(e, value, 'anywhere')}), 1)`;
    case 'starts_with':
      return likeText(e, value, 'start');
    case 'ends_with':
      return likeText(e, value, 'end');
    case 'is_set':
      return sql`ifnull(${e}, '') <> ''`;
    default:
      return sql`ifnull(${e}, '') = ''`;
  }
}

function numberSql(e: SQL, op: string, value: number): SQL {
  const cmp = { eq: sql`=`, gt: sql`>`, gte: sql`>=`, lt: sql`<`, lte: sql`<=` }[op];
  return cmp ? sql`${e} ${cmp} ${value}` : sql`coalesce(${e} <> ${value}, 1)`;
}

function createdAtSql(op: string, value: unknown, now: Date): SQL {
  const startOf = (day: string) => new Date(`${day}T00:00:00Z`);
  switch (op) {
    case 'before':
      return lt(contacts.createdAt, startOf(value as string));
    case 'after':
      return gte(contacts.createdAt, new Date(startOf(value as string).getTime() + DAY_MS));
    case 'on':
      return and(gte(contacts.createdAt, startOf(value as string)), lt(contacts.createdAt, new Date(startOf(value as string).getTime() + DAY_MS)))!;
    case 'within_last_days':
      return between(contacts.createdAt, new Date(now.getTime() - (value as number) * DAY_MS), now);
    case 'not_within_last_days':
      return notBetween(contacts.createdAt, new Date(now.getTime() - (value as number) * DAY_MS), now);
    case 'is_set':
      return sql`${contacts.createdAt} is not null`;
    default:
      return sql`${contacts.createdAt} is null`;
  }
}

/**
 * Custom values live in contacts.custom (JSON). The operator and value say how to compare: dates are
 * stored as ISO 8601 strings, so their first ten characters are the day.
 */
function customSql(e: SQL, type: SQL, c: RuleCondition, now: Date): SQL {
  const day = sql`substr(${e}, 1, 10)`;
  switch (c.op) {
    case 'is_true':
      return sql`${type} = 'true'`;
    case 'is_false':
      return sql`${type} = 'false'`;
    case 'before':
      return sql`${day} < ${c.value as string}`;
    case 'after':
      return sql`${day} > ${c.value as string}`;
    case 'on':
      return sql`${day} = ${c.value as string}`;
    case 'within_last_days':
    case 'not_within_last_days':
      // An unset date is neither (NOT of NULL stays NULL).
      return negate(c.op === 'not_within_last_days', sql`${day} between ${utcDay(now.getTime() - (c.value as number) * DAY_MS)} and ${utcDay(now.getTime())}`);
  }
  if (typeof c.value === 'number' || ['gt', 'gte', 'lt', 'lte'].includes(c.op)) return numberSql(e, c.op, c.value as number);
  return textSql(e, c.op, c.value as string);
}
