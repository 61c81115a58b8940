import type { ActionFunctionArgs, MetaFunction } from '@remix-run/cloudflare';
import { useActionData, useSearchParams } from '@remix-run/react';
import { AuthCard } from '~/components/molecules/AuthCard';
import { FormAlert } from '~/components/molecules/FormAlert';
import { PasswordField } from '~/components/molecules/FormField';
import { InvalidLink } from '~/components/molecules/InvalidLink';
import { PostForm } from '~/components/molecules/PostForm';
import { SubmitButton } from '~/components/molecules/SubmitButton';
import { anonymousApi } from '~/lib/api.server';
import { clearTokens } from '~/lib/auth-session.server';
import { field, formAction, rawField } from '~/lib/form-action.server';

export const meta: MetaFunction = () => [{ title: 'Choose a new password · Edgepost' }];

export async function action(args: ActionFunctionArgs) {
  return formAction(args, async (form) => {
    await anonymousApi(args).post('/v1/auth/password-reset/confirm', { token: field(form, 'token'), password: rawField(form, 'password') });
    // The API ends every session of the account; drop ours too.
    await clearTokens(args);
    return { toast: 'Your password has been changed. Sign in with the new one.', redirectTo: '/login' };
  });
}

export default function ResetPassword() {
  const [params] = useSearchParams();
  const token = params.get('token');
  const result = useActionData<typeof action>();
  const errors = result && !result.ok ? result.errors : undefined;
  if (!token) {
    return <InvalidLink title="This link is incomplete" description="Open the link from the email again, or ask for a new one." next={{ to: '/forgot-password', label: 'Send a new reset link' }} />;
  }
  return (
    <AuthCard title="Choose a new password" description="This signs you out everywhere else.">
      <PostForm className="stack">
        <input type="hidden" name="token" value={token} />
        <FormAlert message={errors?.form ?? errors?.fields.token} />
        <PasswordField kind="new" label="New password" error={errors?.fields.password} />
        <SubmitButton intent="reset" className="btn--block">
          Change password
        </SubmitButton>
      </PostForm>
    </AuthCard>
  );
}
