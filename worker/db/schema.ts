import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { CONTACT_STATUSES } from './contact-statuses';

/** Timestamps are stored as integer milliseconds and surface as Date objects. */
const ts = (name: string) => integer(name, { mode: 'timestamp_ms' });
const createdAt = () => ts('created_at').notNull().default(sql`(cast(unixepoch('subsec') * 1000 as integer))`);

export const ROLES = ['owner', 'admin', 'editor', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export const plans = sqliteTable('plans', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  maxContacts: integer('max_contacts').notNull(),
  monthlyEmails: integer('monthly_emails').notNull(),
  dailyEmails: integer('daily_emails').notNull(),
  maxUsers: integer('max_users').notNull(),
  maxDomains: integer('max_domains').notNull(),
  apiRatePerMinute: integer('api_rate_per_minute').notNull(),
  sendRatePerHour: integer('send_rate_per_hour').notNull(),
  customDomains: integer('custom_domains', { mode: 'boolean' }).notNull(),
  sortOrder: integer('sort_order').notNull().default(0),
  createdAt: createdAt(),
});

export const tenants = sqliteTable('tenants', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  slug: text('slug').notNull().unique(),
  planId: text('plan_id').notNull().references(() => plans.id),
  status: text('status', { enum: ['active', 'suspended', 'closed'] }).notNull().default('active'),
  /** ISO 3166-1 alpha-2. */
  country: text('country'),
  /** Printed in every campaign footer (CAN-SPAM, GDPR); a campaign cannot be sent without it. */
  postalAddress: text('postal_address', { mode: 'json' }).$type<PostalAddress>(),
  defaultFromName: text('default_from_name'),
  defaultReplyTo: text('default_reply_to'),
  timezone: text('timezone').notNull().default('UTC'),
  language: text('language').notNull().default('en'),
  brand: text('brand', { mode: 'json' }).$type<Brand>(),
  /**
   * The workspace's verified tracking hostname (`tracking_domains`), copied here so the senders, which
   * load the tenant anyway, sign links for it without another read. Null: the platform's API origin.
   */
  trackingHost: text('tracking_host'),
  /** Per-event rows (sends, opens, clicks) are kept this many months; campaign reports keep daily totals for good. */
  eventRetentionMonths: integer('event_retention_months').notNull().default(13),
  /** Subscribed contacts who received mail but engaged with none of it for this many months become `inactive`; 0 turns it off. */
  sunsetAfterMonths: integer('sunset_after_months').notNull().default(12),
  /** Owners can require two-factor authentication of every member. */
  require2fa: integer('require_2fa', { mode: 'boolean' }).notNull().default(false),
  /** Super-admin overrides of the plan's limits and of the warm-up. */
  limitOverrides: text('limit_overrides', { mode: 'json' }).$type<LimitOverrides>(),
  /** The first campaign or transactional send: the warm-up schedule counts days from here. */
  sendingStartedAt: ts('sending_started_at'),
  /** Set when the owner closes the account; the cron purges everything after purge_after. */
  closedAt: ts('closed_at'),
  purgeAfter: ts('purge_after'),
  createdAt: createdAt(),
  updatedAt: ts('updated_at'),
});

export interface PostalAddress {
  line1: string;
  line2?: string | null;
  city: string;
  region?: string | null;
  postal_code: string;
  country: string;
}

export interface Brand {
  logo_url?: string | null;
  primary_color?: string | null;
  footer_text?: string | null;
}

export const users = sqliteTable('users', {
  id: text('id').primaryKey(),
  /** Lower-cased and trimmed before storage; unique across the platform. */
  email: text('email').notNull().unique(),
  name: text('name'),
  passwordHash: text('password_hash').notNull(),
  emailVerifiedAt: ts('email_verified_at'),
  passwordChangedAt: ts('password_changed_at'),
  /** TOTP shared secret, AES-GCM encrypted under ENCRYPTION_KEY; set at enrolment, active once confirmed. */
  totpSecret: text('totp_secret'),
  totpEnabledAt: ts('totp_enabled_at'),
  /** The last 30-second step accepted, so a code cannot be replayed within its window. */
  totpLastStep: integer('totp_last_step'),
  createdAt: createdAt(),
  updatedAt: ts('updated_at'),
});

export const memberships = sqliteTable(
  'memberships',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id').notNull().references(() => tenants.id, { onDelete: 'cascade' }),
    userId: text('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
    role: text('role', { enum: ROLES }).notNull(),
    /** Per-kind channel switches of this member in this workspace; absent kinds use the kind's defaults. */
    notificationPrefs: text('notification_prefs', { mode: 'json' }).$type<Record<string, { email?: boolean; in_app?: boolean }>>(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('memberships_tenant_user').on(t.tenantId, t.userId), index('memberships_user').on(t.userId)],
);

export const invitations = sqliteTable(
  'invitations',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id').notNull().references(() => tenants.id, { onDelete: 'cascade' }),
    email: text('email').notNull(),
    role: text('role', { enum: ROLES }).notNull(),
    tokenHash: text('token_hash').notNull().unique(),
    invitedBy: text('invited_by').references(() => users.id, { onDelete: 'set null' }),
    expiresAt: ts('expires_at').notNull(),
    acceptedAt: ts('accepted_at'),
    revokedAt: ts('revoked_at'),
    createdAt: createdAt(),
  },
  (t) => [index('invitations_tenant').on(t.tenantId, t.id)],
);

/** A login: one per device. The refresh tokens of a session form a rotation chain. */
export const sessions = sqliteTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    userId: text('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
    tenantId: text('tenant_id').notNull().references(() => tenants.id, { onDelete: 'cascade' }),
    userAgent: text('user_agent'),
    ip: text('ip'),
    createdAt: createdAt(),
    lastSeenAt: ts('last_seen_at'),
    expiresAt: ts('expires_at').notNull(),
    revokedAt: ts('revoked_at'),
    revokedReason: text('revoked_reason'),
  },
  (t) => [index('sessions_user').on(t.userId)],
);

