import type { ActionFunctionArgs } from '@remix-run/cloudflare';
import { userApi } from '~/lib/api.server';
import { formAction } from '~/lib/form-action.server';
import { safeRedirectPath } from '~/lib/safe-redirect';

/** Posted by the "confirm your email" banner on every signed-in page; always returns to that page. */
export async function action(args: ActionFunctionArgs) {
  const back = (form: FormData) => safeRedirectPath(form.get('redirectTo'));
  return formAction(
    args,
    async (form) => {
      await userApi(args).post('/v1/auth/verify-email/resend');
      return { toast: 'We sent you a new confirmation link.', redirectTo: back(form) };
    },
    { returnTo: back },
  );
}
