import type { ActionFunctionArgs, MetaFunction } from '@remix-run/cloudflare';
import { useActionData, useSearchParams } from '@remix-run/react';
import { AuthCard } from '~/components/molecules/AuthCard';
import { FormAlert } from '~/components/molecules/FormAlert';
import { InvalidLink } from '~/components/molecules/InvalidLink';
import { PostForm } from '~/components/molecules/PostForm';
import { SubmitButton } from '~/components/molecules/SubmitButton';
import { anonymousApi } from '~/lib/api.server';
import { currentTokens } from '~/lib/auth-session.server';
import { field, formAction } from '~/lib/form-action.server';

export const meta: MetaFunction = () => [{ title: 'Confirm your email · Edgepost' }];

export async function action(args: ActionFunctionArgs) {
  return formAction(args, async (form) => {
    await anonymousApi(args).post('/v1/auth/verify-email', { token: field(form, 'token') });
    const signedIn = (await currentTokens(args)) !== null;
    return { toast: 'Your email address is confirmed.', redirectTo: signedIn ? '/' : '/login' };
  });
}

/**
 * Confirming takes a click, not just a visit: mail scanners open every link in a message, and a
 * GET that changed state would confirm addresses nobody looked at.
 */
export default function VerifyEmail() {
  const [params] = useSearchParams();
  const token = params.get('token');
  const result = useActionData<typeof action>();
  const errors = result && !result.ok ? result.errors : undefined;
  if (!token) {
    return <InvalidLink title="This link is incomplete" description="Open the link from the email again, or sign in to send a new one." next={{ to: '/', label: 'Go to the dashboard' }} />;
  }
  return (
    <AuthCard title="Confirm your email address" description="One click and your address is confirmed, so your team can trust mail from it.">
      <PostForm className="stack">
        <input type="hidden" name="token" value={token} />
        <FormAlert message={errors?.form ?? errors?.fields.token} />
        <SubmitButton intent="verify" className="btn--block">
          Confirm my email address
        </SubmitButton>
      </PostForm>
    </AuthCard>
  );
}