export const refreshTokens = sqliteTable(
  'refresh_tokens',
  {
    id: text('id').primaryKey(),
    sessionId: text('session_id').notNull().references(() => sessions.id, { onDelete: 'cascade' }),
    tokenHash: text('token_hash').notNull().unique(),
    createdAt: createdAt(),
    /** Set when rotated; presenting a used token again is reuse and revokes the whole session. */
    usedAt: ts('used_at'),
  },
  (t) => [index('refresh_tokens_session').on(t.sessionId)],
);

export const apiKeys = sqliteTable(
  'api_keys',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id').notNull().references(() => tenants.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    /** The first characters of the secret, shown in lists so people can tell keys apart. */
    prefix: text('prefix').notNull(),
    keyHash: text('key_hash').notNull().unique(),
    scopes: text('scopes', { mode: 'json' }).$type<string[]>().notNull(),
    createdBy: text('created_by').references(() => users.id, { onDelete: 'set null' }),
    lastUsedAt: ts('last_used_at'),
    expiresAt: ts('expires_at'),
    revokedAt: ts('revoked_at'),
    createdAt: createdAt(),
  },
  (t) => [index('api_keys_tenant').on(t.tenantId, t.id)],
);

/** Single-use links sent by email (verify address, reset password). Only the hash is stored. */
export const emailTokens = sqliteTable(
  'email_tokens',
  {
    id: text('id').primaryKey(),
    userId: text('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
    purpose: text('purpose', { enum: ['verify_email', 'password_reset', 'email_change'] }).notNull(),
    tokenHash: text('token_hash').notNull().unique(),
    /** For email_change: the address to switch to once confirmed. */
    newEmail: text('new_email'),
    expiresAt: ts('expires_at').notNull(),
    usedAt: ts('used_at'),
    createdAt: createdAt(),
  },
  (t) => [index('email_tokens_user').on(t.userId, t.purpose)],
);

/** Single-use recovery codes for two-factor authentication, stored as SHA-256 hashes. */
export const totpBackupCodes = sqliteTable(
  'totp_backup_codes',
  {
    id: text('id').primaryKey(),
    userId: text('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
    codeHash: text('code_hash').notNull(),
    usedAt: ts('used_at'),
    createdAt: createdAt(),
  },
  (t) => [index('totp_backup_codes_user').on(t.userId)],
);

/** Failed-login counters by key (`email:…`, `ip:…`) for throttling and temporary lockout. */
export const authThrottle = sqliteTable('auth_throttle', {
  key: text('key').primaryKey(),
  failures: integer('failures').notNull().default(0),
  windowStartedAt: ts('window_started_at').notNull(),
  lockedUntil: ts('locked_until'),
});

export const auditLog = sqliteTable(
  'audit_log',
  {
    id: text('id').primaryKey(),
    /** Null for platform-level events (a failed login for an unknown address). */
    tenantId: text('tenant_id').references(() => tenants.id, { onDelete: 'cascade' }),
    actorType: text('actor_type', { enum: ['user', 'api_key', 'system', 'anonymous'] }).notNull(),
    actorId: text('actor_id'),
    action: text('action').notNull(),
    targetType: text('target_type'),
    targetId: text('target_id'),
    ip: text('ip'),
    metadata: text('metadata', { mode: 'json' }).$type<Record<string, unknown>>(),
    createdAt: createdAt(),
  },
  (t) => [index('audit_log_tenant').on(t.tenantId, t.id), index('audit_log_tenant_action').on(t.tenantId, t.action, t.id)],
);

export const jobs = sqliteTable(
  'jobs',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id').notNull().references(() => tenants.id, { onDelete: 'cascade' }),
    type: text('type').notNull(),
    status: text('status', { enum: ['queued', 'running', 'succeeded', 'failed', 'cancelled'] }).notNull().default('queued'),
    total: integer('total'),
    processed: integer('processed').notNull().default(0),
    params: text('params', { mode: 'json' }).$type<Record<string, unknown>>(),
    result: text('result', { mode: 'json' }).$type<Record<string, unknown>>(),
    error: text('error'),
    createdBy: text('created_by'),
    createdAt: createdAt(),
    updatedAt: ts('updated_at'),
    finishedAt: ts('finished_at'),
  },
  (t) => [index('jobs_tenant').on(t.tenantId, t.id)],
);

/** In-app notifications (the bell); the same event may also have gone out by email. */
export const notifications = sqliteTable(
  'notifications',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id').notNull().references(() => tenants.id, { onDelete: 'cascade' }),
    userId: text('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    title: text('title').notNull(),
    body: text('body').notNull(),
    link: text('link'),
    readAt: ts('read_at'),
    createdAt: createdAt(),
  },
  (t) => [index('notifications_user').on(t.tenantId, t.userId, t.id)],
);

export { CONTACT_STATUSES, type ContactStatus } from './contact-statuses';

export interface Consent {
  source: string;
  at: string;
  ip?: string | null;
  wording_version?: string | null;
  /** The import job that created the contact: its timeline shows "imported" from this, not from an event row. */
  import_job?: string | null;
}

export const CUSTOM_FIELD_TYPES = ['text', 'number', 'date', 'boolean'] as const;

/** Per-tenant typed custom fields; values live in contacts.custom under the field's key. */
export const customFields = sqliteTable(
  'custom_fields',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id').notNull().references(() => tenants.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    label: text('label').notNull(),
    type: text('type', { enum: CUSTOM_FIELD_TYPES }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('custom_fields_tenant_key').on(t.tenantId, t.key)],
);

export const contacts = sqliteTable(
  'contacts',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id').notNull().references(() => tenants.id, { onDelete: 'cascade' }),
    /** Normalized (trimmed, lower-cased, punycode domain); unique per tenant. */
    email: text('email').notNull(),
    firstName: text('first_name'),
    lastName: text('last_name'),
    phone: text('phone'),
    company: text('company'),
    city: text('city'),
    country: text('country'),
    language: text('language'),
    timezone: text('timezone'),
    status: text('status', { enum: CONTACT_STATUSES }).notNull().default('subscribed'),
    consent: text('consent', { mode: 'json' }).$type<Consent>(),
    custom: text('custom', { mode: 'json' }).$type<Record<string, string | number | boolean | null>>(),
    /** Flags from validation at entry, kept for filtering and list hygiene. */
    disposable: integer('disposable', { mode: 'boolean' }).notNull().default(false),
    role: integer('role', { mode: 'boolean' }).notNull().default(false),
    createdAt: createdAt(),
    updatedAt: ts('updated_at'),
    /** Soft delete: restorable until purged by the cron 30 days later. */
    deletedAt: ts('deleted_at'),
  },
  (t) => [
    // Also answers email prefix searches (emails are stored lower-cased): a range of this index.
    uniqueIndex('contacts_tenant_email').on(t.tenantId, t.email),
    // Lists are newest-first by id within a tenant, optionally by status; deleted rows are filtered.
    // Both also answer counts without reading the rows (live contacts, live contacts of a status).
    index('contacts_tenant_deleted_id').on(t.tenantId, t.deletedAt, t.id),
    index('contacts_tenant_status_deleted_id').on(t.tenantId, t.status, t.deletedAt, t.id),
    // Name prefix searches ignore ASCII case: ranges of lower(name), the expression the search uses.
    index('contacts_tenant_first_name_lower').on(t.tenantId, sql`lower(${t.firstName})`),
    index('contacts_tenant_last_name_lower').on(t.tenantId, sql`lower(${t.lastName})`),
  ],
);

