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

export const meta: MetaFunction = () => [{ title: 'Confirm your new email · Edgepost' }];

export async function action(args: ActionFunctionArgs) {
  return formAction(args, async (form) => {
    await anonymousApi(args).post('/v1/auth/email-change/confirm', { token: field(form, 'token') });
    const signedIn = (await currentTokens(args)) !== null;
    return { toast: 'Your new email address is confirmed. Use it to sign in from now on.', redirectTo: signedIn ? '/account' : '/login' };
  });
}

/** A click, never the visit: mail scanners open every link in a message (see verify-email). */
export default function ConfirmEmailChange() {
  const [params] = useSearchParams();
  const token = params.get('token');
  const result = useActionData<typeof action>();
  const errors = result && !result.ok ? result.errors : undefined;
  if (!token) {
    return <InvalidLink title="This link is incomplete" description="Open the link from the email again, or change your email once more from your account." next={{ to: '/account', label: 'Go to your account' }} />;
  }
  return (
    <AuthCard title="Confirm your new email address" description="After this, you sign in and receive Edgepost mail at the new address.">
      <PostForm className="stack">
        <input type="hidden" name="token" value={token} />
        <FormAlert message={errors?.form ?? errors?.fields.token} />
        <SubmitButton intent="confirm-email-change" className="btn--block">
          Confirm my new email address
        </SubmitButton>
      </PostForm>
    </AuthCard>
  );
}
