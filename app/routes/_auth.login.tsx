import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/cloudflare';
import { Link, useActionData, useLoaderData, useSearchParams } from '@remix-run/react';
import { useState } from 'react';
import { AuthCard } from '~/components/molecules/AuthCard';
import { Captcha } from '~/components/molecules/Captcha';
import { FormAlert } from '~/components/molecules/FormAlert';
import { PasswordField, TextField } from '~/components/molecules/FormField';
import { PostForm } from '~/components/molecules/PostForm';
import { SubmitButton } from '~/components/molecules/SubmitButton';
import { anonymousApi } from '~/lib/api.server';
import type { AuthResponse, CaptchaConfig, MfaChallenge } from '~/lib/api-types';
import { currentTokens, startSession } from '~/lib/auth-session.server';
import { captchaConfig } from '~/lib/captcha.server';
import { field, formAction, rawField } from '~/lib/form-action.server';
import { dropMfaToken, holdMfaToken, pendingMfaToken } from '~/lib/mfa-challenge.server';
import { ApiProblem } from '~/lib/problem';
import { redirectWith, reply } from '~/lib/respond.server';
import { safeRedirectPath } from '~/lib/safe-redirect';

export const meta: MetaFunction = () => [{ title: 'Sign in · Edgepost' }];

export async function loader(args: LoaderFunctionArgs) {
  if (await currentTokens(args)) {
    return redirectWith(args, safeRedirectPath(new URL(args.request.url).searchParams.get('redirectTo')));
  }
  const [mfaPending, captcha] = await Promise.all([pendingMfaToken(args), captchaConfig(args)]);
  return reply(args, { step: mfaPending ? ('second-factor' as const) : ('password' as const), captcha });
}

/** Back to this page, keeping where the user wanted to go: the loader then shows the right step. */
function loginPage(form: FormData): string {
  const to = safeRedirectPath(form.get('redirectTo'));
  return to === '/' ? '/login' : `/login?redirectTo=${encodeURIComponent(to)}`;
}

export async function action(args: ActionFunctionArgs) {
  return formAction(args, async (form, intent) => {
    const api = anonymousApi(args);
    switch (intent) {
      case 'login': {
        const answer = await api.post<AuthResponse | MfaChallenge>('/v1/auth/login', {
          email: field(form, 'email'),
          password: rawField(form, 'password'),
          captcha_token: field(form, 'captcha_token') || undefined,
        });
        if ('mfa_required' in answer) {
          await holdMfaToken(args, answer.mfa_token);
          return { toast: 'Password accepted. One more step.', redirectTo: loginPage(form) };
        }
        return signedIn(answer);
      }
      case 'verify-2fa': {
        const mfaToken = await pendingMfaToken(args);
        if (!mfaToken) throw new ApiProblem(401, 'invalid-token', 'Sign-in expired', 'The sign-in step has expired; enter your email and password again.');
        try {
          return await signedIn(await api.post<AuthResponse>('/v1/auth/2fa/verify', { mfa_token: mfaToken, code: field(form, 'code').replace(/\s+/g, '') }));
        } catch (error) {
          // An expired challenge cannot be retried: start again from the password.
          if (error instanceof ApiProblem && error.code === 'invalid-token') await dropMfaToken(args);
          throw error;
        }
      }
      case 'cancel-2fa':
        await dropMfaToken(args);
        return { toast: 'Sign-in cancelled.', redirectTo: loginPage(form) };
      default:
        throw new Response(`Unknown intent ${intent}`, { status: 400 });
    }

    async function signedIn(auth: AuthResponse) {
      await dropMfaToken(args);
      await startSession(args, auth);
      return { toast: `Welcome back, ${auth.user.name || auth.user.email}.`, redirectTo: safeRedirectPath(form.get('redirectTo')) };
    }
  });
}

export default function Login() {
  const { step, captcha } = useLoaderData<typeof loader>();
  return step === 'second-factor' ? <SecondFactorStep /> : <PasswordStep captcha={captcha} />;
}

function PasswordStep({ captcha }: { captcha: CaptchaConfig | null }) {
  const result = useActionData<typeof action>();
  const errors = result && !result.ok ? result.errors : undefined;
  const [params] = useSearchParams();
  // Once the API asked for a CAPTCHA (after repeated failures), keep it on every later attempt.
  const [captchaAsked, setCaptchaAsked] = useState(false);
  if (errors?.fields.captcha_token && !captchaAsked) setCaptchaAsked(true);
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
        <FormAlert message={errors?.form ?? (errors?.fields.captcha_token ? 'Several sign-ins failed. Please confirm you are not a robot.' : undefined)} />
        <TextField label="Email" name="email" type="email" autoComplete="email" required error={errors?.fields.email} />
        <PasswordField kind="current" label="Password" error={errors?.fields.password} />
        {captchaAsked && <Captcha config={captcha} error={errors?.fields.captcha_token} resetKey={result} />}
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

function SecondFactorStep() {
  const result = useActionData<typeof action>();
  const errors = result && !result.ok ? result.errors : undefined;
  const [params] = useSearchParams();
  const redirectTo = <input type="hidden" name="redirectTo" value={params.get('redirectTo') ?? '/'} />;
  return (
    <AuthCard
      title="Two-factor authentication"
      description="Enter the 6-digit code from your authenticator app, or a backup code."
      footer={
        <PostForm>
          {redirectTo}
          <SubmitButton intent="cancel-2fa" variant="ghost" size="sm">
            Use a different account
          </SubmitButton>
        </PostForm>
      }
    >
      <PostForm className="stack">
        {redirectTo}
        <FormAlert message={errors?.form} />
        <TextField
          label="Authentication code"
          name="code"
          autoComplete="one-time-code"
          autoCapitalize="off"
          spellCheck={false}
          required
          minLength={6}
          maxLength={20}
          autoFocus
          hint="Lost your phone? A backup code works here too; each one works once."
          error={errors?.fields.code ? 'That code is not valid. Use the current code from your app, or an unused backup code.' : undefined}
        />
        <SubmitButton intent="verify-2fa" className="btn--block">
          Verify and sign in
        </SubmitButton>
      </PostForm>
    </AuthCard>
  );
}
