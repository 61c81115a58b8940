// Types for scripts/stack.mjs, imported by the TypeScript e2e setup (scripts are plain ESM).
import type { ChildProcess } from 'node:child_process';

export interface StackPorts {
  api: number;
  dashboard: number;
  smtp: number;
  maildevWeb: number;
}

export interface Service {
  name: string;
  child: ChildProcess;
  exited: Promise<number | string>;
  tail(): string;
}

export interface Stack {
  urls: { api: string; docs: string; dashboard: string; mail: string };
  smtp: { host: string; port: number };
  /** totpSecret: the base32 TOTP secret of a seeded account with 2FA (the super-admin). */
  logins: { label: string; email: string; password: string; totpSecret: string | null }[];
  /** Set when the dashboard did not build or start; the rest of the stack runs without it. */
  dashboardError?: string;
  services: Partial<Record<'maildev' | 'api' | 'dashboard', Service>>;
  /** Kills the API's process group with SIGKILL, as a crash would. */
  crashApi(): Promise<void>;
  /** Starts the API again on the same state, ports and variables. */
  restartApi(): Promise<void>;
}

export interface StartOptions {
  ports?: StackPorts;
  stateDir?: string;
  envFile?: string;
  fresh?: boolean;
  quiet?: boolean;
  /** false: no dashboard build or Pages process (benchmarks). */
  dashboard?: boolean;
  /** Worker variables over the defaults (e.g. shorter delivery timings for fault tests). */
  vars?: Record<string, string>;
  log?: (message: string) => void;
}

export const HOST: string;
export const DEFAULT_PORTS: StackPorts;
export function startStack(options?: StartOptions): Promise<Stack>;
export function stopStack(): Promise<void>;
