import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/cloudflare';
import { useLoaderData } from '@remix-run/react';
import { useState } from 'react';
import { Badge, type BadgeTone } from '~/components/atoms/Badge';
import { Checkbox } from '~/components/atoms/Checkbox';
import { EmptyState } from '~/components/molecules/EmptyState';
import { TextField } from '~/components/molecules/FormField';
import { PageHeader } from '~/components/molecules/PageHeader';
import { ConfirmSubmit } from '~/components/organisms/ConfirmSubmit';
import { DataTable, type Column } from '~/components/organisms/DataTable';
import { FormDialog } from '~/components/organisms/FormDialog';
import { SecretReveal } from '~/components/organisms/SecretReveal';
import { userApi } from '~/lib/api.server';
import type { ApiKey, CreatedApiKey, Page } from '~/lib/api-types';
import { field, formAction } from '~/lib/form-action.server';
import { formatDate, formatDateTime } from '~/lib/format';
import { useMe } from '~/lib/me';
import { can } from '~/lib/permissions';
import { reply } from '~/lib/respond.server';

// Errors of this page render inside the app layout, so the navigation stays.
export { RouteError as ErrorBoundary } from '~/components/organisms/RouteError';

export const meta: MetaFunction = () => [{ title: 'API keys · Edgepost' }];

export async function loader(args: LoaderFunctionArgs) {
  const api = userApi(args);
  const [keys, scopes] = await Promise.all([
    api.get<Page<ApiKey>>('/v1/api-keys', { limit: 100 }),
    api.get<{ scopes: string[] }>('/v1/api-keys/scopes'),
  ]);
  return reply(args, { keys: keys.data, scopes: scopes.scopes });
}

export async function action(args: ActionFunctionArgs) {
  const api = userApi(args);
  return formAction<Pick<CreatedApiKey, 'name' | 'secret'>>(args, async (form, intent) => {
    switch (intent) {
      case 'create': {
        const expires = field(form, 'expires_on');
        const key = await api.post<CreatedApiKey>('/v1/api-keys', {
          name: field(form, 'name'),
          scopes: form.getAll('scopes').map(String),
          // A key chosen to expire "on" a day works through the end of that day (UTC).
          expires_at: expires ? `${expires}T23:59:59Z` : undefined,
        });
        return { toast: `API key “${key.name}” created.`, data: { name: key.name, secret: key.secret } };
      }
      case 'revoke': {
        const ids = form.getAll('ids').map(String);
        for (const id of ids) await api.delete(`/v1/api-keys/${encodeURIComponent(id)}`);
        return { toast: ids.length === 1 ? 'API key revoked.' : `${ids.length} API keys revoked.` };
      }
      default:
        throw new Response(`Unknown intent ${intent}`, { status: 400 });
    }
  });
}

type KeyStatus = 'active' | 'expired' | 'revoked';

function statusOf(key: ApiKey, now: number): KeyStatus {
  if (key.revoked_at) return 'revoked';
  if (key.expires_at && Date.parse(key.expires_at) <= now) return 'expired';
  return 'active';
}

const STATUS_TONE: Record<KeyStatus, BadgeTone> = { active: 'success', expired: 'warning', revoked: 'neutral' };
const STATUS_FILTER = [
  { value: '', label: 'All keys' },
  { value: 'active', label: 'Active' },
  { value: 'expired', label: 'Expired' },
  { value: 'revoked', label: 'Revoked' },
];

