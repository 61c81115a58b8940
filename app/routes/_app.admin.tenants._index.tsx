import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/cloudflare';
import { Link, useLoaderData } from '@remix-run/react';
import { CursorPager } from '~/components/molecules/CursorPager';
import { EmptyState } from '~/components/molecules/EmptyState';
import { PageHeader } from '~/components/molecules/PageHeader';
import { TenantStatusBadge } from '~/components/molecules/TenantStatusBadge';
import { DataTable } from '~/components/organisms/DataTable';
import { asSuperAdmin } from '~/lib/admin.server';
import { userApi } from '~/lib/api.server';
import type { AdminTenantSummary, Page } from '~/lib/api-types';
import { formatDate } from '~/lib/format';
import { reply } from '~/lib/respond.server';

// Errors of this page render inside the app layout, so the navigation stays.
export { RouteError as ErrorBoundary } from '~/components/organisms/RouteError';

export const meta: MetaFunction = () => [{ title: 'Tenants · Edgepost' }];

const STATUSES = ['', 'active', 'suspended', 'closed'] as const;
type StatusFilter = (typeof STATUSES)[number];

export async function loader(args: LoaderFunctionArgs) {
  const url = new URL(args.request.url);
  const raw = url.searchParams.get('status') ?? '';
  const status: StatusFilter = (STATUSES as readonly string[]).includes(raw) ? (raw as StatusFilter) : '';
  const cursor = url.searchParams.get('cursor') ?? '';
  const page = await asSuperAdmin(() => userApi(args).get<Page<AdminTenantSummary>>('/v1/admin/tenants', { status, cursor, limit: 100 }));
  return reply(args, { status, cursor, tenants: page.data, nextCursor: page.next_cursor });
}

const tabUrl = (status: StatusFilter, cursor = '') => {
  const params = new URLSearchParams({ ...(status ? { status } : {}), ...(cursor ? { cursor } : {}) }).toString();
  return params ? `/admin/tenants?${params}` : '/admin/tenants';
};

export default function AdminTenants() {
  const { status, cursor, tenants, nextCursor } = useLoaderData<typeof loader>();
  return (
    <>
      <PageHeader title="Tenants" description="Every workspace on the platform: open one for its usage, plan, limits, warm-up and reputation." breadcrumb={[{ label: 'Platform', to: '/admin' }]} />
      <nav className="tabs" aria-label="Tenant states">
        {STATUSES.map((s) => (
          <Link key={s || 'all'} to={tabUrl(s)} className="tabs__tab" aria-current={status === s ? 'page' : undefined}>
            {s ? s.charAt(0).toUpperCase() + s.slice(1) : 'All'}
          </Link>
        ))}
      </nav>
      <DataTable
        label="Tenants"
        rows={tenants}
        rowId={(t) => t.id}
        rowLabel={(t) => t.name}
        searchText={(t) => `${t.name} ${t.slug} ${t.id}`}
        columns={[
          {
            id: 'name',
            header: 'Tenant',
            sortValue: (t) => t.name.toLowerCase(),
            cell: (t) => (
              <div className="cell-person">
                <Link to={`/admin/tenants/${encodeURIComponent(t.id)}`}>
                  <strong>{t.name}</strong>
                </Link>
                <span className="text-muted">{t.slug}</span>
              </div>
            ),
          },
          { id: 'plan', header: 'Plan', sortValue: (t) => t.plan, cell: (t) => t.plan },
          { id: 'status', header: 'Status', cell: (t) => <TenantStatusBadge status={t.status} /> },
          { id: 'members', header: 'Members', numeric: true, sortValue: (t) => t.members, cell: (t) => t.members },
          { id: 'created', header: 'Created', sortValue: (t) => t.created_at, cell: (t) => <span className="cell-nowrap">{formatDate(t.created_at)}</span> },
        ]}
        empty={<EmptyState icon="users" title="No tenants here" description="No workspace is in this state." />}
        footer={<CursorPager label="Tenant pages" firstUrl={cursor ? tabUrl(status) : null} nextUrl={nextCursor ? tabUrl(status, nextCursor) : null} />}
      />
    </>
  );
}
