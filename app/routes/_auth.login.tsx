import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/cloudflare';
import { Link, useActionData, useSearchParams } from '@remix-run/react';
import { AuthCard } from '~/components/molecules/AuthCard';
import { FormAlert } from '~/components/molecules/FormAlert';
import { TextField } from '~/components/molecules/FormField';
import { PostForm } from '~/components/molecules/PostForm';
import { SubmitButton } from '~/components/molecules/SubmitButton';
import { anonymousApi } from '~/lib/api.server';
import type { AuthResponse } from '~/lib/api-types';
import { currentTokens, startSession } from '~/lib/auth-session.server';
import { field, formAction, rawField } from '~/lib/form-action.server';
import { redirectWith, reply } from '~/lib/respond.server';
import { safeRedirectPath } from '~/lib/safe-redirect';

export const meta: MetaFunction = () => [{ title: 'Sign in · Edgepost' }];

export async function loader(args: LoaderFunctionArgs) {
  if (await currentTokens(args)) {
    return redirectWith(args, safeRedirectPath(new URL(args.request.url).searchParams.get('redirectTo')));
  }
  return reply(args, null);
}

export async function action(args: ActionFunctionArgs) {
  return formAction(args, async (form) => {
    const auth = await anonymousApi(args).post<AuthResponse>('/v1/auth/login', {
      email: field(form, 'email'),
      password: rawField(form, 'password'),
    });
    await startSession(args, auth);
    return { toast: `Welcome back, ${auth.user.name || auth.user.email}.`, redirectTo: safeRedirectPath(form.get('redirectTo')) };
  });
}

export default function Login() {
  const result = useActionData<typeof action>();
  const errors = result && !result.ok ? result.errors : undefined;
  const [params] = useSearchParams();
  return (
    <AuthCard
      title="Sign in to Edgepost"
      footer={
        <p>
          New here? <Link to="/signup">Create a workspace</Link>
        </p>
      }
    >
      <PostForm className="stack">
        <input type="hidden" name="redirectTo" value={params.get('redirectTo') ?? '/'} />
        <FormAlert message={errors?.form} />
        <TextField label="Email" name="email" type="email" autoComplete="email" required error={errors?.fields.email} />
        <TextField label="Password" name="password" type="password" autoComplete="current-password" required error={errors?.fields.password} />
        <p className="text-right">
          <Link to="/forgot-password">Forgot your password?</Link>
        </p>
        <SubmitButton intent="login" className="btn--block">
          Sign in
        </SubmitButton>
      </PostForm>
    </AuthCard>
  );
}
