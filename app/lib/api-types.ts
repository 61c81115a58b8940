/** Shapes of the API's JSON answers that the dashboard reads (see /openapi.json). */
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
  sending_ready: boolean;
}

export interface Job {
  id: string;
  type: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
  progress: number | null;
  result: Record<string, unknown> | null;
  error: string | null;
}

export interface OnboardingStep {
  key: string;
  label: string;
  done: boolean;
  href: string | null;
  available: boolean;
}

export interface Onboarding {
  steps: OnboardingStep[];
  completed: number;
  total: number;
}
