/** Shapes of the API's JSON answers that the dashboard reads (see /openapi.json). */
// Type-only imports from the worker are erased from the dashboard's bundle, so a shape the API declares is declared once.
import type { ContactStatus } from '../../worker/db/contact-statuses';
import type { CampaignAudience, CampaignSchedule, Consent } from '../../worker/db/schema';
import type { VariantResult as AbVariantResult } from '../../worker/domain/ab-tests';
import type { CheckItem, CheckState } from '../../worker/domain/campaign-checklist';
import type { CampaignStats } from '../../worker/domain/campaign-stats';
import type { HealthLevel, SendingStatus, WarmupStage } from '../../worker/domain/send-permits';
import type { KillState, KillSwitchStatus } from '../../durable-objects/kill-switch';
export type Role = 'owner' | 'admin' | 'editor' | 'viewer';
export const ROLES: Role[] = ['owner', 'admin', 'editor', 'viewer'];

export interface User {
  id: string;
  email: string;
  name: string | null;
  email_verified: boolean;
}

export interface Tenant {
  id: string;
  name: string;
  slug: string;
  plan: string;
}

export interface Workspace {
  tenant_id: string;
  tenant_name: string;
  role: Role;
}

export interface Me {
  user: User;
  tenant: Tenant;
  role: Role;
  permissions: string[];
  super_admin: boolean;
  /** Every workspace the user belongs to, the current one included. */
  workspaces: Workspace[];
}

export interface AuthResponse {
  token: string;
  refresh_token: string;
  expires_in: number;
  user: User;
  tenant: Tenant;
}

/** POST /v1/auth/login for an account with two-factor authentication: finish at /v1/auth/2fa/verify. */
export interface MfaChallenge {
  mfa_required: true;
  mfa_token: string;
  methods: string[];
}

export interface CaptchaConfig {
  provider: 'turnstile' | 'stand-in';
  site_key: string | null;
}

export interface Page<T> {
  data: T[];
  next_cursor: string | null;
}

export interface Member {
  id: string;
  user_id: string;
  email: string;
  name: string | null;
  role: Role;
  created_at: string;
}

export interface Invitation {
  id: string;
  email: string;
  role: Role;
  expires_at: string;
  created_at: string;
}

export interface InvitationPreview {
  tenant_name: string;
  email: string;
  role: Role;
  existing_user: boolean;
}

export interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  created_at: string;
  last_used_at: string | null;
  expires_at: string | null;
  revoked_at: string | null;
}

export interface CreatedApiKey extends ApiKey {
  /** `ep_live_…`: returned once, at creation, never again. */
  secret: string;
}

export interface AuditEntry {
  id: string;
  actor_type: string;
  actor_id: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  ip: string | null;
  metadata: Record<string, unknown>;
  created_at: string;
}

export interface TwoFactorStatus {
  enabled: boolean;
  backup_codes_remaining: number;
  /** Why it may not be turned off (e.g. a workspace that requires it), or null. */
  required_by: string | null;
}

export interface TotpSetup {
  secret: string;
  otpauth_url: string;
  qr_svg: string;
}

export interface AccountSession {
  id: string;
  tenant_id: string;
  tenant_name: string;
  device: string;
  ip: string | null;
  created_at: string;
  last_seen_at: string;
  current: boolean;
}

export interface AppNotification {
  id: string;
  kind: string;
  title: string;
  body: string;
  link: string | null;
  read: boolean;
  created_at: string;
}

export interface NotificationList extends Page<AppNotification> {
  unread_count: number;
}

export interface NotificationPreference {
  kind: string;
  email: boolean;
  in_app: boolean;
}

export interface PostalAddress {
  line1: string;
  line2: string | null;
  city: string;
  region: string | null;
  postal_code: string;
  country: string;
}

export interface TenantSettings {
  id: string;
  name: string;
  slug: string;
  plan: string;
  status: string;
  country: string | null;
  postal_address: PostalAddress | null;
  default_from_name: string | null;
  default_reply_to: string | null;
  timezone: string;
  language: string;
  brand: { logo_url: string | null; primary_color: string | null; footer_text: string | null };
  require_2fa: boolean;
  /** Months per-event rows are kept (3–120). */
  event_retention_months: number;
  /** Months without engagement before a contact becomes inactive; 0: never (else 3–60). */
  sunset_after_months: number;
  sending_ready: boolean;
}

