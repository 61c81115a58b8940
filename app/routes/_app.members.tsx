import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/cloudflare';
import { useLoaderData } from '@remix-run/react';
import { Badge } from '~/components/atoms/Badge';
import { EmptyState } from '~/components/molecules/EmptyState';
import { TextField } from '~/components/molecules/FormField';
import { PageHeader } from '~/components/molecules/PageHeader';
import { RoleSelect } from '~/components/molecules/RoleSelect';
import { ConfirmSubmit } from '~/components/organisms/ConfirmSubmit';
import { DataTable, type Column } from '~/components/organisms/DataTable';
import { FormDialog } from '~/components/organisms/FormDialog';
import { userApi } from '~/lib/api.server';
import { ROLES, type Invitation, type Member, type Page, type Role } from '~/lib/api-types';
import { field, formAction } from '~/lib/form-action.server';
import { formatDate } from '~/lib/format';
import { useMe } from '~/lib/me';
import { can, grantableRoles } from '~/lib/permissions';
import { reply } from '~/lib/respond.server';

// Errors of this page render inside the app layout, so the navigation stays.
export { RouteError as ErrorBoundary } from '~/components/organisms/RouteError';

export const meta: MetaFunction = () => [{ title: 'Members · Edgepost' }];

export async function loader(args: LoaderFunctionArgs) {
  const api = userApi(args);
  const [members, invitations] = await Promise.all([
    api.get<Page<Member>>('/v1/members', { limit: 100 }),
    api.get<Page<Invitation>>('/v1/members/invitations', { limit: 100 }),
  ]);
  return reply(args, { members: members.data, invitations: invitations.data });
}

export async function action(args: ActionFunctionArgs) {
  const api = userApi(args);
  return formAction(args, async (form, intent) => {
    const id = encodeURIComponent(field(form, 'id'));
    switch (intent) {
      case 'invite': {
        const email = field(form, 'email');
        await api.post('/v1/members/invitations', { email, role: field(form, 'role') });
        return { toast: `Invitation sent to ${email}.` };
      }
      case 'change-role':
        await api.patch(`/v1/members/${id}`, { role: field(form, 'role') });
        return { toast: 'Role changed.' };
      case 'remove':
        await api.delete(`/v1/members/${id}`);
        return { toast: 'Member removed.' };
      case 'revoke-invitations': {
        const ids = form.getAll('ids').map(String);
        // One at a time: the API revokes one invitation per call, and stops at the first refusal.
        for (const one of ids) await api.delete(`/v1/members/invitations/${encodeURIComponent(one)}`);
        return { toast: ids.length === 1 ? 'Invitation revoked.' : `${ids.length} invitations revoked.` };
      }
      default:
        throw new Response(`Unknown intent ${intent}`, { status: 400 });
    }
  });
}

const ROLE_FILTER = [{ value: '', label: 'All roles' }, ...ROLES.map((role) => ({ value: role, label: capitalize(role) }))];

