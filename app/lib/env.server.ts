/**
 * The dashboard's own bindings (Pages), typed once. They are separate from the API worker's Env:
 * the dashboard holds no database or queue, only a service binding to the API and its cookie secret.
 */
export interface DashboardEnv {
  /** Service binding to the API worker (`--service API=edgepost-api` locally). */
  API: Fetcher;
  /** Signs the session, flash and CSRF cookies; at least 32 characters. */
  SESSION_SECRET: string;
}

const MIN_SECRET_LENGTH = 32;

/** Read the env and fail loudly, naming the variable, when it is not set up. */
export function dashboardEnv(context: { cloudflare: { env: DashboardEnv } }): DashboardEnv {
  const env = context.cloudflare.env;
  if (!env.API || typeof env.API.fetch !== 'function') {
    throw new Error('Dashboard misconfigured: the API service binding is missing (wrangler pages dev --service API=edgepost-api).');
  }
  if (typeof env.SESSION_SECRET !== 'string' || env.SESSION_SECRET.length < MIN_SECRET_LENGTH) {
    throw new Error(`Dashboard misconfigured: SESSION_SECRET must be set (.dev.vars locally) and at least ${MIN_SECRET_LENGTH} characters.`);
  }
  return env;
}
