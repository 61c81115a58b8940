import { z } from '@hono/zod-openapi';
import type { TransportKind } from '../db/schema';
import { platformSmtp } from '../domain/system-mail';
import { config, type Env } from '../env';
import type { FieldError } from '../lib/problem';
import { cloudflareEmailTransport } from './cloudflare-email';
import { mailgunTransport } from './mailgun';
import { postmarkTransport } from './postmark';
import { resendTransport } from './resend';
import { sendgridTransport } from './sendgrid';
import { sesTransport } from './ses';
import type { SmtpConfig } from './smtp';
import { smtpTransport } from './smtp-transport';
import { TransportError, type Transport } from './transport';

const ApiBase = z
  .url({ protocol: /^https?$/, message: 'must be an http(s) URL' })
  .max(300)
  .optional()
  .openapi({ description: 'Overrides the provider’s API origin (a regional endpoint, or a fake server in tests). Must be https in production.' });
const HostName = z.string().trim().toLowerCase().min(1).max(253).regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/, 'must be a host name or IPv4 address');
const Secret = z.string().trim().min(1).max(4096);
/** Secrets that verify the provider's delivery/bounce/complaint webhooks (worker/inbound/): optional, set when the webhook is wired. */
const WebhookSecret = Secret.optional();

/**
 * Settings (shown back to the tenant) and credentials (sealed, never shown) of each transport kind:
 * the one definition the API validates with and the factory builds from.
 */
export const TRANSPORT_SPECS = {
  smtp: {
    settings: z
      .object({
        host: HostName,
        port: z.number().int().min(1).max(65535),
        security: z.enum(['tls', 'starttls', 'none']).default('starttls').openapi({ description: '`tls`: TLS from the start (465); `starttls`: upgrade after EHLO (587); `none`: plain text' }),
      })
      .strict(),
    credentials: z
      .object({ username: z.string().trim().min(1).max(256), password: Secret })
      .partial()
      .strict()
      .refine((c) => !c.username === !c.password, { message: 'username and password go together (or neither, for a relay without AUTH)' })
      .default({}),
  },
  ses: {
    settings: z
      .object({
        region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/, 'must be an AWS region such as eu-west-1'),
        configuration_set: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a configuration set name').optional(),
        sns_topic_arn: z
          .string()
          .regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/, 'must be an SNS topic ARN')
          .optional()
          .openapi({ description: 'The topic SES notifies; when set, the webhook refuses (and never confirms) any other topic.' }),
        api_base: ApiBase,
      })
      .strict(),
    credentials: z.object({ access_key_id: z.string().trim().regex(/^[A-Z0-9]{16,128}$/, 'must be an AWS access key id'), secret_access_key: Secret }).strict(),
  },
  sendgrid: {
    settings: z.object({ api_base: ApiBase }).strict().default({}),
    credentials: z
      .object({
        api_key: Secret,
        webhook_verification_key: z
          .string()
          .trim()
          .regex(/^[A-Za-z0-9+/=\s-]*$/, 'must be the base64 verification key from the Signed Event Webhook settings')
          .min(40)
          .max(4096)
          .optional(),
      })
      .strict(),
  },
  mailgun: {
    settings: z.object({ domain: HostName, region: z.enum(['us', 'eu']).default('us'), api_base: ApiBase }).strict(),
    credentials: z.object({ api_key: Secret, webhook_signing_key: WebhookSecret }).strict(),
  },
  postmark: {
    settings: z
      .object({
        marketing_stream: z.string().trim().min(1).max(100).default('broadcast'),
        transactional_stream: z.string().trim().min(1).max(100).default('outbound'),
        api_base: ApiBase,
      })
      .strict()
      .default({ marketing_stream: 'broadcast', transactional_stream: 'outbound' }),
    credentials: z
      .object({ server_token: Secret, webhook_username: z.string().trim().min(1).max(256).regex(/^[^:]+$/, 'must not contain a colon').optional(), webhook_password: WebhookSecret })
      .strict()
      .refine((c) => !c.webhook_username === !c.webhook_password, { message: 'webhook_username and webhook_password go together' }),
  },
  resend: {
    settings: z.object({ api_base: ApiBase }).strict().default({}),
    credentials: z.object({ api_key: Secret, webhook_secret: z.string().trim().regex(/^whsec_[A-Za-z0-9+/=]{16,}$/, 'must be the whsec_… signing secret of the Resend webhook').optional() }).strict(),
  },
  cloudflare: {
    settings: z.object({}).strict().default({}),
    credentials: z.object({}).strict().default({}),
  },
} as const satisfies Record<TransportKind, { settings: z.ZodType; credentials: z.ZodType }>;