export default function Members() {
  const { members, invitations } = useLoaderData<typeof loader>();
  const me = useMe();
  const canManage = can(me, 'members:write');
  const roles = grantableRoles(me.role);

  const memberColumns: Column<Member>[] = [
    {
      id: 'name',
      header: 'Member',
      sortValue: (m) => (m.name ?? m.email).toLowerCase(),
      cell: (m) => (
        <div className="cell-person">
          <strong>{m.name ?? m.email}</strong>
          {m.name && <span className="text-muted">{m.email}</span>}
        </div>
      ),
    },
    { id: 'role', header: 'Role', sortValue: (m) => ROLES.indexOf(m.role), cell: (m) => <Badge tone={m.role === 'owner' ? 'primary' : 'neutral'}>{m.role}</Badge> },
    { id: 'joined', header: 'Joined', sortValue: (m) => m.created_at, cell: (m) => formatDate(m.created_at) },
  ];
  if (canManage) {
    memberColumns.push({
      id: 'actions',
      header: 'Actions',
      numeric: true,
      cell: (m) =>
        m.user_id === me.user.id ? (
          <span className="text-muted">You</span>
        ) : (
          <div className="row-actions">
            <FormDialog
              trigger={{ label: 'Change role', variant: 'ghost', size: 'sm' }}
              title={`Change the role of ${m.name ?? m.email}`}
              intent="change-role"
              submitLabel="Save role"
            >
              {(errors) => (
                <>
                  <input type="hidden" name="id" value={m.id} />
                  <RoleSelect roles={roles} defaultValue={m.role} error={errors?.fields.role} />
                </>
              )}
            </FormDialog>
            <ConfirmSubmit
              trigger={{ label: 'Remove', icon: 'trash', ariaLabel: `Remove ${m.name ?? m.email}` }}
              title={`Remove ${m.name ?? m.email}?`}
              confirmLabel="Remove member"
              fields={{ intent: 'remove', id: m.id }}
            >
              <p>They lose access to this workspace at once. Their past actions stay in the audit log.</p>
            </ConfirmSubmit>
          </div>
        ),
    });
  }

  const invitationColumns: Column<Invitation>[] = [
    { id: 'email', header: 'Email', sortValue: (i) => i.email, cell: (i) => i.email },
    { id: 'role', header: 'Role', sortValue: (i) => ROLES.indexOf(i.role), cell: (i) => <Badge>{i.role}</Badge> },
    { id: 'expires', header: 'Expires', sortValue: (i) => i.expires_at, cell: (i) => formatDate(i.expires_at) },
  ];
  if (canManage) {
    invitationColumns.push({
      id: 'actions',
      header: 'Actions',
      numeric: true,
      cell: (i) => (
        <ConfirmSubmit
          trigger={{ label: 'Revoke', ariaLabel: `Revoke the invitation for ${i.email}` }}
          title={`Revoke the invitation for ${i.email}?`}
          confirmLabel="Revoke invitation"
          fields={{ intent: 'revoke-invitations', ids: [i.id] }}
        >
          <p>The link in their email stops working. You can invite them again later.</p>
        </ConfirmSubmit>
      ),
    });
  }

  const inviteButton = canManage ? <InviteDialog roles={roles} /> : null;

  return (
    <>
      <PageHeader
        title="Members"
        description="Who can use this workspace, and what they may do."
        breadcrumb={[{ label: 'Workspace', to: '/' }]}
        actions={inviteButton}
      />
      <section className="section" aria-labelledby="members-heading">
        <h2 id="members-heading" className="section__title">
          Team ({members.length})
        </h2>
        <DataTable
          label="Members"
          rows={members}
          columns={memberColumns}
          rowId={(m) => m.id}
          rowLabel={(m) => m.name ?? m.email}
          searchText={(m) => `${m.name ?? ''} ${m.email}`}
          filter={{ label: 'Filter by role', options: ROLE_FILTER, matches: (m, role) => m.role === role }}
          pageSize={10}
          empty={<EmptyState icon="users" title="No members yet" description="Invite your team to work on campaigns together." action={inviteButton} />}
        />
      </section>
      <section className="section" aria-labelledby="invitations-heading">
        <h2 id="invitations-heading" className="section__title">
          Pending invitations ({invitations.length})
        </h2>
        <DataTable
          label="Pending invitations"
          rows={invitations}
          columns={invitationColumns}
          rowId={(i) => i.id}
          rowLabel={(i) => i.email}
          searchText={(i) => i.email}
          filter={{ label: 'Filter invitations by role', options: ROLE_FILTER, matches: (i, role) => i.role === role }}
          pageSize={10}
          bulkActions={
            canManage
              ? (selected) => (
                  <ConfirmSubmit
                    trigger={{ label: 'Revoke selected', variant: 'danger' }}
                    title={`Revoke ${selected.length} invitation${selected.length === 1 ? '' : 's'}?`}
                    confirmLabel="Revoke invitations"
                    fields={{ intent: 'revoke-invitations', ids: selected.map((i) => i.id) }}
                  >
                    <p>The links in their emails stop working.</p>
                  </ConfirmSubmit>
                )
              : undefined
          }
          empty={
            <EmptyState
              icon="mail"
              title="No pending invitations"
              description={canManage ? 'Invite a teammate by email; the link is valid for 7 days.' : 'Ask an owner or admin to invite your teammates.'}
              action={inviteButton}
            />
          }
        />
      </section>
    </>
  );
}

function InviteDialog({ roles }: { roles: Role[] }) {
  return (
    <FormDialog
      trigger={{ label: 'Invite member', icon: 'plus' }}
      title="Invite a member"
      description="We email them a link to join this workspace. It is valid for 7 days."
      intent="invite"
      submitLabel="Send invitation"
    >
      {(errors) => (
        <>
          <TextField label="Email" name="email" type="email" autoComplete="off" required error={errors?.fields.email} />
          <RoleSelect roles={roles} defaultValue="editor" error={errors?.fields.role} />
        </>
      )}
    </FormDialog>
  );
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}
