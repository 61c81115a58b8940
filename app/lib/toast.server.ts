import { createCookieSessionStorage } from '@remix-run/cloudflare';
import { cookieOptions } from './cookie-options.server';
import { dashboardEnv } from './env.server';
import { requestState, type RequestArgs } from './request-state.server';
import type { Toast, ToastAction, ToastTone } from './toast';

/**
 * Toasts travel as a flash value in their own cookie session: an action sets it, the root loader
 * reads it once on the following revalidation. A cookie of its own means the auth cookie is only
 * ever written by sign-in, sign-out and token refresh.
 */
const FLASH_COOKIE = 'ep_flash';

function storage({ request, context }: RequestArgs) {
  return createCookieSessionStorage<Record<string, never>, { toast: Toast }>({
    cookie: { name: FLASH_COOKIE, ...cookieOptions(dashboardEnv(context), request) },
  });
}

export async function queueToast(args: RequestArgs, tone: ToastTone, message: string, action?: ToastAction): Promise<void> {
  const sessions = storage(args);
  const session = await sessions.getSession();
  session.flash('toast', { id: crypto.randomUUID(), tone, message, ...(action ? { action } : {}) });
  requestState(args).cookies.set(FLASH_COOKIE, await sessions.commitSession(session));
}

/** The toast queued by the previous action, if any; reading it clears it. */
export async function takeToast(args: RequestArgs): Promise<Toast | null> {
  const cookie = args.request.headers.get('Cookie');
  if (!cookie?.includes(FLASH_COOKIE)) return null;
  const sessions = storage(args);
  const session = await sessions.getSession(cookie);
  const toast = session.get('toast') ?? null;
  if (toast) requestState(args).cookies.set(FLASH_COOKIE, await sessions.destroySession(session));
  return toast;
}