export interface Job {
  id: string;
  type: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
  /** Units of work (rows, contacts) when known; `processed` of them are done. */
  total: number | null;
  processed: number;
  /** Percent done, when the total is known. */
  progress: number | null;
  result: Record<string, unknown> | null;
  error: string | null;
  created_at: string;
  finished_at: string | null;
}

export interface OnboardingStep {
  key: string;
  label: string;
  done: boolean;
  href: string;
}

export interface Onboarding {
  steps: OnboardingStep[];
  completed: number;
  total: number;
}

/* ---------- Audience: contacts, lists, tags, fields, suppressions ---------- */

// The one runtime value shared with the worker: a module without imports, so the bundle stays free of the schema.
export { CONTACT_STATUSES, type ContactStatus } from '../../worker/db/contact-statuses';

export type CustomValue = string | number | boolean | null;

export interface Contact {
  id: string;
  email: string;
  first_name: string | null;
  last_name: string | null;
  phone: string | null;
  company: string | null;
  city: string | null;
  country: string | null;
  language: string | null;
  timezone: string | null;
  status: ContactStatus;
  consent: Consent | null;
  custom: Record<string, CustomValue>;
  tags: string[];
  flags: { disposable: boolean; role: boolean };
  created_at: string;
  updated_at: string | null;
  deleted_at: string | null;
  /** When a deleted contact is removed for good (30 days after deletion). */
  purge_after: string | null;
}

/** One entry of GET /v1/contacts/:id/activity, newest first. */
export interface ContactActivity {
  id: string;
  type: string;
  campaign_id: string | null;
  data: Record<string, unknown> | null;
  created_at: string;
}

export const CUSTOM_FIELD_TYPES = ['text', 'number', 'date', 'boolean'] as const;
export type CustomFieldType = (typeof CUSTOM_FIELD_TYPES)[number];

export interface CustomField {
  id: string;
  key: string;
  label: string;
  type: CustomFieldType;
  created_at: string;
}

export interface Tag {
  id: string;
  name: string;
  /** How many contacts carry it. */
  contacts: number;
  created_at: string;
}

export interface ContactList {
  id: string;
  name: string;
  description: string | null;
  double_opt_in: boolean;
  subscribers: number;
  created_at: string;
  updated_at: string | null;
}

export const SUPPRESSION_REASONS = ['unsubscribe', 'bounce', 'complaint', 'manual'] as const;
export type SuppressionReason = (typeof SUPPRESSION_REASONS)[number];

export interface Suppression {
  id: string;
  kind: 'email' | 'domain';
  value: string;
  reason: SuppressionReason;
  note: string | null;
  created_at: string;
}

/* ---------- Import ---------- */

/** POST /v1/contacts/import/uploads: what the file looks like, before anything is imported. */
export interface ImportUpload {
  upload_id: string;
  filename: string;
  bytes: number;
  format: 'csv' | 'xlsx';
  delimiter: ',' | ';' | '\t' | null;
  encoding: string;
  headers: string[];
  /** The first data rows, for the preview. */
  sample_rows: string[][];
  /** Header → target (`email`, `first_name`, …, `tags`, `custom.<key>`) or null (ignored). */
  suggested_mapping: Record<string, string | null>;
  rows_estimate: number | null;
}

/** `result` of a finished `contact_import` job. */
export type { ImportCounters as ImportResult } from '../../worker/domain/import-chunk';

/* ---------- Segments, bulk actions, export ---------- */

export type SegmentMatch = 'all' | 'any';

export interface SegmentCondition {
  field: string;
  op: string;
  value?: unknown;
}

export interface SegmentGroup {
  match: SegmentMatch;
  conditions: (SegmentCondition | SegmentGroup)[];
}

export interface Segment {
  id: string;
  name: string;
  description: string | null;
  rules: SegmentGroup;
  created_at: string;
  updated_at: string | null;
}

export const BULK_ACTIONS = ['tag', 'untag', 'list_add', 'list_remove', 'unsubscribe', 'reactivate', 'delete'] as const;
export type BulkAction = (typeof BULK_ACTIONS)[number];

/** The contacts filter as the API takes it in a bulk or export selection. */
export interface ContactFilter {
  q?: string;
  status?: ContactStatus;
  tag?: string;
  list?: string;
  /** Field equalities such as `country:DE` or `custom.plan:pro`. */
  field?: string[];
}

