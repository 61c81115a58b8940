import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/cloudflare';
import { Link, useActionData, useLoaderData } from '@remix-run/react';
import { AuthCard } from '~/components/molecules/AuthCard';
import { Captcha } from '~/components/molecules/Captcha';
import { FormAlert } from '~/components/molecules/FormAlert';
import { TextField } from '~/components/molecules/FormField';
import { PostForm } from '~/components/molecules/PostForm';
import { SubmitButton } from '~/components/molecules/SubmitButton';
import { anonymousApi } from '~/lib/api.server';
import { captchaConfig } from '~/lib/captcha.server';
import { field, formAction } from '~/lib/form-action.server';
import { reply } from '~/lib/respond.server';

export const meta: MetaFunction = () => [{ title: 'Reset your password · Edgepost' }];

export async function loader(args: LoaderFunctionArgs) {
  return reply(args, { captcha: await captchaConfig(args) });
}

export async function action(args: ActionFunctionArgs) {
  return formAction(args, async (form) => {
    await anonymousApi(args).post('/v1/auth/password-reset', { email: field(form, 'email'), captcha_token: field(form, 'captcha_token') || undefined });
    // The API answers the same whether or not the account exists, and so do we.
    return { toast: 'Check your inbox for a reset link.' };
  });
}

export default function ForgotPassword() {
  const { captcha } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const errors = result && !result.ok ? result.errors : undefined;
  const back = (
    <p>
      Remembered it? <Link to="/login">Back to sign in</Link>
    </p>
  );
  if (result?.ok) {
    return (
      <AuthCard title="Check your inbox" footer={back}>
        <p>If an account exists for that address, we have sent it a link to choose a new password. The link is valid for one hour.</p>
      </AuthCard>
    );
  }
  return (
    <AuthCard title="Reset your password" description="Enter your email and we will send you a link to choose a new password." footer={back}>
      <PostForm className="stack">
        <FormAlert message={errors?.form} />
        <TextField label="Email" name="email" type="email" autoComplete="email" required error={errors?.fields.email} />
        <Captcha config={captcha} error={errors?.fields.captcha_token} resetKey={result} />
        <SubmitButton intent="request-reset" className="btn--block">
          Send reset link
        </SubmitButton>
      </PostForm>
    </AuthCard>
  );
}
