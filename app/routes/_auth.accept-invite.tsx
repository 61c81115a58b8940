import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/cloudflare';
import { useActionData, useLoaderData } from '@remix-run/react';
import { Badge } from '~/components/atoms/Badge';
import { AuthCard } from '~/components/molecules/AuthCard';
import { FormAlert } from '~/components/molecules/FormAlert';
import { PasswordField, TextField } from '~/components/molecules/FormField';
import { InvalidLink } from '~/components/molecules/InvalidLink';
import { PostForm } from '~/components/molecules/PostForm';
import { SubmitButton } from '~/components/molecules/SubmitButton';
import { anonymousApi } from '~/lib/api.server';
import type { AuthResponse, InvitationPreview } from '~/lib/api-types';
import { startSession } from '~/lib/auth-session.server';
import { field, formAction, rawField } from '~/lib/form-action.server';
import { ApiProblem } from '~/lib/problem';
import { reply } from '~/lib/respond.server';

export const meta: MetaFunction = () => [{ title: 'Join a workspace · Edgepost' }];

export async function loader(args: LoaderFunctionArgs) {
  const token = new URL(args.request.url).searchParams.get('token');
  if (!token) return reply(args, { token: null, invitation: null });
  try {
    const invitation = await anonymousApi(args).get<InvitationPreview>(`/v1/auth/invitations/${encodeURIComponent(token)}`);
    return reply(args, { token, invitation });
  } catch (error) {
    if (error instanceof ApiProblem && error.status < 500) return reply(args, { token, invitation: null });
    throw error;
  }
}

export async function action(args: ActionFunctionArgs) {
  return formAction(args, async (form) => {
    const auth = await anonymousApi(args).post<AuthResponse>('/v1/auth/invitations/accept', {
      token: field(form, 'token'),
      password: rawField(form, 'password'),
      name: field(form, 'name') || undefined,
    });
    await startSession(args, auth);
    return { toast: `Welcome to ${auth.tenant.name}.`, redirectTo: '/' };
  });
}

export default function AcceptInvite() {
  const { token, invitation } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const errors = result && !result.ok ? result.errors : undefined;
  if (!token || !invitation) {
    return (
      <InvalidLink
        title="This invitation is no longer valid"
        description="It may have expired, been revoked or already been used. Ask whoever invited you to send a new one."
        next={{ to: '/login', label: 'Go to sign in' }}
      />
    );
  }
  return (
    <AuthCard
      title={`Join ${invitation.tenant_name}`}
      description={
        <>
          You were invited as <Badge tone="primary">{invitation.role}</Badge> with <strong>{invitation.email}</strong>.
        </>
      }
    >
      <PostForm className="stack">
        <input type="hidden" name="token" value={token} />
        <FormAlert message={errors?.form ?? errors?.fields.token} />
        {invitation.existing_user ? (
          <PasswordField kind="current" label="Your Edgepost password" error={errors?.fields.password} />
        ) : (
          <>
            <TextField label="Your name" name="name" autoComplete="name" error={errors?.fields.name} />
            <PasswordField kind="new" label="Choose a password" error={errors?.fields.password} />
          </>
        )}
        <SubmitButton intent="accept" className="btn--block">
          Join {invitation.tenant_name}
        </SubmitButton>
      </PostForm>
    </AuthCard>
  );
}