export type ContactSelection = { ids: string[] } | { filter: ContactFilter } | { segment_id: string };

/** POST /v1/contacts/bulk: done at once for small selections, else a job. */
export type BulkOutcome = { affected: number } | Job;

/* ---------- Forms ---------- */

export const FORM_FIELDS = ['first_name', 'last_name', 'company', 'phone', 'city', 'country'] as const;
export type FormField = (typeof FORM_FIELDS)[number];

/** A public subscribe form (named so as not to clash with Remix's Form). */
export interface SubscribeForm {
  id: string;
  name: string;
  list_ids: string[];
  fields: FormField[];
  consent_text: string;
  consent_version: number;
  success_url: string | null;
  enabled: boolean;
  /** True when any of its lists asks subscribers to confirm by email. */
  double_opt_in: boolean;
  subscribe_url: string;
  embed_html: string;
  created_at: string;
  updated_at: string | null;
}

export const TEMPLATE_CATEGORIES = ['newsletter', 'promotion', 'announcement', 'welcome', 'event', 'transactional', 'reengagement', 'plain', 'other'] as const;
export type TemplateCategory = (typeof TEMPLATE_CATEGORIES)[number];
export type TemplateEditorKind = 'code' | 'visual';

export interface TemplateSummary {
  id: string;
  name: string;
  category: TemplateCategory;
  editor: TemplateEditorKind;
  subject: string;
  preheader: string | null;
  from_name: string | null;
  version: number;
  created_at: string;
  updated_at: string | null;
  deleted_at: string | null;
  purge_at: string | null;
}

export interface Template extends TemplateSummary {
  /** As stored: sanitized on every save. */
  html: string;
  text_override: string | null;
  /** The plain-text part as sent: `text_override`, or generated from the HTML. */
  text: string;
  /** The visual editor's project (GrapesJS JSON); null for code templates. */
  design: unknown;
  unknown_variables: string[];
  sanitizer_changes: string[];
}

export interface TemplateCategoryCount {
  category: TemplateCategory;
  count: number;
}

export interface TemplateVersionSummary {
  version: number;
  name: string;
  subject: string;
  created_at: string;
  created_by: string | null;
}

export interface StarterTemplate {
  id: string;
  name: string;
  category: TemplateCategory;
  description: string;
  subject: string;
  preheader: string | null;
  html: string;
}

export interface MergeTag {
  tag: string;
  /** What goes into the template, e.g. `{{ contact.first_name | default: "there" }}`. */
  insert: string;
  description: string;
  example: string;
}

export interface MergeTagGroup {
  name: string;
  variables: MergeTag[];
}

export interface MergeTagFilter {
  name: string;
  description?: string;
  example?: string;
}

export interface MergeTags {
  groups: MergeTagGroup[];
  filters: MergeTagFilter[];
  spintax: { syntax: string; example: string };
}

/** A template rendered for one contact (or sample data): what the recipient would get. */
export interface TemplatePreview {
  subject: string;
  preheader: string | null;
  html: string;
  text: string;
  unknown_variables: string[];
  sanitizer_changes: string[];
}

export interface TestSend {
  sent: number;
  to: string[];
}

export type DnsRecordKind = 'dkim' | 'spf' | 'dmarc' | 'return_path';

export interface DnsRecord {
  kind: DnsRecordKind;
  name: string;
  type: 'TXT' | 'CNAME' | 'MX';
  expected: string;
  found: string[];
  ok: boolean;
  /** DMARC, and the new key of a rotation in progress, are not required for verification. */
  required: boolean;
  /** `error`: the lookup itself failed, so nothing was concluded from it. */
  state: 'unchecked' | 'ok' | 'missing' | 'mismatch' | 'error';
  /** What is wrong and how to fix it. */
  detail: string | null;
}

export interface DkimKey {
  selector: string;
  status: 'pending' | 'active' | 'retired';
  created_at: string;
  activated_at: string | null;
  retired_at: string | null;
}

export type DomainStatus = 'pending' | 'verified' | 'failing';

export interface SendingDomain {
  id: string;
  domain: string;
  status: DomainStatus;
  records: DnsRecord[];
  dkim_keys: DkimKey[];
  verified_at: string | null;
  last_checked_at: string | null;
  failing_since: string | null;
  created_at: string;
}