export const tags = sqliteTable(
  'tags',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id').notNull().references(() => tenants.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('tags_tenant_name').on(t.tenantId, t.name)],
);

export const contactTags = sqliteTable(
  'contact_tags',
  {
    tenantId: text('tenant_id').notNull().references(() => tenants.id, { onDelete: 'cascade' }),
    contactId: text('contact_id').notNull().references(() => contacts.id, { onDelete: 'cascade' }),
    tagId: text('tag_id').notNull().references(() => tags.id, { onDelete: 'cascade' }),
  },
  (t) => [uniqueIndex('contact_tags_pk').on(t.contactId, t.tagId), index('contact_tags_tag').on(t.tenantId, t.tagId, t.contactId)],
);

/** Static lists ("Newsletter", "Product updates"): what recipients see as topics in the preference center. */
export const lists = sqliteTable(
  'lists',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id').notNull().references(() => tenants.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    description: text('description'),
    /** Subscribers from public forms must confirm by email before they count as subscribed. */
    doubleOptIn: integer('double_opt_in', { mode: 'boolean' }).notNull().default(false),
    createdAt: createdAt(),
    updatedAt: ts('updated_at'),
  },
  (t) => [uniqueIndex('lists_tenant_name').on(t.tenantId, t.name)],
);

export const listMembers = sqliteTable(
  'list_members',
  {
    tenantId: text('tenant_id').notNull().references(() => tenants.id, { onDelete: 'cascade' }),
    listId: text('list_id').notNull().references(() => lists.id, { onDelete: 'cascade' }),
    contactId: text('contact_id').notNull().references(() => contacts.id, { onDelete: 'cascade' }),
    status: text('status', { enum: ['subscribed', 'pending', 'unsubscribed'] }).notNull().default('subscribed'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('list_members_pk').on(t.listId, t.contactId),
    // Leads with contact_id (ids are unique across tenants): deleting a contact makes SQLite look up its
    // memberships for the cascade, which with a tenant-first index would scan the whole table.
    index('list_members_contact').on(t.contactId),
    // "Subscribed to list L" (filters, segment conditions, audiences) read from the index alone.
    index('list_members_list_status').on(t.tenantId, t.listId, t.status, t.contactId),
  ],
);

export const SUPPRESSION_REASONS = ['unsubscribe', 'bounce', 'complaint', 'manual'] as const;

/** Addresses and whole domains this tenant must never mail again (or until an admin lifts it). */
export const suppressions = sqliteTable(
  'suppressions',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id').notNull().references(() => tenants.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: ['email', 'domain'] }).notNull(),
    /** Normalized address or domain. */
    value: text('value').notNull(),
    reason: text('reason', { enum: SUPPRESSION_REASONS }).notNull(),
    note: text('note'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('suppressions_tenant_kind_value').on(t.tenantId, t.kind, t.value)],
);

/** Saved audiences: a rule tree (see domain/segment-rules.ts) compiled to parameterized SQL on use. */
export const segments = sqliteTable(
  'segments',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id').notNull().references(() => tenants.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    description: text('description'),
    rules: text('rules', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    createdAt: createdAt(),
    updatedAt: ts('updated_at'),
  },
  (t) => [uniqueIndex('segments_tenant_name').on(t.tenantId, t.name)],
);

/** Public subscribe forms: each subscribes to chosen lists, with double opt-in when a list asks for it. */
export const forms = sqliteTable(
  'forms',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id').notNull().references(() => tenants.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    listIds: text('list_ids', { mode: 'json' }).$type<string[]>().notNull(),
    /** Which optional fields the form asks for besides the email. */
    fields: text('fields', { mode: 'json' }).$type<string[]>().notNull(),
    /** The consent wording shown next to the button, versioned so the consent record says what was agreed to. */
    consentText: text('consent_text').notNull(),
    consentVersion: integer('consent_version').notNull().default(1),
    /** Where the browser goes after a subscribe or confirmation; the platform's own page when empty. */
    successUrl: text('success_url'),
    enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
    createdAt: createdAt(),
    updatedAt: ts('updated_at'),
  },
  (t) => [index('forms_tenant').on(t.tenantId, t.id)],
);