export default function ApiKeys() {
  const { keys, scopes } = useLoaderData<typeof loader>();
  const me = useMe();
  const canManage = can(me, 'api_keys:write');
  const [created, setCreated] = useState<{ name: string; secret: string } | null>(null);
  const now = Date.now();

  const columns: Column<ApiKey>[] = [
    {
      id: 'name',
      header: 'Name',
      sortValue: (k) => k.name.toLowerCase(),
      cell: (k) => (
        <div className="cell-person">
          <strong>{k.name}</strong>
          <code className="text-muted">{k.prefix}…</code>
        </div>
      ),
    },
    { id: 'status', header: 'Status', sortValue: (k) => statusOf(k, now), cell: (k) => <Badge tone={STATUS_TONE[statusOf(k, now)]}>{statusOf(k, now)}</Badge> },
    { id: 'scopes', header: 'Scopes', cell: (k) => <span className="text-muted">{k.scopes.join(', ')}</span> },
    { id: 'last-used', header: 'Last used', sortValue: (k) => k.last_used_at ?? '', cell: (k) => (k.last_used_at ? formatDateTime(k.last_used_at) : 'Never') },
    { id: 'expires', header: 'Expires', sortValue: (k) => k.expires_at ?? '9999', cell: (k) => (k.expires_at ? formatDate(k.expires_at) : 'Never') },
  ];
  if (canManage) {
    columns.push({
      id: 'actions',
      header: 'Actions',
      numeric: true,
      cell: (k) =>
        statusOf(k, now) === 'revoked' ? null : (
          <ConfirmSubmit
            trigger={{ label: 'Revoke', icon: 'trash', ariaLabel: `Revoke ${k.name}` }}
            title={`Revoke “${k.name}”?`}
            confirmLabel="Revoke key"
            fields={{ intent: 'revoke', ids: [k.id] }}
          >
            <p>Requests with this key fail at once. This cannot be undone; you can create a new key instead.</p>
          </ConfirmSubmit>
        ),
    });
  }

  const createButton = canManage ? <CreateKeyDialog scopes={scopes} onCreated={setCreated} /> : null;

  return (
    <>
      <PageHeader
        title="API keys"
        description="Keys let your own systems call the Edgepost API. Give each one only the scopes it needs."
        breadcrumb={[{ label: 'Workspace', to: '/' }]}
        actions={createButton}
      />
      <DataTable
        label="API keys"
        rows={keys}
        columns={columns}
        rowId={(k) => k.id}
        rowLabel={(k) => k.name}
        searchText={(k) => `${k.name} ${k.prefix} ${k.scopes.join(' ')}`}
        filter={{ label: 'Filter by status', options: STATUS_FILTER, matches: (k, status) => statusOf(k, now) === status }}
        pageSize={10}
        bulkActions={
          canManage
            ? (selected) => {
                const revocable = selected.filter((k) => statusOf(k, now) !== 'revoked');
                return revocable.length === 0 ? null : (
                  <ConfirmSubmit
                    trigger={{ label: `Revoke ${revocable.length}`, variant: 'danger' }}
                    title={`Revoke ${revocable.length} API key${revocable.length === 1 ? '' : 's'}?`}
                    confirmLabel="Revoke keys"
                    fields={{ intent: 'revoke', ids: revocable.map((k) => k.id) }}
                  >
                    <p>Requests with these keys fail at once. This cannot be undone.</p>
                  </ConfirmSubmit>
                );
              }
            : undefined
        }
        empty={
          <EmptyState
            icon="key"
            title="No API keys yet"
            description={canManage ? 'Create a key to send email and manage contacts from your own code.' : 'Ask an owner or admin to create a key for your integration.'}
            action={createButton}
          />
        }
      />
      <SecretReveal name={created?.name ?? ''} secret={created?.secret ?? null} onClose={() => setCreated(null)} />
    </>
  );
}

function CreateKeyDialog({ scopes, onCreated }: { scopes: string[]; onCreated: (key: { name: string; secret: string }) => void }) {
  return (
    <FormDialog<{ name: string; secret: string }>
      trigger={{ label: 'Create API key', icon: 'plus' }}
      title="Create an API key"
      intent="create"
      submitLabel="Create key"
      onSuccess={(key) => key && onCreated(key)}
    >
      {(errors) => (
        <>
          <TextField label="Name" name="name" required maxLength={100} placeholder="e.g. Production backend" error={errors?.fields.name} />
          <fieldset className="fieldset">
            <legend className="field__label">Scopes</legend>
            <div className="scope-grid">
              {scopes.map((scope) => (
                <Checkbox key={scope} name="scopes" value={scope} label={<code>{scope}</code>} />
              ))}
            </div>
            {errors?.fields.scopes && <p className="field__error">{errors.fields.scopes}</p>}
          </fieldset>
          <TextField label="Expires on (optional)" name="expires_on" type="date" hint="Leave empty for a key that does not expire." error={errors?.fields.expires_at} />
        </>
      )}
    </FormDialog>
  );
}