export interface PlatformSender {
  domain: string;
  from_email: string;
  dkim_selector: string;
  dkim_record_name: string;
  dkim_record_value: string;
}

export interface DomainList {
  data: SendingDomain[];
  platform: PlatformSender;
  custom_domains_allowed: boolean;
  max_domains: number;
}

/* ---------- Campaigns (worker/routes/campaigns.ts) ---------- */

export const CAMPAIGN_STATUSES = ['draft', 'scheduled', 'sending', 'paused', 'sent', 'cancelled', 'failed'] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

export type { CampaignAudience, CampaignSchedule, CampaignStats };

export const VARIANT_KEYS = ['A', 'B', 'C', 'D'] as const;
export type VariantKey = (typeof VARIANT_KEYS)[number];
export type AbMetric = 'opens' | 'clicks';

export interface AbVariant {
  key: VariantKey;
  subject?: string | null;
  preheader?: string | null;
  template_id?: string | null;
}

/** What the wizard sends as `ab_test`; the stored test adds its progress (`test_started_at`, `winner`). */
export interface AbTestInput {
  variants: AbVariant[];
  test_percent: number;
  metric: AbMetric;
  wait_hours: number;
}

export interface AbTest extends AbTestInput {
  test_started_at?: string | null;
  winner?: string | null;
  winner_decided_at?: string | null;
}


export interface CampaignProgressCounts {
  total: number;
  pending: number;
  queued: number;
  sent: number;
  failed: number;
  bounced: number;
  cancelled: number;
  skipped: number;
  remaining: number;
  percent: number;
}

export interface Campaign {
  id: string;
  name: string;
  status: CampaignStatus;
  audience: CampaignAudience;
  template_id: string | null;
  template_version: number | null;
  subject: string | null;
  preheader: string | null;
  from_name: string | null;
  from_email: string | null;
  reply_to: string | null;
  track_opens: boolean;
  track_clicks: boolean;
  schedule: CampaignSchedule | null;
  scheduled_at: string | null;
  ab_test: AbTest | null;
  parent_id: string | null;
  total_recipients: number | null;
  failure_reason: string | null;
  started_at: string | null;
  finished_at: string | null;
  created_at: string;
  updated_at: string | null;
  deleted_at: string | null;
}

export interface CampaignWithProgress extends Campaign {
  progress: CampaignProgressCounts;
}

export type { AbVariantResult };

/** GET /v1/campaigns/:id/progress: counts, the rate of the last minutes and the throttle in words. */
export interface CampaignLiveProgress extends CampaignProgressCounts {
  status: CampaignStatus;
  rate_per_hour: number;
  allowed_rate_per_hour: number;
  /** e.g. "Sending at 50/h — 94 h remaining". */
  throttle: string;
  fan_out_done: boolean;
  ab_test: { phase: 'testing' | 'waiting' | 'winner_sent'; winner: string | null; decides_at: string | null; variants: AbVariantResult[] } | null;
}

export type { CheckItem, CheckState };

export interface CampaignChecklist {
  ready: boolean;
  recipients: number;
  items: CheckItem[];
}

/* ---------- Sending status and plans (worker/routes/sending.ts) ---------- */

export type { HealthLevel, SendingStatus, WarmupStage };

export interface Plan {
  id: string;
  name: string;
  max_contacts: number;
  monthly_emails: number;
  daily_emails: number;
  max_users: number;
  max_domains: number;
  custom_domains: boolean;
  api_rate_per_minute: number;
  send_rate_per_hour: number;
}

export interface PlanList {
  data: Plan[];
  current_plan_id: string;
}

/* ---------- Super-admin (worker/routes/admin.ts) ---------- */

export interface AdminTenantSummary {
  id: string;
  name: string;
  slug: string;
  plan: string;
  status: string;
  created_at: string;
  members: number;
}

export interface LimitOverrides {
  max_contacts?: number;
  monthly_emails?: number;
  daily_emails?: number;
  max_users?: number;
  max_domains?: number;
  api_rate_per_minute?: number;
  send_rate_per_hour?: number;
  warmup_complete?: boolean;
}

/** A tenant's plan limits with its overrides applied. */
export interface TenantLimits extends Omit<Plan, 'id' | 'name'> {
  plan: string;
  warmup_complete: boolean;
  overrides: LimitOverrides;
}