export const CONTACT_EVENT_TYPES = [
  'created',
  'imported',
  'updated',
  'subscribed',
  'confirmation_sent',
  'confirmed',
  'unsubscribed',
  'list_added',
  'list_removed',
  'tagged',
  'untagged',
  'suppressed',
  'deleted',
  'restored',
  'anonymized',
  'sent',
  'delivered',
  'open',
  'click',
  /** Opens and clicks by machines (scanners, prefetching proxies, bots): kept for statistics, never counted as engagement. */
  'machine_open',
  'machine_click',
  'bounce',
  'complaint',
  /** The receiving side is still trying (a provider's deferral, a DSN with Action: delayed); no status change. */
  'deferred',
  /** Repeated soft bounces took the contact out of the mailable statuses (see delivery-events.ts). */
  'cleaned',
  /** No engagement for the sunset period: `inactive`; and back to `subscribed` by an open, a click or the workspace. */
  'sunset',
  'reactivated',
] as const;

/** Per-event rows the retention cron prunes after the workspace's retention period (rolled up first where reports need them). */
export const PRUNABLE_EVENT_TYPES = ['sent', 'delivered', 'open', 'click', 'machine_open', 'machine_click', 'deferred'] as const;
/** The same words in the index and in the pruning query: SQLite uses a partial index only for a query whose terms match its WHERE. */
export const PRUNABLE_EVENTS = sql.raw(`type in (${PRUNABLE_EVENT_TYPES.map((type) => `'${type}'`).join(', ')})`);
export type ContactEventType = (typeof CONTACT_EVENT_TYPES)[number];

const ACTIVITY_INDEXED = sql`type = 'open' or type = 'click'`;

/**
 * Everything that happened to a contact: the activity timeline, and the facts activity segments
 * ("opened campaign X", "clicked in the last N days") are evaluated against. Later issues
 * (delivery, tracking) append send/open/click/bounce events here.
 */
export const contactEvents = sqliteTable(
  'contact_events',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id').notNull().references(() => tenants.id, { onDelete: 'cascade' }),
    contactId: text('contact_id').notNull().references(() => contacts.id, { onDelete: 'cascade' }),
    type: text('type', { enum: CONTACT_EVENT_TYPES }).notNull(),
    campaignId: text('campaign_id'),
    /** Small, non-secret context (list id, job id, link index, bounce code); never the address itself. */
    data: text('data', { mode: 'json' }).$type<Record<string, unknown>>(),
    createdAt: createdAt(),
  },
  (t) => [
    // The timeline, and the foreign-key cascade when a contact is purged (hence contact_id first).
    index('contact_events_contact').on(t.contactId, t.id),
    // Activity conditions: "opened/clicked (campaign Y) since T". Partial: only opens and clicks are
    // asked about this way, and every other event (one per imported contact, for a start) would pay
    // two index insertions for nothing. SQLite uses them only when the query names the type as a
    // literal (`type = 'open'`), which segment-rules.ts does.
    index('contact_events_type_campaign').on(t.tenantId, t.type, t.campaignId, t.contactId).where(ACTIVITY_INDEXED),
    index('contact_events_type_time').on(t.tenantId, t.type, t.createdAt, t.contactId).where(ACTIVITY_INDEXED),
    // Workspace statistics: bounces, complaints and unsubscribes per day. Partial for the same reason;
    // used by queries that name the types with exactly this IN list (tenant-stats.ts).
    index('contact_events_outcome_time').on(t.tenantId, t.type, t.createdAt).where(sql`type in ('bounce', 'complaint', 'unsubscribed')`),
    // The retention cron walks a workspace's oldest per-event rows by their time-ordered id.
    index('contact_events_prunable').on(t.tenantId, t.id).where(PRUNABLE_EVENTS),
  ],
);

export type Tenant = typeof tenants.$inferSelect;
export type User = typeof users.$inferSelect;
export type Membership = typeof memberships.$inferSelect;
export type ApiKey = typeof apiKeys.$inferSelect;
export type AuditEntry = typeof auditLog.$inferSelect;
export type Job = typeof jobs.$inferSelect;
export type Plan = typeof plans.$inferSelect;
export type Contact = typeof contacts.$inferSelect;
export type Segment = typeof segments.$inferSelect;
export type Form = typeof forms.$inferSelect;
/**
 * A campaign's opens and clicks per day (and per link for clicks) once the per-event rows are pruned:
 * the report adds these to what is still raw, so its totals, link table and daily series stay whole.
 */
export const campaignEventRollups = sqliteTable(
  'campaign_event_rollups',
  {
    tenantId: text('tenant_id').notNull().references(() => tenants.id, { onDelete: 'cascade' }),
    campaignId: text('campaign_id').notNull(),
    /** The report's daily bucket: the campaign's start plus whole days. */
    bucketAt: integer('bucket_at').notNull(),
    type: text('type', { enum: ['open', 'click', 'machine_open', 'machine_click'] }).notNull(),
    /** The link for clicks; '' otherwise. */
    url: text('url').notNull().default(''),
    events: integer('events').notNull(),
  },
  (t) => [primaryKey({ columns: [t.campaignId, t.bucketAt, t.type, t.url] })],
);

export type ContactEvent = typeof contactEvents.$inferSelect;

// ---------------------------------------------------------------------------------------------------
// Templates and sending domains