/** One transport's configuration, discriminated by `kind`, with extra fields (the API adds `name`). */
export const transportConfigWith = <S extends z.ZodRawShape>(extra: S) =>
  z.discriminatedUnion('kind', [
    z.object({ ...extra, kind: z.literal('smtp'), ...TRANSPORT_SPECS.smtp }).strict(),
    z.object({ ...extra, kind: z.literal('ses'), ...TRANSPORT_SPECS.ses }).strict(),
    z.object({ ...extra, kind: z.literal('sendgrid'), ...TRANSPORT_SPECS.sendgrid }).strict(),
    z.object({ ...extra, kind: z.literal('mailgun'), ...TRANSPORT_SPECS.mailgun }).strict(),
    z.object({ ...extra, kind: z.literal('postmark'), ...TRANSPORT_SPECS.postmark }).strict(),
    z.object({ ...extra, kind: z.literal('resend'), ...TRANSPORT_SPECS.resend }).strict(),
    z.object({ ...extra, kind: z.literal('cloudflare'), ...TRANSPORT_SPECS.cloudflare }).strict(),
  ]);

export const TransportConfig = transportConfigWith({});
export type TransportConfig = z.infer<typeof TransportConfig>;

/** Rules that depend on the deployment, on top of the schemas: checked when a tenant saves a transport. */
export function deploymentIssues(env: Env, kind: TransportKind, settings: { api_base?: unknown; port?: unknown }): FieldError[] {
  const issues: FieldError[] = [];
  if (kind === 'cloudflare' && !env.EMAIL) issues.push({ field: 'kind', message: 'this deployment has no Cloudflare Email Service binding' });
  if (config(env).APP_ENV === 'production') {
    if (typeof settings.api_base === 'string' && !settings.api_base.startsWith('https://')) issues.push({ field: 'settings.api_base', message: 'must be an https URL' });
    if (kind === 'smtp' && settings.port === 25) issues.push({ field: 'settings.port', message: 'Workers cannot connect to port 25: use 587, 465 or 2525' });
  }
  return issues;
}

function smtpConfig(settings: z.infer<typeof TRANSPORT_SPECS.smtp.settings>, credentials: z.infer<typeof TRANSPORT_SPECS.smtp.credentials>): SmtpConfig {
  return {
    host: settings.host,
    port: settings.port,
    secure: settings.security === 'tls',
    startTls: settings.security === 'starttls',
    ...(credentials.username ? { username: credentials.username, password: credentials.password } : {}),
  };
}

/** A transport whose stored configuration cannot be used: every attempt fails the way a refused login does. */
function unusableTransport(kind: TransportKind, reason: string): Transport {
  const fail = () => Promise.reject(new TransportError(reason, 'permanent', { scope: 'connection', code: 'invalid_configuration' }));
  return { kind, open: fail, test: fail };
}

/** The transport for a stored (or submitted) configuration; settings and credentials are validated again here. */
export function createTransport(env: Env, kind: TransportKind, settings: unknown, credentials: unknown): Transport {
  const parsed = TransportConfig.safeParse({ kind, settings, credentials });
  if (!parsed.success) return unusableTransport(kind, `the stored ${kind} configuration is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
  const cfg = parsed.data;
  switch (cfg.kind) {
    case 'smtp':
      return smtpTransport(smtpConfig(cfg.settings, cfg.credentials));
    case 'ses':
      return sesTransport(cfg.settings, cfg.credentials);
    case 'sendgrid':
      return sendgridTransport(cfg.settings, cfg.credentials);
    case 'mailgun':
      return mailgunTransport(cfg.settings, cfg.credentials);
    case 'postmark':
      return postmarkTransport(cfg.settings, cfg.credentials);
    case 'resend':
      return resendTransport(cfg.settings, cfg.credentials);
    case 'cloudflare':
      return cloudflareEmailTransport(env.EMAIL);
  }
}

/** Unusable credentials (a sealed secret no configured key opens) as a transport that says so when used. */
export const undecryptableTransport = (kind: TransportKind) => unusableTransport(kind, 'the stored credentials cannot be decrypted with the configured ENCRYPTION_KEY');

/** The platform relay (`platformSmtp`): what a tenant sends through until it configures a transport of its own. */
export const platformTransport = (env: Env): Transport => smtpTransport(platformSmtp(env));
