import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/cloudflare';
import { Link, useLoaderData } from '@remix-run/react';
import { EmptyState } from '~/components/molecules/EmptyState';
import { PageHeader } from '~/components/molecules/PageHeader';
import { ConfirmSubmit } from '~/components/organisms/ConfirmSubmit';
import { DataTable, type Column } from '~/components/organisms/DataTable';
import { userApi } from '~/lib/api.server';
import type { Segment } from '~/lib/api-types';
import { audience } from '~/lib/audience.server';
import { field, formAction } from '~/lib/form-action.server';
import { formatDate } from '~/lib/format';
import { useMe } from '~/lib/me';
import { can } from '~/lib/permissions';
import { reply } from '~/lib/respond.server';

// Errors of this page render inside the app layout, so the navigation stays.
export { RouteError as ErrorBoundary } from '~/components/organisms/RouteError';

export const meta: MetaFunction = () => [{ title: 'Segments · Edgepost' }];

export async function loader(args: LoaderFunctionArgs) {
  return reply(args, { segments: await audience.segments(userApi(args)) });
}

export async function action(args: ActionFunctionArgs) {
  const api = userApi(args);
  return formAction(args, async (form, intent) => {
    if (intent !== 'delete') throw new Response(`Unknown intent ${intent}`, { status: 400 });
    await api.delete(`/v1/segments/${encodeURIComponent(field(form, 'id'))}`);
    return { toast: 'Segment deleted. Its contacts are untouched.' };
  });
}

export default function Segments() {
  const { segments } = useLoaderData<typeof loader>();
  const canWrite = can(useMe(), 'contacts:write');
  const columns: Column<Segment>[] = [
    {
      id: 'name',
      header: 'Segment',
      sortValue: (s) => s.name.toLowerCase(),
      cell: (s) => (
        <div className="cell-person">
          <Link to={`/segments/${encodeURIComponent(s.id)}`}>
            <strong>{s.name}</strong>
          </Link>
          {s.description && <span className="text-muted">{s.description}</span>}
        </div>
      ),
    },
    { id: 'updated', header: 'Last changed', sortValue: (s) => s.updated_at ?? s.created_at, cell: (s) => formatDate(s.updated_at ?? s.created_at) },
  ];
  if (canWrite) {
    columns.push({
      id: 'actions',
      header: 'Actions',
      numeric: true,
      cell: (s) => (
        <ConfirmSubmit trigger={{ label: 'Delete', icon: 'trash', ariaLabel: `Delete ${s.name}` }} title={`Delete the segment “${s.name}”?`} confirmLabel="Delete segment" fields={{ intent: 'delete', id: s.id }}>
          <p>Only the saved conditions go; no contact is changed or deleted.</p>
        </ConfirmSubmit>
      ),
    });
  }
  const createLink = canWrite ? (
    <Link to="/segments/new" className="btn btn--primary btn--md">
      New segment
    </Link>
  ) : null;
  return (
    <>
      <PageHeader
        title="Segments"
        description="Saved audiences defined by conditions (tags, lists, fields, activity), always up to date."
        breadcrumb={[{ label: 'Audience', to: '/contacts' }]}
        actions={createLink}
      />
      <DataTable
        label="Segments"
        rows={segments}
        columns={columns}
        rowId={(s) => s.id}
        rowLabel={(s) => s.name}
        searchText={(s) => `${s.name} ${s.description ?? ''}`}
        pageSize={25}
        empty={<EmptyState icon="layers" title="No segments yet" description="Build one from conditions, such as “opened a campaign in the last 30 days and is tagged customer”." action={createLink} />}
      />
    </>
  );
}
