import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/cloudflare';
import { Link, useLoaderData } from '@remix-run/react';
import { Badge } from '~/components/atoms/Badge';
import { EmptyState } from '~/components/molecules/EmptyState';
import { PageHeader } from '~/components/molecules/PageHeader';
import { ConfirmSubmit } from '~/components/organisms/ConfirmSubmit';
import { DataTable, type Column } from '~/components/organisms/DataTable';
import { FormDialog } from '~/components/organisms/FormDialog';
import { SubscribeFormFields } from '~/components/organisms/SubscribeFormFields';
import { userApi } from '~/lib/api.server';
import type { Page, SubscribeForm } from '~/lib/api-types';
import { audience } from '~/lib/audience.server';
import { field, formAction } from '~/lib/form-action.server';
import { formatDate } from '~/lib/format';
import { submittedForm } from '~/lib/forms.server';
import { useMe } from '~/lib/me';
import { can } from '~/lib/permissions';
import { reply } from '~/lib/respond.server';

// Errors of this page render inside the app layout, so the navigation stays.
export { RouteError as ErrorBoundary } from '~/components/organisms/RouteError';

export const meta: MetaFunction = () => [{ title: 'Forms · Edgepost' }];

export async function loader(args: LoaderFunctionArgs) {
  const api = userApi(args);
  const [forms, lists] = await Promise.all([api.get<Page<SubscribeForm>>('/v1/forms', { limit: 100 }), audience.lists(api)]);
  return reply(args, { forms: forms.data, lists });
}

export async function action(args: ActionFunctionArgs) {
  const api = userApi(args);
  return formAction(args, async (form, intent) => {
    switch (intent) {
      case 'create': {
        const created = await api.post<SubscribeForm>('/v1/forms', submittedForm(form));
        return { toast: `Form “${created.name}” created. Copy its snippet into your website.`, redirectTo: `/forms/${encodeURIComponent(created.id)}` };
      }
      case 'delete':
        await api.delete(`/v1/forms/${encodeURIComponent(field(form, 'id'))}`);
        return { toast: 'Form deleted. Its subscribers stay.' };
      default:
        throw new Response(`Unknown intent ${intent}`, { status: 400 });
    }
  });
}

export default function Forms() {
  const { forms, lists } = useLoaderData<typeof loader>();
  const canWrite = can(useMe(), 'contacts:write');
  const listName = new Map(lists.map((l) => [l.id, l.name]));
  const columns: Column<SubscribeForm>[] = [
    {
      id: 'name',
      header: 'Form',
      sortValue: (f) => f.name.toLowerCase(),
      cell: (f) => (
        <Link to={`/forms/${encodeURIComponent(f.id)}`}>
          <strong>{f.name}</strong>
        </Link>
      ),
    },
    { id: 'lists', header: 'Subscribes to', cell: (f) => f.list_ids.map((id) => listName.get(id) ?? 'a deleted list').join(', ') },
    {
      id: 'status',
      header: 'Status',
      sortValue: (f) => (f.enabled ? 0 : 1),
      cell: (f) => (
        <span className="tag-list">
          {f.enabled ? <Badge tone="success">enabled</Badge> : <Badge>disabled</Badge>}
          {f.double_opt_in && <Badge tone="info">double opt-in</Badge>}
        </span>
      ),
    },
    { id: 'created', header: 'Created', sortValue: (f) => f.created_at, cell: (f) => formatDate(f.created_at) },
  ];
  if (canWrite) {
    columns.push({
      id: 'actions',
      header: 'Actions',
      numeric: true,
      cell: (f) => (
        <ConfirmSubmit trigger={{ label: 'Delete', icon: 'trash', ariaLabel: `Delete ${f.name}` }} title={`Delete the form “${f.name}”?`} confirmLabel="Delete form" fields={{ intent: 'delete', id: f.id }}>
          <p>Websites that embed it can no longer subscribe anyone through it. Its subscribers stay.</p>
        </ConfirmSubmit>
      ),
    });
  }
  const createButton = canWrite ? (
    <FormDialog trigger={{ label: 'New form', icon: 'plus' }} title="Create a subscribe form" intent="create" submitLabel="Create form">
      {(errors) => <SubscribeFormFields lists={lists} errors={errors} />}
    </FormDialog>
  ) : null;
  return (
    <>
      <PageHeader
        title="Forms"
        description="Sign-up forms to embed in your website: they subscribe people to lists, with their consent recorded and double opt-in where a list asks for it."
        breadcrumb={[{ label: 'Audience', to: '/contacts' }]}
        actions={createButton}
      />
      <DataTable
        label="Forms"
        rows={forms}
        columns={columns}
        rowId={(f) => f.id}
        rowLabel={(f) => f.name}
        searchText={(f) => f.name}
        pageSize={25}
        empty={<EmptyState icon="form" title="No forms yet" description="Create a form, paste its snippet into your website, and new subscribers arrive in your lists." action={createButton} />}
      />
    </>
  );
}
