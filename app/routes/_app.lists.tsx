import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/cloudflare';
import { Link, useLoaderData } from '@remix-run/react';
import { Badge } from '~/components/atoms/Badge';
import { Switch } from '~/components/atoms/Switch';
import { EmptyState } from '~/components/molecules/EmptyState';
import { FormField, TextField } from '~/components/molecules/FormField';
import { PageHeader } from '~/components/molecules/PageHeader';
import { ConfirmSubmit } from '~/components/organisms/ConfirmSubmit';
import { DataTable, type Column } from '~/components/organisms/DataTable';
import { FormDialog } from '~/components/organisms/FormDialog';
import { userApi } from '~/lib/api.server';
import type { ContactList } from '~/lib/api-types';
import { audience } from '~/lib/audience.server';
import { field, formAction } from '~/lib/form-action.server';
import { formatDate, plural } from '~/lib/format';
import { useMe } from '~/lib/me';
import { can } from '~/lib/permissions';
import type { FormErrors } from '~/lib/problem';
import { reply } from '~/lib/respond.server';

// Errors of this page render inside the app layout, so the navigation stays.
export { RouteError as ErrorBoundary } from '~/components/organisms/RouteError';

export const meta: MetaFunction = () => [{ title: 'Lists · Edgepost' }];

export async function loader(args: LoaderFunctionArgs) {
  return reply(args, { lists: await audience.lists(userApi(args)) });
}

/** The list as the dialog submitted it; an emptied description is cleared. */
function submittedList(form: FormData) {
  return { name: field(form, 'name'), description: field(form, 'description') || null, double_opt_in: form.get('double_opt_in') === 'on' };
}

export async function action(args: ActionFunctionArgs) {
  const api = userApi(args);
  return formAction(args, async (form, intent) => {
    const id = encodeURIComponent(field(form, 'id'));
    switch (intent) {
      case 'create': {
        const list = await api.post<ContactList>('/v1/lists', submittedList(form));
        return { toast: `List “${list.name}” created.` };
      }
      case 'update': {
        const list = await api.patch<ContactList>(`/v1/lists/${id}`, submittedList(form));
        return { toast: `List “${list.name}” saved.` };
      }
      case 'delete':
        await api.delete(`/v1/lists/${id}`);
        return { toast: 'List deleted. Its contacts stay.' };
      default:
        throw new Response(`Unknown intent ${intent}`, { status: 400 });
    }
  });
}

export default function Lists() {
  const { lists } = useLoaderData<typeof loader>();
  const canWrite = can(useMe(), 'contacts:write');

  const columns: Column<ContactList>[] = [
    {
      id: 'name',
      header: 'List',
      sortValue: (l) => l.name.toLowerCase(),
      cell: (l) => (
        <div className="cell-person">
          <strong>{l.name}</strong>
          {l.description && <span className="text-muted">{l.description}</span>}
        </div>
      ),
    },
    { id: 'double-opt-in', header: 'Double opt-in', cell: (l) => (l.double_opt_in ? <Badge tone="info">on</Badge> : <Badge>off</Badge>) },
    {
      id: 'subscribers',
      header: 'Subscribers',
      numeric: true,
      sortValue: (l) => l.subscribers,
      cell: (l) => (
        <Link to={`/contacts?list=${encodeURIComponent(l.id)}`} aria-label={`${plural(l.subscribers, 'subscriber')} of ${l.name}: show them`}>
          {l.subscribers.toLocaleString('en')}
        </Link>
      ),
    },
    { id: 'created', header: 'Created', sortValue: (l) => l.created_at, cell: (l) => formatDate(l.created_at) },
  ];
  if (canWrite) {
    columns.push({
      id: 'actions',
      header: 'Actions',
      numeric: true,
      cell: (l) => (
        <div className="row-actions">
          <FormDialog trigger={{ label: 'Edit', icon: 'edit', variant: 'ghost', size: 'sm' }} title={`Edit ${l.name}`} intent="update" submitLabel="Save list">
            {(errors) => (
              <>
                <input type="hidden" name="id" value={l.id} />
                <ListFields list={l} errors={errors} />
              </>
            )}
          </FormDialog>
          <ConfirmSubmit trigger={{ label: 'Delete', icon: 'trash', ariaLabel: `Delete ${l.name}` }} title={`Delete ${l.name}?`} confirmLabel="Delete list" fields={{ intent: 'delete', id: l.id }}>
            <p>
              {plural(l.subscribers, 'subscriber')} lose this list, but every contact stays in your audience. Forms that subscribe to it stop adding to it.
            </p>
          </ConfirmSubmit>
        </div>
      ),
    });
  }

  const createButton = canWrite ? (
    <FormDialog trigger={{ label: 'Create list', icon: 'plus' }} title="Create a list" intent="create" submitLabel="Create list">
      {(errors) => <ListFields errors={errors} />}
    </FormDialog>
  ) : null;

  return (
    <>
      <PageHeader
        title="Lists"
        description="Lists are the topics people subscribe to (a newsletter, product updates); recipients see them in the preference center."
        breadcrumb={[{ label: 'Audience', to: '/contacts' }]}
        actions={createButton}
      />
      <DataTable
        label="Lists"
        rows={lists}
        columns={columns}
        rowId={(l) => l.id}
        rowLabel={(l) => l.name}
        searchText={(l) => `${l.name} ${l.description ?? ''}`}
        pageSize={25}
        empty={
          <EmptyState
            icon="list"
            title="No lists yet"
            description={canWrite ? 'Create a list for each kind of email people can subscribe to.' : 'Ask an editor to create your lists.'}
            action={createButton}
          />
        }
      />
    </>
  );
}

function ListFields({ list, errors }: { list?: ContactList; errors: FormErrors | undefined }) {
  return (
    <>
      <TextField label="Name" name="name" required maxLength={100} defaultValue={list?.name} placeholder="e.g. Monthly newsletter" error={errors?.fields.name} />
      <FormField label="Description (optional)" hint="Shown to subscribers in the preference center." error={errors?.fields.description}>
        {(control) => <textarea className="input textarea" name="description" maxLength={500} rows={3} defaultValue={list?.description ?? ''} {...control} />}
      </FormField>
      <Switch
        name="double_opt_in"
        defaultChecked={list?.double_opt_in ?? false}
        label="Double opt-in: people who subscribe through a form confirm by email first"
      />
    </>
  );
}