export const TEMPLATE_CATEGORIES = [
  'newsletter',
  'promotion',
  'announcement',
  'welcome',
  'event',
  'transactional',
  'reengagement',
  'plain',
  'other',
] as const;
export type TemplateCategory = (typeof TEMPLATE_CATEGORIES)[number];

/** What a template version holds: the content a campaign pins and sends. */
const templateContent = () => ({
  subject: text('subject').notNull(),
  preheader: text('preheader'),
  /** Sanitized on save: what is stored here is what may be sent. */
  html: text('html').notNull(),
  /** The plain-text part when the author overrides it; otherwise derived from the HTML at render time. */
  textOverride: text('text_override'),
  fromName: text('from_name'),
  /** The visual editor's project (GrapesJS JSON) so a visual template reopens as blocks; null for code templates. */
  design: text('design', { mode: 'json' }).$type<Record<string, unknown>>(),
});

export const templates = sqliteTable(
  'templates',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id').notNull().references(() => tenants.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    category: text('category', { enum: TEMPLATE_CATEGORIES }).notNull().default('other'),
    editor: text('editor', { enum: ['code', 'visual'] }).notNull().default('code'),
    ...templateContent(),
    /** The latest version number; every save writes template_versions row `version`. */
    version: integer('version').notNull().default(1),
    createdBy: text('created_by'),
    createdAt: createdAt(),
    updatedAt: ts('updated_at'),
    /** Soft delete: restorable for 30 days, then purged by the cron. */
    deletedAt: ts('deleted_at'),
  },
  (t) => [index('templates_tenant_list').on(t.tenantId, t.deletedAt, t.category, t.updatedAt)],
);

export const templateVersions = sqliteTable(
  'template_versions',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id').notNull().references(() => tenants.id, { onDelete: 'cascade' }),
    templateId: text('template_id').notNull().references(() => templates.id, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    name: text('name').notNull(),
    ...templateContent(),
    createdBy: text('created_by'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('template_versions_template_version').on(t.templateId, t.version), index('template_versions_tenant').on(t.tenantId, t.templateId)],
);

export const DOMAIN_STATUSES = ['pending', 'verified', 'failing'] as const;
export type DomainStatus = (typeof DOMAIN_STATUSES)[number];

/** The state of one DNS record at the last check, as shown to the tenant. */
export interface DnsRecordCheck {
  kind: 'dkim' | 'spf' | 'dmarc' | 'return_path';
  name: string;
  type: 'TXT' | 'CNAME' | 'MX';
  expected: string;
  found: string[];
  ok: boolean;
  /** DMARC is recommended, not required: a missing one warns but does not fail verification. */
  required: boolean;
}

/**
 * A workspace's own hostname for tracking, unsubscribe and preference links (`links.acme.com`): a CNAME
 * to the platform's tracking host, verified like a sending domain, with TLS from Cloudflare for SaaS
 * in production (`cfHostnameId`). One per workspace.
 */
export const trackingDomains = sqliteTable(
  'tracking_domains',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id').notNull().references(() => tenants.id, { onDelete: 'cascade' }),
    hostname: text('hostname').notNull(),
    status: text('status', { enum: ['pending', 'active', 'failing'] }).notNull().default('pending'),
    /** What the last check found, for the dashboard: the CNAME's target or why there was none. */
    detail: text('detail'),
    cfHostnameId: text('cf_hostname_id'),
    lastCheckedAt: ts('last_checked_at'),
    verifiedAt: ts('verified_at'),
    createdAt: createdAt(),
    updatedAt: ts('updated_at'),
  },
  (t) => [uniqueIndex('tracking_domains_hostname').on(t.hostname), uniqueIndex('tracking_domains_tenant').on(t.tenantId)],
);

export const sendingDomains = sqliteTable(
  'sending_domains',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id').notNull().references(() => tenants.id, { onDelete: 'cascade' }),
    /** Lower-cased, no trailing dot. */
    domain: text('domain').notNull(),
    status: text('status', { enum: DOMAIN_STATUSES }).notNull().default('pending'),
    records: text('records', { mode: 'json' }).$type<DnsRecordCheck[]>(),
    verifiedAt: ts('verified_at'),
    lastCheckedAt: ts('last_checked_at'),
    /** When a verified domain's records first broke; the owner is told once per breakage. */
    failingSince: ts('failing_since'),
    consecutiveFailures: integer('consecutive_failures').notNull().default(0),
    createdAt: createdAt(),
    updatedAt: ts('updated_at'),
  },
  (t) => [uniqueIndex('sending_domains_tenant_domain').on(t.tenantId, t.domain), index('sending_domains_check').on(t.status, t.lastCheckedAt)],
);

/**
 * DKIM keys of a sending domain. Rotation adds a `pending` key under a new selector; once its record is
 * published the verifier makes it `active` and the previous one `retired` (kept so mail in flight still
 * verifies, deleted after a grace period).
 */
export const dkimKeys = sqliteTable(
  'dkim_keys',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id').notNull().references(() => tenants.id, { onDelete: 'cascade' }),
    domainId: text('domain_id').notNull().references(() => sendingDomains.id, { onDelete: 'cascade' }),
    selector: text('selector').notNull(),
    /** base64 SubjectPublicKeyInfo: the `p=` of the DNS record. */
    publicKey: text('public_key').notNull(),
    /** PKCS#8 private key sealed with AES-256-GCM under ENCRYPTION_KEY (lib/crypto encryptSecret). */
    privateKeyEnc: text('private_key_enc').notNull(),
    status: text('status', { enum: ['pending', 'active', 'retired'] }).notNull().default('pending'),
    createdAt: createdAt(),
    activatedAt: ts('activated_at'),
    retiredAt: ts('retired_at'),
  },
  (t) => [uniqueIndex('dkim_keys_domain_selector').on(t.domainId, t.selector), index('dkim_keys_domain_status').on(t.domainId, t.status)],
);

