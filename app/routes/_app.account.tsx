import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/cloudflare';
import { useActionData, useFetcher, useLoaderData } from '@remix-run/react';
import { useEffect, useRef, useState } from 'react';
import { Badge } from '~/components/atoms/Badge';
import { Button } from '~/components/atoms/Button';
import { Icon } from '~/components/atoms/Icon';
import { Switch } from '~/components/atoms/Switch';
import { EmptyState } from '~/components/molecules/EmptyState';
import { FormAlert } from '~/components/molecules/FormAlert';
import { PasswordField, TextField } from '~/components/molecules/FormField';
import { PageHeader } from '~/components/molecules/PageHeader';
import { PostForm } from '~/components/molecules/PostForm';
import { SubmitButton } from '~/components/molecules/SubmitButton';
import { BackupCodesReveal } from '~/components/organisms/BackupCodesReveal';
import { ConfirmSubmit } from '~/components/organisms/ConfirmSubmit';
import { DataTable, type Column } from '~/components/organisms/DataTable';
import { FormDialog } from '~/components/organisms/FormDialog';
import { Modal } from '~/components/organisms/Modal';
import type { ActionResult } from '~/lib/action-result';
import { userApi } from '~/lib/api.server';
import type { AccountSession, NotificationPreference, TotpSetup, TwoFactorStatus, User } from '~/lib/api-types';
import { field, formAction, rawField } from '~/lib/form-action.server';
import { formatDateTime } from '~/lib/format';
import { useMe } from '~/lib/me';
import { notificationKindLabel } from '~/lib/notification-kinds';
import { ApiProblem, type FormErrors } from '~/lib/problem';
import { reply } from '~/lib/respond.server';

// Errors of this page render inside the app layout, so the navigation stays.
export { RouteError as ErrorBoundary } from '~/components/organisms/RouteError';

export const meta: MetaFunction = () => [{ title: 'Your account · Edgepost' }];

export async function loader(args: LoaderFunctionArgs) {
  const api = userApi(args);
  // In a workspace that requires 2FA, a member without it may only enrol: the rest answers mfa-required.
  const orMfaRequired = <T,>(call: Promise<T>) =>
    call.catch((error: unknown) => {
      if (error instanceof ApiProblem && error.code === 'mfa-required') return null;
      throw error;
    });
  const [twoFactor, sessions, preferences] = await Promise.all([
    api.get<TwoFactorStatus>('/v1/auth/2fa'),
    orMfaRequired(api.get<{ data: AccountSession[] }>('/v1/sessions')),
    orMfaRequired(api.get<{ data: NotificationPreference[] }>('/v1/notifications/preferences')),
  ]);
  return reply(args, { twoFactor, sessions: sessions?.data ?? null, preferences: preferences?.data ?? null });
}

type AccountData = { setup?: TotpSetup; backupCodes?: string[]; pendingEmail?: string | null };

