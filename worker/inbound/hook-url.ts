import type { TransportKind } from '../db/schema';
import { config, type Env } from '../env';

/** The transports whose provider reports deliveries, bounces and complaints back over a webhook. */
export const HOOK_PROVIDERS = ['ses', 'sendgrid', 'mailgun', 'postmark', 'resend'] as const satisfies readonly TransportKind[];
export type HookProvider = (typeof HOOK_PROVIDERS)[number];

export const isHookProvider = (kind: string): kind is HookProvider => (HOOK_PROVIDERS as readonly string[]).includes(kind);

/** Where the tenant points the provider's webhook: one URL per transport, so the URL names the workspace and the secret that verifies it. */
export const hookUrl = (env: Env, kind: TransportKind, transportId: string) =>
  isHookProvider(kind) ? `${config(env).PUBLIC_API_URL.replace(/\/+$/, '')}/hooks/${kind}/${transportId}` : null;