export type Template = typeof templates.$inferSelect;
export type TemplateVersion = typeof templateVersions.$inferSelect;
export type SendingDomain = typeof sendingDomains.$inferSelect;
export type DkimKey = typeof dkimKeys.$inferSelect;

// ---------------------------------------------------------------------------------------------------
// Delivery: transports, campaigns, messages

/**
 * What a super-admin may override of a tenant's plan (and of its warm-up). Absent keys follow the plan.
 * Stored on the tenant so the send consumer reads plan and overrides in the query it makes anyway.
 */
export interface LimitOverrides {
  max_contacts?: number;
  monthly_emails?: number;
  daily_emails?: number;
  max_users?: number;
  max_domains?: number;
  api_rate_per_minute?: number;
  send_rate_per_hour?: number;
  /** Skip the warm-up schedule entirely (an established sender moving to Edgepost). */
  warmup_complete?: boolean;
}

export const TRANSPORT_KINDS = ['smtp', 'ses', 'sendgrid', 'mailgun', 'postmark', 'resend', 'cloudflare'] as const;
export type TransportKind = (typeof TRANSPORT_KINDS)[number];
export const MAIL_STREAMS = ['marketing', 'transactional'] as const;
export type MailStream = (typeof MAIL_STREAMS)[number];

/** A tenant's own way out: an SMTP relay or an ESP account. Without one, the platform relay is used. */
export const transports = sqliteTable(
  'transports',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id').notNull().references(() => tenants.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    kind: text('kind', { enum: TRANSPORT_KINDS }).notNull(),
    /** Non-secret settings (host, port, security, region, API base…), shown back to the tenant. */
    settings: text('settings', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    /** Secret settings (passwords, API keys) as JSON sealed with AES-256-GCM; never returned by the API. */
    credentialsEnc: text('credentials_enc'),
    /** Consecutive failed sends or connection tests; the router fails over past a threshold. */
    consecutiveFailures: integer('consecutive_failures').notNull().default(0),
    lastError: text('last_error'),
    lastFailureAt: ts('last_failure_at'),
    lastSuccessAt: ts('last_success_at'),
    createdAt: createdAt(),
    updatedAt: ts('updated_at'),
  },
  (t) => [uniqueIndex('transports_tenant_name').on(t.tenantId, t.name)],
);

/**
 * Which transport carries which stream, optionally per sending domain (`domain` '*' is the default),
 * with a fallback used while the primary keeps failing.
 */
export const transportRoutes = sqliteTable(
  'transport_routes',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id').notNull().references(() => tenants.id, { onDelete: 'cascade' }),
    stream: text('stream', { enum: MAIL_STREAMS }).notNull(),
    domain: text('domain').notNull().default('*'),
    transportId: text('transport_id').notNull().references(() => transports.id, { onDelete: 'cascade' }),
    fallbackTransportId: text('fallback_transport_id').references(() => transports.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('transport_routes_tenant_stream_domain').on(t.tenantId, t.stream, t.domain)],
);

export const CAMPAIGN_STATUSES = ['draft', 'scheduled', 'sending', 'paused', 'sent', 'cancelled', 'failed'] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

/** Whom a campaign goes to: the union of the includes, minus the excludes, minus suppressions. */
export interface CampaignAudience {
  /** Every subscribed contact of the workspace; the other includes are ignored. */
  all?: boolean;
  lists?: string[];
  segments?: string[];
  tags?: string[];
  contact_ids?: string[];
  /** Set on resend-to-unopened follow-ups: who was sent that campaign and has not opened it. */
  unopened_of?: string;
  exclude_lists?: string[];
  exclude_segments?: string[];
  exclude_tags?: string[];
  /**
   * Contacts the sunset made `inactive` (domain/sunset.ts): left out by default; `include` mails them
   * with everyone, `only` is a re-engagement campaign to them alone.
   */
  inactive?: 'exclude' | 'include' | 'only';
}

export interface AbVariant {
  /** 'A'…'D'. */
  key: string;
  subject?: string | null;
  preheader?: string | null;
  template_id?: string | null;
  template_version?: number | null;
}

export interface AbTest {
  variants: AbVariant[];
  /** Percent of the audience that gets the variants (split evenly); the rest gets the winner. */
  test_percent: number;
  metric: 'opens' | 'clicks';
  wait_hours: number;
  /** Set by the engine: when the test phase's messages were all handed out, and what won. */
  test_started_at?: string | null;
  winner?: string | null;
  winner_decided_at?: string | null;
}

export interface CampaignSchedule {
  /** ISO local date-time without offset, e.g. "2026-12-01T09:00". */
  local_time: string;
  timezone: string;
  /** Deliver at local_time in each recipient's own time zone (contacts without one use `timezone`). */
  recipient_timezone: boolean;
}

export const campaigns = sqliteTable(
  'campaigns',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id').notNull().references(() => tenants.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    status: text('status', { enum: CAMPAIGN_STATUSES }).notNull().default('draft'),
    audience: text('audience', { mode: 'json' }).$type<CampaignAudience>().notNull(),
    templateId: text('template_id').references(() => templates.id, { onDelete: 'set null' }),
    /** Pinned when sending starts: later template edits never change a campaign in flight. */
    templateVersion: integer('template_version'),
    subject: text('subject'),
    preheader: text('preheader'),
    fromName: text('from_name'),
    /** A verified domain's address; the workspace's platform address when null. */
    fromEmail: text('from_email'),
    replyTo: text('reply_to'),
    trackOpens: integer('track_opens', { mode: 'boolean' }).notNull().default(true),
    trackClicks: integer('track_clicks', { mode: 'boolean' }).notNull().default(true),
    schedule: text('schedule', { mode: 'json' }).$type<CampaignSchedule>(),
    /** The earliest moment the campaign may start (UTC), derived from `schedule`. */
    scheduledAt: ts('scheduled_at'),
    abTest: text('ab_test', { mode: 'json' }).$type<AbTest>(),
    /** The campaign a resend-to-unopened follow-up was made from. */
    parentId: text('parent_id'),
    /** Recipients when the fan-out finished; progress counts come from `messages`. */
    totalRecipients: integer('total_recipients'),
    failureReason: text('failure_reason'),
    startedAt: ts('started_at'),
    finishedAt: ts('finished_at'),
    createdBy: text('created_by'),
    createdAt: createdAt(),
    updatedAt: ts('updated_at'),
    deletedAt: ts('deleted_at'),
  },
  (t) => [index('campaigns_tenant_list').on(t.tenantId, t.deletedAt, t.status, t.id), index('campaigns_due').on(t.status, t.scheduledAt)],
);