export async function action(args: ActionFunctionArgs) {
  const api = userApi(args);
  return formAction<AccountData>(args, async (form, intent) => {
    switch (intent) {
      case 'profile':
        await api.patch('/v1/me', { name: field(form, 'name') || null });
        return { toast: 'Your name is saved.' };
      case 'email': {
        const { pending_email } = await api.patch<{ user: User; pending_email: string | null }>('/v1/me', {
          email: field(form, 'email'),
          current_password: rawField(form, 'current_password'),
        });
        return { toast: `Confirm the link we sent to ${pending_email ?? field(form, 'email')}.`, data: { pendingEmail: pending_email } };
      }
      case 'password':
        await api.patch('/v1/me', { current_password: rawField(form, 'current_password'), new_password: rawField(form, 'new_password') });
        return { toast: 'Password changed. Your other sessions were signed out.' };
      case '2fa-setup':
        return { toast: 'Scan the QR code with your authenticator app.', data: { setup: await api.post<TotpSetup>('/v1/auth/2fa/setup') } };
      case '2fa-enable': {
        const { backup_codes } = await api.post<{ backup_codes: string[] }>('/v1/auth/2fa/enable', { code: field(form, 'code').replace(/\s+/g, '') });
        return { toast: 'Two-factor authentication is on.', data: { backupCodes: backup_codes } };
      }
      case 'backup-codes': {
        const { backup_codes } = await api.post<{ backup_codes: string[] }>('/v1/auth/2fa/backup-codes', { code: field(form, 'code').replace(/\s+/g, '') });
        return { toast: 'New backup codes created; the old ones no longer work.', data: { backupCodes: backup_codes } };
      }
      case '2fa-disable':
        await api.post('/v1/auth/2fa/disable', { password: rawField(form, 'password'), code: field(form, 'code').replace(/\s+/g, '') });
        return { toast: 'Two-factor authentication is off.' };
      case 'revoke-session':
        await api.delete(`/v1/sessions/${encodeURIComponent(field(form, 'id'))}`);
        return { toast: 'That session is signed out.' };
      case 'revoke-others':
        await api.post('/v1/sessions/revoke-others');
        return { toast: 'All your other sessions are signed out.' };
      case 'preferences': {
        const kinds = form.getAll('kind').map(String);
        await api.patch('/v1/notifications/preferences', {
          preferences: kinds.map((kind) => ({ kind, email: form.has(`email:${kind}`), in_app: form.has(`in_app:${kind}`) })),
        });
        return { toast: 'Notification preferences saved.' };
      }
      default:
        throw new Response(`Unknown intent ${intent}`, { status: 400 });
    }
  });
}

/** The errors of the last submission, if it came from the form with this intent. */
function useErrorsFor(intent: string): FormErrors | undefined {
  const result = useActionData<typeof action>();
  return result && !result.ok && result.intent === intent ? result.errors : undefined;
}

/** Clears a form after its own submission succeeded (passwords must not linger in the fields). */
function useResetOnSuccess(intent: string) {
  const result = useActionData<typeof action>();
  const ref = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (result?.ok && result.intent === intent) ref.current?.reset();
  }, [result, intent]);
  return ref;
}

export default function Account() {
  const { twoFactor, sessions, preferences } = useLoaderData<typeof loader>();
  const me = useMe();
  const mfaBlocked = sessions === null;
  return (
    <>
      <PageHeader title="Your account" description="Your sign-in details, security and notifications. They apply in every workspace you belong to." />
      {mfaBlocked && (
        <div className="banner banner--warning" role="alert">
          <Icon name="shield" />
          <p>
            <strong>{me.tenant.name}</strong> requires two-factor authentication. Turn it on below to continue working in this workspace.
          </p>
        </div>
      )}
      <div className="settings-layout">
        <nav className="settings-toc" aria-label="On this page">
          <a href="#profile">Profile</a>
          <a href="#security">Sign-in and security</a>
          <a href="#two-factor">Two-factor authentication</a>
          <a href="#sessions">Sessions</a>
          <a href="#notifications">Notifications</a>
        </nav>
        <div className="settings-sections">
          <ProfileSection name={me.user.name} />
          <SecuritySection email={me.user.email} />
          <TwoFactorSection status={twoFactor} />
          {sessions && <SessionsSection sessions={sessions} />}
          {preferences && <PreferencesSection preferences={preferences} />}
        </div>
      </div>
    </>
  );
}

function SettingsCard({ id, title, description, children }: { id: string; title: string; description?: React.ReactNode; children: React.ReactNode }) {
  return (
    <section id={id} className="card settings-card" aria-labelledby={`${id}-title`}>
      <div className="settings-card__header">
        <h2 id={`${id}-title`} className="section__title">
          {title}
        </h2>
        {description && <p className="text-muted">{description}</p>}
      </div>
      {children}
    </section>
  );
}

function ProfileSection({ name }: { name: string | null }) {
  const errors = useErrorsFor('profile');
  return (
    <SettingsCard id="profile" title="Profile" description="How your teammates see you in Edgepost.">
      <PostForm className="stack settings-form" preventScrollReset>
        <FormAlert message={errors?.form} />
        <TextField label="Your name" name="name" autoComplete="name" maxLength={100} defaultValue={name ?? ''} error={errors?.fields.name} />
        <div>
          <SubmitButton intent="profile">Save name</SubmitButton>
        </div>
      </PostForm>
    </SettingsCard>
  );
}