export interface AdminTenant extends Omit<AdminTenantSummary, 'members'> {
  sending_started_at: string | null;
  usage: { contacts: number; users: number; domains: number; emails_today: number; emails_this_month: number };
  limits: TenantLimits;
  sending: SendingStatus;
}

/** A 409 from a plan change lists what the tenant uses beyond the new plan. */
export interface PlanBlocker {
  limit: 'contacts' | 'users' | 'domains';
  used: number;
  allowed: number;
}

export type { KillState, KillSwitchStatus };

export interface PlatformOverview {
  tenants: { total: number; active: number; suspended: number; closed: number };
  emails_sent: { today: number; this_month: number };
  messages: { pending: number; queued: number; sending: number; failed: number };
  kill_switch: KillSwitchStatus;
  top_failing_tenants: { tenant_id: string; name: string; failed: number }[];
  failing_transports: { id: string; tenant_id: string; name: string; kind: string; consecutive_failures: number; last_error: string | null; last_failure_at: string | null }[];
}

export interface DeadLetter {
  id: string;
  tenant_id: string;
  tenant_name: string;
  campaign_id: string | null;
  campaign_name: string | null;
  email: string;
  stream: string;
  attempts: number;
  error: string | null;
  created_at: string;
}

export interface ReplayResult {
  replayed: number;
  campaign_ids: string[];
  not_replayed: string[];
}

/* ---------- Transports (worker/routes/transports.ts) ---------- */

export interface Transport {
  id: string;
  name: string;
  kind: import('./transport-kinds').TransportKind;
  settings: Record<string, unknown>;
  /** Hints only (`••••1234`): secrets never come back. Null when the stored secret can no longer be opened. */
  credentials: Record<string, string> | null;
  health: { consecutive_failures: number; failing: boolean; last_error: string | null; last_failure_at: string | null; last_success_at: string | null };
  created_at: string;
  updated_at: string | null;
}

export interface TransportTestResult {
  ok: true;
  detail: string;
}

/* ---------- Analytics (worker/routes/stats.ts, campaign-recipients.ts) and webhooks (worker/routes/webhooks.ts) ---------- */

export type { TenantStats } from '../../worker/domain/tenant-stats';
export type { StatsPeriod } from '../../worker/domain/tenant-stats';
export type RecipientOutcome = WorkerRecipientOutcome;
export type CampaignRecipient = ReturnType<typeof import('../../worker/domain/campaign-recipients').recipientView>;
export type AbTestReport = NonNullable<CampaignStats['ab_test']>;
export type WebhookEndpoint = ReturnType<typeof import('../../worker/domain/webhooks').endpointView>;
export type WebhookDelivery = ReturnType<typeof import('../../worker/domain/webhooks').deliveryView>;
type WorkerWebhookEventType = Exclude<import('../../worker/db/schema').WebhookEventType, 'webhook.test'>;
type WorkerRecipientOutcome = import('../../worker/domain/campaign-recipients').RecipientOutcome;
/** Listed here, as values are not imported from the worker; `satisfies` fails the build on a name the API does not know. */
export const WEBHOOK_EVENT_TYPES = ['sent', 'delivered', 'opened', 'clicked', 'bounced', 'complained', 'unsubscribed', 'campaign.started', 'campaign.finished', 'contact.created'] as const satisfies readonly WorkerWebhookEventType[];
export const RECIPIENT_OUTCOMES = ['sent', 'opened', 'clicked', 'bounced', 'failed', 'complained', 'unsubscribed'] as const satisfies readonly WorkerRecipientOutcome[];

/* ---------- Transactional messages (worker/routes/messages.ts) and the link domain (worker/routes/tracking-domains.ts) ---------- */

export type TransactionalMessage = ReturnType<typeof import('../../worker/domain/message-log').messageView>;
export type MessageDetail = Awaited<ReturnType<typeof import('../../worker/domain/message-log').getMessage>>;
export type MessageStatus = TransactionalMessage['status'];
export const MESSAGE_STATUSES = ['scheduled', 'queued', 'sending', 'sent', 'bounced', 'failed', 'cancelled', 'skipped'] as const satisfies readonly MessageStatus[];
export type TrackingDomain = ReturnType<typeof import('../../worker/domain/tracking-domains').trackingDomainView>;