export const MESSAGE_STATUSES = ['pending', 'queued', 'sending', 'sent', 'failed', 'bounced', 'cancelled', 'skipped'] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

/**
 * One row per recipient of a campaign, written before anything is enqueued. The unique
 * (campaign, contact) key is the idempotency key: a re-delivered send job finds the row sent and
 * skips it; a claim (status `sending` + `claimed_at`) keeps two consumers from sending it at once.
 */
export const messages = sqliteTable(
  'messages',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id').notNull().references(() => tenants.id, { onDelete: 'cascade' }),
    campaignId: text('campaign_id').references(() => campaigns.id, { onDelete: 'cascade' }),
    contactId: text('contact_id').references(() => contacts.id, { onDelete: 'set null' }),
    email: text('email').notNull(),
    stream: text('stream', { enum: MAIL_STREAMS }).notNull().default('marketing'),
    variant: text('variant'),
    status: text('status', { enum: MESSAGE_STATUSES }).notNull().default('pending'),
    /** Not before this moment (recipient-time-zone delivery); the runner enqueues rows as they fall due. */
    sendAfter: ts('send_after').notNull(),
    attempts: integer('attempts').notNull().default(0),
    claimedAt: ts('claimed_at'),
    transportId: text('transport_id'),
    providerMessageId: text('provider_message_id'),
    error: text('error'),
    queuedAt: ts('queued_at'),
    sentAt: ts('sent_at'),
    /** The first human open and click (machine traffic never sets them): unique opens and clicks per message. */
    openedAt: ts('opened_at'),
    clickedAt: ts('clicked_at'),
    /** The receiving server accepted it (a provider's delivery event). */
    deliveredAt: ts('delivered_at'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('messages_campaign_contact').on(t.campaignId, t.contactId),
    // Dispatch ("pending rows due now, oldest first") and progress counts per status.
    index('messages_campaign_status').on(t.campaignId, t.status, t.sendAfter),
    // Sends per period (quotas, usage) and the workspace statistics (GET /v1/stats): it carries what
    // those count, so a period of millions of messages is read from the index alone.
    index('messages_tenant_sent').on(t.tenantId, t.sentAt, t.status, t.openedAt, t.clickedAt),
    index('messages_provider_id').on(t.providerMessageId),
    // The foreign-key action when a contact is purged, and a contact's messages.
    index('messages_contact').on(t.contactId),
    // GET /v1/messages: a workspace's transactional messages (campaign_id null), newest first.
    index('messages_tenant_campaign').on(t.tenantId, t.campaignId, t.id),
  ],
);

export interface StoredAttachment {
  filename: string;
  contentType: string;
  size: number;
  /** In the FILES bucket; deleted with the message content. */
  key: string;
}

/**
 * What a transactional message says, rendered when the API accepted it (a template with variables is
 * merged then, so a bad variable is the caller's 422, not a failed send later). Campaign messages
 * take their content from the campaign's pinned template instead.
 */
export const transactionalContents = sqliteTable('transactional_contents', {
  messageId: text('message_id')
    .primaryKey()
    .references(() => messages.id, { onDelete: 'cascade' }),
  tenantId: text('tenant_id').notNull().references(() => tenants.id, { onDelete: 'cascade' }),
  fromEmail: text('from_email'),
  fromName: text('from_name'),
  replyTo: text('reply_to'),
  to: text('to', { mode: 'json' }).$type<string[]>().notNull(),
  cc: text('cc', { mode: 'json' }).$type<string[]>().notNull(),
  bcc: text('bcc', { mode: 'json' }).$type<string[]>().notNull(),
  subject: text('subject').notNull(),
  html: text('html').notNull(),
  text: text('text').notNull(),
  headers: text('headers', { mode: 'json' }).$type<Record<string, string>>().notNull(),
  attachments: text('attachments', { mode: 'json' }).$type<StoredAttachment[]>().notNull(),
  tags: text('tags', { mode: 'json' }).$type<string[]>().notNull(),
  metadata: text('metadata', { mode: 'json' }).$type<Record<string, string>>().notNull(),
  templateId: text('template_id'),
  trackOpens: integer('track_opens', { mode: 'boolean' }).notNull(),
  trackClicks: integer('track_clicks', { mode: 'boolean' }).notNull(),
});

/**
 * `Idempotency-Key` of POST /v1/send: the first request's response is kept for a day and given again
 * to a retry with the same body; the same key with another body is refused (IETF
 * draft-ietf-httpapi-idempotency-key-header).
 */