function SecuritySection({ email }: { email: string }) {
  const result = useActionData<typeof action>();
  const emailErrors = useErrorsFor('email');
  const passwordErrors = useErrorsFor('password');
  const emailForm = useResetOnSuccess('email');
  const passwordForm = useResetOnSuccess('password');
  const pendingEmail = result?.ok && result.intent === 'email' ? result.data?.pendingEmail : null;
  return (
    <SettingsCard id="security" title="Sign-in and security">
      <div className="settings-split">
        <PostForm ref={emailForm} className="stack settings-form" preventScrollReset aria-labelledby="change-email-title">
          <h3 id="change-email-title" className="settings-card__subtitle">
            Email address
          </h3>
          <p className="text-muted">
            You sign in with <strong>{email}</strong>. A new address takes effect once you confirm the link we send to it.
          </p>
          {pendingEmail && (
            <div className="banner banner--info" role="status">
              <Icon name="mail" />
              <p>
                Confirm the link we sent to <strong>{pendingEmail}</strong>. Until then you keep signing in with {email}.
              </p>
            </div>
          )}
          <FormAlert message={emailErrors?.form} />
          <TextField label="New email address" name="email" type="email" autoComplete="email" required error={emailErrors?.fields.email} />
          <PasswordField kind="current" label="Current password" name="current_password" error={emailErrors?.fields.current_password} />
          <div>
            <SubmitButton intent="email">Change email</SubmitButton>
          </div>
        </PostForm>
        <PostForm ref={passwordForm} className="stack settings-form" preventScrollReset aria-labelledby="change-password-title">
          <h3 id="change-password-title" className="settings-card__subtitle">
            Password
          </h3>
          <p className="text-muted">Changing it signs you out everywhere else.</p>
          <FormAlert message={passwordErrors?.form} />
          <PasswordField kind="current" label="Current password" name="current_password" error={passwordErrors?.fields.current_password} />
          <PasswordField kind="new" label="New password" name="new_password" error={passwordErrors?.fields.new_password ?? passwordErrors?.fields.password} />
          <div>
            <SubmitButton intent="password">Change password</SubmitButton>
          </div>
        </PostForm>
      </div>
    </SettingsCard>
  );
}

function TwoFactorSection({ status }: { status: TwoFactorStatus }) {
  const setup = useFetcher<ActionResult<AccountData>>();
  const [enrolment, setEnrolment] = useState<TotpSetup | null>(null);
  const [codes, setCodes] = useState<string[] | null>(null);

  useEffect(() => {
    if (setup.state === 'idle' && setup.data?.ok && setup.data.data?.setup) setEnrolment(setup.data.data.setup);
  }, [setup.state, setup.data]);

  return (
    <SettingsCard
      id="two-factor"
      title="Two-factor authentication"
      description="Besides your password, signing in asks for a code from an authenticator app on your phone (1Password, Google Authenticator, Authy, …)."
    >
      <div className="stack">
        <p className="row">
          <span>Status:</span>
          {status.enabled ? <Badge tone="success">On</Badge> : <Badge tone="warning">Off</Badge>}
          {status.enabled && (
            <span className="text-muted">
              {status.backup_codes_remaining} of 10 backup codes left
            </span>
          )}
        </p>
        {!status.enabled ? (
          <>
            {status.required_by && <p>Required {status.required_by}.</p>}
            <PostForm fetcher={setup} preventScrollReset>
              <SubmitButton intent="2fa-setup" icon="shield" busy={setup.state !== 'idle'}>
                Set up two-factor authentication
              </SubmitButton>
            </PostForm>
            {setup.data && !setup.data.ok && <FormAlert message={setup.data.errors.form} />}
          </>
        ) : (
          <div className="row">
            <FormDialog<AccountData>
              trigger={{ label: 'New backup codes', variant: 'secondary' }}
              title="Create new backup codes"
              description="Your current backup codes stop working. Confirm with a code from your authenticator app."
              intent="backup-codes"
              submitLabel="Create new codes"
              onSuccess={(data) => data?.backupCodes && setCodes(data.backupCodes)}
            >
              {(errors) => <CodeField error={errors?.fields.code} />}
            </FormDialog>
            {status.required_by ? (
              <p className="text-muted">It cannot be turned off: it is required {status.required_by}.</p>
            ) : (
              <FormDialog
                trigger={{ label: 'Turn off', variant: 'ghost' }}
                title="Turn off two-factor authentication?"
                description="Your account is then protected by your password alone. Confirm with your password and a current code."
                intent="2fa-disable"
                submitLabel="Turn off"
                destructive
              >
                {(errors) => (
                  <>
                    <PasswordField kind="current" label="Password" error={errors?.fields.password} />
                    <CodeField error={errors?.fields.code} />
                  </>
                )}
              </FormDialog>
            )}
          </div>
        )}
      </div>
      <EnrolDialog
        setup={enrolment}
        onClose={() => setEnrolment(null)}
        onEnabled={(backupCodes) => {
          setEnrolment(null);
          setCodes(backupCodes);
        }}
      />
      <BackupCodesReveal codes={codes} onClose={() => setCodes(null)} />
    </SettingsCard>
  );
}

