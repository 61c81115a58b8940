import { z } from 'zod';
import type { CampaignRunner } from '../durable-objects/campaign-runner';
import type { KillSwitch } from '../durable-objects/kill-switch';
import type { TenantGovernor } from '../durable-objects/tenant-governor';
import type { WebhookJob } from './domain/webhook-delivery';
import type { EventMessage } from './queues/events';

/**
 * Every binding, typed once. `wrangler types` would type vars as their literal dev values
 * ("development"), so the bindings are written here and the string config is validated by zod.
 */
export interface Env {
  DB: D1Database;
  FILES: R2Bucket;
  GOVERNOR: DurableObjectNamespace<TenantGovernor>;
  KILL_SWITCH: DurableObjectNamespace<KillSwitch>;
  CAMPAIGN_RUNNER: DurableObjectNamespace<CampaignRunner>;
  SEND_QUEUE: Queue<SendJob>;
  EVENTS_QUEUE: Queue<EventMessage>;
  WEBHOOKS_QUEUE: Queue<WebhookJob>;
  JOBS_QUEUE: Queue<JobMessage>;
  /** Cloudflare Email Service (`[[send_email]]`): the `cloudflare` transport, transactional mail only. */
  EMAIL?: SendEmail;

  APP_ENV: string;
  PUBLIC_API_URL: string;
  DASHBOARD_ORIGIN: string;
  SUPER_ADMIN_EMAILS: string;
  SMTP_HOST: string;
  SMTP_PORT: string;
  MAIL_FROM: string;
  /** The platform's own sending domain: free-plan tenants send as `tenant-slug@` this domain. */
  PLATFORM_SENDING_DOMAIN: string;
  /** DKIM selector of the platform domain's key (PLATFORM_DKIM_PRIVATE_KEY). */
  PLATFORM_DKIM_SELECTOR: string;
  LOG_LEVEL?: string;
  /**
   * Delivery timings, tunable so fault tests finish in minutes: how long a send consumer's claim on a
   * message holds before a crashed consumer's work is taken over (default 120 s), after how long a
   * queued message no consumer picked up is enqueued again (default 600 s), and the first retry
   * delay of a temporary failure, doubled per attempt (default 30 s).
   */
  SEND_CLAIM_LEASE_SECONDS?: string;
  SEND_REQUEUE_AFTER_SECONDS?: string;
  SEND_RETRY_BASE_SECONDS?: string;
  /**
   * Webhooks to private, loopback and link-local addresses are refused (SSRF); `true` allows them, for
   * a receiver on this machine in development and tests. Never set it in production.
   */
  WEBHOOKS_ALLOW_PRIVATE?: string;
  /**
   * Inbound SES webhooks accept signing certificates and subscription URLs on `sns.<region>.amazonaws.com`
   * only; outside production this names one more origin (the tests' certificate server on loopback).
   */
  SNS_TEST_ORIGIN?: string;
  /**
   * Custom tracking hostnames: the CNAME target tenants point them at (default `track.` + the platform
   * sending domain), and Cloudflare for SaaS to issue their certificates (both set in production; without
   * them the hostname is verified by DNS alone and TLS is the operator's business).
   */
  TRACKING_CNAME_TARGET?: string;
  CF_API_TOKEN?: string;
  CF_ZONE_ID?: string;
  /** Multiplies the webhook retry schedule (5 s … 24 h); tests set 0 to retry at once. */
  WEBHOOK_RETRY_SCALE?: string;
  /** Cloudflare Turnstile (production); development and tests use the CAPTCHA stand-in. */
  TURNSTILE_SITE_KEY?: string;
  TURNSTILE_SECRET_KEY?: string;
  /** Sentry-compatible DSN for unhandled errors; unset (the default locally) turns reporting off. */
  ERROR_REPORTING_DSN?: string;

  /** Secrets (.dev.vars locally, `wrangler secret put` in production). */
  JWT_SECRET: string;
  /** `kid:secret` pairs, comma-separated; the first signs, all verify (rotation). */
  TOKEN_SIGNING_KEYS: string;
  /** 64 hex chars: AES-256-GCM key for credentials at rest. */
  ENCRYPTION_KEY: string;
  /** The key before the last rotation, still accepted for decryption until everything is re-encrypted. */
  ENCRYPTION_KEY_PREVIOUS?: string;
  /** PKCS#8 RSA private key (PEM or bare base64) that signs mail sent from PLATFORM_SENDING_DOMAIN. */
  PLATFORM_DKIM_PRIVATE_KEY: string;
  SMTP_USER?: string;
  SMTP_PASS?: string;
}

/** Messages on the jobs queue: background work that must survive a crash and be retried. */
export type JobMessage =
  | { type: 'system_email'; to: string; subject: string; text: string; html: string }
  | { type: 'job'; jobId: string; tenantId: string };

/** One recipient's message on the send queue; the row in `messages` holds everything else. */
export interface SendJob {
  tenantId: string;
  /** Null for a transactional message. */
  campaignId: string | null;
  messageId: string;
}

const hex64 = z.string().regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hex characters (32 bytes)');

export const ConfigSchema = z.object({
  APP_ENV: z.enum(['development', 'test', 'production']),
  PUBLIC_API_URL: z.url(),
  DASHBOARD_ORIGIN: z.url(),
  SUPER_ADMIN_EMAILS: z.string(),
  SMTP_HOST: z.string().min(1),
  SMTP_PORT: z.coerce.number().int().min(1).max(65535),
  MAIL_FROM: z.string().min(3),
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters'),
  TOKEN_SIGNING_KEYS: z.string().regex(/^[\w-]+:[^,]{32,}(,[\w-]+:[^,]{32,})*$/, 'must be kid:secret[,kid:secret…] with secrets of 32+ chars'),
  ENCRYPTION_KEY: hex64,
  ENCRYPTION_KEY_PREVIOUS: hex64.optional(),
  TURNSTILE_SITE_KEY: z.string().min(1).optional(),
  TURNSTILE_SECRET_KEY: z.string().min(1).optional(),
}).refine((c) => c.APP_ENV !== 'production' || (c.TURNSTILE_SITE_KEY && c.TURNSTILE_SECRET_KEY), {
  message: 'TURNSTILE_SITE_KEY and TURNSTILE_SECRET_KEY are required in production',
  path: ['TURNSTILE_SECRET_KEY'],
});
export type Config = z.infer<typeof ConfigSchema>;

const cache = new WeakMap<object, Config>();

/** Validated config; throws naming the field that is wrong, so a misconfigured deploy fails at once. */
export function config(env: Env): Config {
  let c = cache.get(env);
  if (!c) {
    const parsed = ConfigSchema.safeParse(env);
    if (!parsed.success) {
      const fields = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
      throw new Error(`Invalid Edgepost configuration — ${fields}`);
    }
    c = parsed.data;
    cache.set(env, c);
  }
  return c;
}

/** Encryption keys for secrets at rest: the current one first (it encrypts), then the previous one. */
export function encryptionKeys(env: Env): readonly [string, ...string[]] {
  const c = config(env);
  return c.ENCRYPTION_KEY_PREVIOUS ? [c.ENCRYPTION_KEY, c.ENCRYPTION_KEY_PREVIOUS] : [c.ENCRYPTION_KEY];
}

export const isSuperAdminEmail = (env: Env, email: string) =>
  env.SUPER_ADMIN_EMAILS.split(',').map((e) => e.trim().toLowerCase()).filter(Boolean).includes(email.toLowerCase());