export const idempotencyKeys = sqliteTable(
  'idempotency_keys',
  {
    tenantId: text('tenant_id').notNull().references(() => tenants.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    requestHash: text('request_hash').notNull(),
    /** Null while the first request is still being processed. */
    responseStatus: integer('response_status'),
    responseBody: text('response_body'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('idempotency_keys_tenant_key').on(t.tenantId, t.key), index('idempotency_keys_created').on(t.createdAt)],
);

export const DELIVERY_EVENT_TYPES = ['delivered', 'hard_bounce', 'soft_bounce', 'complaint', 'deferred'] as const;
export type DeliveryEventType = (typeof DELIVERY_EVENT_TYPES)[number];
/** Who reported it: an ESP's webhook, or a DSN/ARF report mailed to the bounce address. */
export const DELIVERY_EVENT_SOURCES = ['ses', 'sendgrid', 'mailgun', 'postmark', 'resend', 'email'] as const;
export type DeliveryEventSource = (typeof DELIVERY_EVENT_SOURCES)[number];

/**
 * What the receiving side reported about a sent message, from any source. The unique (message, type)
 * key is the idempotency key: a provider event delivered twice, the same bounce from a webhook and a
 * DSN, or an events batch retried after a crash each count once. `reported_at` stays null until the
 * outbound webhooks and the reputation counters have seen the row, so a crash in between is caught up
 * by the retry instead of being lost.
 */
export const deliveryEvents = sqliteTable(
  'delivery_events',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id').notNull().references(() => tenants.id, { onDelete: 'cascade' }),
    messageId: text('message_id').notNull().references(() => messages.id, { onDelete: 'cascade' }),
    contactId: text('contact_id').references(() => contacts.id, { onDelete: 'set null' }),
    campaignId: text('campaign_id'),
    type: text('type', { enum: DELIVERY_EVENT_TYPES }).notNull(),
    source: text('source', { enum: DELIVERY_EVENT_SOURCES }).notNull(),
    /** The provider's code, reason and event id; never the address. */
    detail: text('detail', { mode: 'json' }).$type<{ code: string | null; reason: string | null; provider_event_id: string | null }>().notNull(),
    occurredAt: ts('occurred_at').notNull(),
    reportedAt: ts('reported_at'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('delivery_events_message_type').on(t.messageId, t.type),
    // "Three soft bounces in 30 days" per contact.
    index('delivery_events_contact').on(t.contactId, t.type, t.occurredAt),
    // Campaign reports: soft bounces and complaints per campaign.
    index('delivery_events_campaign').on(t.campaignId, t.type),
  ],
);

/**
 * Nonces of inbound webhooks already accepted (a Mailgun token, a Svix message id), kept until their
 * signature's timestamp is too old to be accepted anyway: a captured request replayed is refused.
 */
export const inboundHookNonces = sqliteTable(
  'inbound_hook_nonces',
  {
    /** `<provider>:<nonce>`. */
    key: text('key').primaryKey(),
    expiresAt: ts('expires_at').notNull(),
  },
  (t) => [index('inbound_hook_nonces_expiry').on(t.expiresAt)],
);

export type DeliveryEvent = typeof deliveryEvents.$inferSelect;

export type Transport = typeof transports.$inferSelect;
export type TransportRoute = typeof transportRoutes.$inferSelect;
export type Campaign = typeof campaigns.$inferSelect;
export type Message = typeof messages.$inferSelect;

// ---------------------------------------------------------------------------------------------------
// Outbound webhooks

/** What an endpoint can subscribe to; `webhook.test` is sent by the test button whatever the filter. */
export const WEBHOOK_EVENT_TYPES = ['sent', 'delivered', 'opened', 'clicked', 'bounced', 'complained', 'unsubscribed', 'campaign.started', 'campaign.finished', 'contact.created'] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number] | 'webhook.test';

export const webhookEndpoints = sqliteTable(
  'webhook_endpoints',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id').notNull().references(() => tenants.id, { onDelete: 'cascade' }),
    url: text('url').notNull(),
    description: text('description'),
    /** Empty: every event type. */
    eventTypes: text('event_types', { mode: 'json' }).$type<string[]>().notNull(),
    /** The signing secret (`whsec_…`), encrypted with ENCRYPTION_KEY; shown once when made. */
    secretEnc: text('secret_enc').notNull(),
    /** After a rotation the old secret also signs for 24 hours, so receivers can switch without losing messages. */
    previousSecretEnc: text('previous_secret_enc'),
    previousSecretExpiresAt: ts('previous_secret_expires_at'),
    status: text('status', { enum: ['active', 'disabled'] }).notNull().default('active'),
    disabledReason: text('disabled_reason'),
    /** The first failure of the current run of failures; cleared by a success. Five days of it disable the endpoint. */
    failingSince: ts('failing_since'),
    consecutiveFailures: integer('consecutive_failures').notNull().default(0),
    createdAt: createdAt(),
    updatedAt: ts('updated_at'),
  },
  (t) => [index('webhook_endpoints_tenant').on(t.tenantId)],
);

export const webhookDeliveries = sqliteTable(
  'webhook_deliveries',
  {
    /** Also the `webhook-id` header: the receiver's idempotency key, the same on every attempt. */
    id: text('id').primaryKey(),
    tenantId: text('tenant_id').notNull().references(() => tenants.id, { onDelete: 'cascade' }),
    endpointId: text('endpoint_id').notNull().references(() => webhookEndpoints.id, { onDelete: 'cascade' }),
    eventType: text('event_type').notNull(),
    payload: text('payload').notNull(),
    status: text('status', { enum: ['pending', 'succeeded', 'failed'] }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    responseStatus: integer('response_status'),
    responseExcerpt: text('response_excerpt'),
    latencyMs: integer('latency_ms'),
    error: text('error'),
    nextAttemptAt: ts('next_attempt_at'),
    createdAt: createdAt(),
    deliveredAt: ts('delivered_at'),
  },
  (t) => [index('webhook_deliveries_endpoint').on(t.endpointId, t.id)],
);

export type WebhookEndpoint = typeof webhookEndpoints.$inferSelect;
export type WebhookDelivery = typeof webhookDeliveries.$inferSelect;