function CodeField({ error }: { error?: string }) {
  return (
    <TextField
      label="Code from your authenticator app"
      name="code"
      inputMode="numeric"
      autoComplete="one-time-code"
      required
      minLength={6}
      maxLength={20}
      error={error ? 'That code is not valid. Use the current 6-digit code from your app.' : undefined}
    />
  );
}

/** Base64 of UTF-8 text, for a data: URL (btoa alone takes only Latin-1). */
function base64(text: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** Scan (or type) the secret, then prove it works with a first code; success returns the backup codes. */
function EnrolDialog({ setup, onClose, onEnabled }: { setup: TotpSetup | null; onClose: () => void; onEnabled: (codes: string[]) => void }) {
  const enable = useFetcher<ActionResult<AccountData>>();
  const onEnabledRef = useRef(onEnabled);
  onEnabledRef.current = onEnabled;
  const [handled, setHandled] = useState<unknown>(undefined);
  useEffect(() => {
    if (enable.state === 'idle' && enable.data?.ok && enable.data.data?.backupCodes && enable.data !== handled) {
      setHandled(enable.data);
      onEnabledRef.current(enable.data.data.backupCodes);
    }
  }, [enable.state, enable.data, handled]);
  const errors = enable.data && !enable.data.ok && enable.data !== handled ? enable.data.errors : undefined;
  return (
    <Modal open={setup !== null} onClose={onClose} title="Set up your authenticator app">
      {setup && (
        <PostForm fetcher={enable} className="modal__form" preventScrollReset>
          <div className="modal__body">
            <ol className="enrol-steps">
              <li>
                <p>Scan this QR code with your authenticator app.</p>
                <img className="enrol-qr" src={`data:image/svg+xml;base64,${base64(setup.qr_svg)}`} alt="QR code to add Edgepost to your authenticator app" width={200} height={200} />
                <p className="text-muted">Cannot scan it? Enter this key in the app instead:</p>
                <code className="enrol-secret" data-testid="totp-secret">
                  {setup.secret}
                </code>
              </li>
              <li>
                <p>Enter the 6-digit code the app shows for Edgepost.</p>
              </li>
            </ol>
            <FormAlert message={errors?.form} />
            <CodeField error={errors?.fields.code} />
          </div>
          <div className="modal__footer">
            <Button onClick={onClose}>Cancel</Button>
            <SubmitButton intent="2fa-enable" busy={enable.state !== 'idle'}>
              Turn on
            </SubmitButton>
          </div>
        </PostForm>
      )}
    </Modal>
  );
}

function SessionsSection({ sessions }: { sessions: AccountSession[] }) {
  const others = sessions.filter((s) => !s.current).length;
  const columns: Column<AccountSession>[] = [
    {
      id: 'device',
      header: 'Device',
      sortValue: (s) => s.device,
      cell: (s) => (
        <div className="cell-person">
          <strong>
            {s.device} {s.current && <Badge tone="success">This session</Badge>}
          </strong>
          <span className="text-muted">{s.ip ?? 'Unknown IP address'}</span>
        </div>
      ),
    },
    { id: 'workspace', header: 'Workspace', sortValue: (s) => s.tenant_name, cell: (s) => s.tenant_name },
    { id: 'last-seen', header: 'Last active', sortValue: (s) => s.last_seen_at, cell: (s) => <span className="cell-nowrap">{formatDateTime(s.last_seen_at)}</span> },
    { id: 'created', header: 'Signed in', sortValue: (s) => s.created_at, cell: (s) => <span className="cell-nowrap">{formatDateTime(s.created_at)}</span> },
    {
      id: 'actions',
      header: 'Actions',
      numeric: true,
      cell: (s) =>
        s.current ? null : (
          <ConfirmSubmit
            trigger={{ label: 'Sign out', icon: 'logout', ariaLabel: `Sign out ${s.device} (${s.ip ?? 'unknown IP'})` }}
            title={`Sign out ${s.device}?`}
            confirmLabel="Sign out session"
            fields={{ intent: 'revoke-session', id: s.id }}
          >
            <p>Whoever uses that session has to sign in again.</p>
          </ConfirmSubmit>
        ),
    },
  ];
  return (
    <SettingsCard id="sessions" title="Sessions" description="Where you are signed in. Sign out anything you do not recognise, then change your password.">
      {others > 0 && (
        <div>
          <ConfirmSubmit
            trigger={{ label: 'Sign out all other sessions', variant: 'secondary', size: 'md', icon: 'logout' }}
            title="Sign out all other sessions?"
            confirmLabel="Sign out others"
            fields={{ intent: 'revoke-others' }}
          >
            <p>
              {others} other session{others === 1 ? '' : 's'} will have to sign in again. This one stays signed in.
            </p>
          </ConfirmSubmit>
        </div>
      )}
      <DataTable
        label="Sessions"
        rows={sessions}
        columns={columns}
        rowId={(s) => s.id}
        rowLabel={(s) => s.device}
        pageSize={10}
        empty={<EmptyState icon="lock" title="No other sessions" description="You are signed in only here." />}
      />
    </SettingsCard>
  );
}

function PreferencesSection({ preferences }: { preferences: NotificationPreference[] }) {
  const errors = useErrorsFor('preferences');
  return (
    <SettingsCard id="notifications" title="Notifications" description="Choose, for each kind, whether it reaches you by email, in the app (the bell), or both. These settings apply to this workspace.">
      <PostForm className="stack" preventScrollReset>
        <FormAlert message={errors?.form} />
        <div className="data-table__scroll">
          <table className="table prefs-table">
            <caption className="visually-hidden">Notification channels by kind</caption>
            <thead>
              <tr>
                <th scope="col">Notification</th>
                <th scope="col" className="prefs-table__channel">
                  Email
                </th>
                <th scope="col" className="prefs-table__channel">
                  In the app
                </th>
              </tr>
            </thead>
            <tbody>
              {preferences.map((p) => {
                const { label, description } = notificationKindLabel(p.kind);
                return (
                  <tr key={p.kind}>
                    <th scope="row" className="prefs-table__kind">
                      <input type="hidden" name="kind" value={p.kind} />
                      <strong>{label}</strong>
                      {description && <span className="text-muted">{description}</span>}
                    </th>
                    <td className="prefs-table__channel">
                      <Switch name={`email:${p.kind}`} defaultChecked={p.email} label={<span className="visually-hidden">{label} by email</span>} />
                    </td>
                    <td className="prefs-table__channel">
                      <Switch name={`in_app:${p.kind}`} defaultChecked={p.in_app} label={<span className="visually-hidden">{label} in the app</span>} />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
        <div>
          <SubmitButton intent="preferences">Save preferences</SubmitButton>
        </div>
      </PostForm>
    </SettingsCard>
  );
}
