import type { ActionFunctionArgs } from '@remix-run/cloudflare';
import { userApi } from '~/lib/api.server';
import { clearTokens } from '~/lib/auth-session.server';
import { assertTrustedSubmission } from '~/lib/csrf.server';
import { redirectWith } from '~/lib/respond.server';
import { queueToast } from '~/lib/toast.server';

/** Signing out only by POST: a link or an image could otherwise sign people out. */
export async function loader() {
  return new Response(null, { status: 405, headers: { Allow: 'POST' } });
}

export async function action(args: ActionFunctionArgs) {
  await assertTrustedSubmission(args, await args.request.formData());
  // Revoke the refresh token at the API; the session ends here whether or not that succeeds.
  await userApi(args).post('/v1/auth/logout').catch(() => undefined);
  await clearTokens(args);
  await queueToast(args, 'success', 'You are signed out.');
  return redirectWith(args, '/login');
}
