import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/cloudflare';
import { Link, useActionData, useLoaderData } from '@remix-run/react';
import { AuthCard } from '~/components/molecules/AuthCard';
import { Captcha } from '~/components/molecules/Captcha';
import { FormAlert } from '~/components/molecules/FormAlert';
import { PasswordField, TextField } from '~/components/molecules/FormField';
import { PostForm } from '~/components/molecules/PostForm';
import { SubmitButton } from '~/components/molecules/SubmitButton';
import { anonymousApi } from '~/lib/api.server';
import type { AuthResponse } from '~/lib/api-types';
import { currentTokens, startSession } from '~/lib/auth-session.server';
import { captchaConfig } from '~/lib/captcha.server';
import { field, formAction, rawField } from '~/lib/form-action.server';
import { redirectWith, reply } from '~/lib/respond.server';

export const meta: MetaFunction = () => [{ title: 'Create your workspace · Edgepost' }];

export async function loader(args: LoaderFunctionArgs) {
  return (await currentTokens(args)) ? redirectWith(args, '/') : reply(args, { captcha: await captchaConfig(args) });
}

export async function action(args: ActionFunctionArgs) {
  return formAction(args, async (form) => {
    const auth = await anonymousApi(args).post<AuthResponse>('/v1/auth/signup', {
      tenant_name: field(form, 'tenant_name'),
      name: field(form, 'name') || undefined,
      email: field(form, 'email'),
      password: rawField(form, 'password'),
      captcha_token: field(form, 'captcha_token') || undefined,
    });
    await startSession(args, auth);
    return { toast: `Welcome to Edgepost! We sent a confirmation link to ${auth.user.email}.`, redirectTo: '/' };
  });
}

export default function Signup() {
  const { captcha } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const errors = result && !result.ok ? result.errors : undefined;
  return (
    <AuthCard
      title="Create your workspace"
      description="One workspace per company or brand. You can invite your team afterwards."
      footer={
        <p>
          Already have an account? <Link to="/login">Sign in</Link>
        </p>
      }
    >
      <PostForm className="stack">
        <FormAlert message={errors?.form} />
        <TextField label="Workspace name" name="tenant_name" autoComplete="organization" required error={errors?.fields.tenant_name} />
        <TextField label="Your name" name="name" autoComplete="name" error={errors?.fields.name} />
        <TextField label="Work email" name="email" type="email" autoComplete="email" required error={errors?.fields.email} />
        <PasswordField kind="new" label="Password" error={errors?.fields.password} />
        <Captcha config={captcha} error={errors?.fields.captcha_token} resetKey={result} />
        <SubmitButton intent="signup" className="btn--block">
          Create workspace
        </SubmitButton>
      </PostForm>
    </AuthCard>
  );
}
