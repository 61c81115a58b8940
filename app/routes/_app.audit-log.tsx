import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/cloudflare';
import { Form, Link, useLoaderData } from '@remix-run/react';
import { Badge } from '~/components/atoms/Badge';
import { EmptyState } from '~/components/molecules/EmptyState';
import { DayRangeFields, FilterActions } from '~/components/molecules/FilterFields';
import { CursorPager } from '~/components/molecules/CursorPager';
import { FormAlert } from '~/components/molecules/FormAlert';
import { TextField } from '~/components/molecules/FormField';
import { PageHeader } from '~/components/molecules/PageHeader';
import { DataTable, type Column } from '~/components/organisms/DataTable';
import { userApi } from '~/lib/api.server';
import type { AuditEntry, Member, Page } from '~/lib/api-types';
import { formatDateTime } from '~/lib/format';
import { dayEnd, dayParam, dayStart } from '~/lib/list-url';
import { refusedFilter } from '~/lib/problem';
import { reply } from '~/lib/respond.server';

// Errors of this page render inside the app layout, so the navigation stays.
export { RouteError as ErrorBoundary } from '~/components/organisms/RouteError';

export const meta: MetaFunction = () => [{ title: 'Audit log · Edgepost' }];

const PAGE_SIZE = 50;
/** The filters as typed in the URL: dates are whole days (UTC), as the date inputs give them. */
function filtersOf(url: URL) {
  return { action: url.searchParams.get('action')?.trim() ?? '', since: dayParam(url, 'since'), until: dayParam(url, 'until'), cursor: url.searchParams.get('cursor') ?? '' };
}

export async function loader(args: LoaderFunctionArgs) {
  const url = new URL(args.request.url);
  const filters = filtersOf(url);
  const api = userApi(args);
  const members = api.get<Page<Member>>('/v1/members', { limit: 100 }).then((page) => page.data, () => [] as Member[]);
  try {
    const page = await api.get<Page<AuditEntry>>('/v1/audit-log', {
      limit: PAGE_SIZE,
      cursor: filters.cursor,
      action: filters.action,
      since: dayStart(filters.since),
      until: dayEnd(filters.until),
    });
    return reply(args, { filters, entries: page.data, nextCursor: page.next_cursor, error: null, members: await members });
  } catch (error) {
    return reply(args, { filters, entries: [], nextCursor: null, error: refusedFilter(error), members: await members });
  }
}

export default function AuditLog() {
  const { filters, entries, nextCursor, error, members } = useLoaderData<typeof loader>();
  const emailOf = new Map(members.map((m) => [m.user_id, m.email]));
  const filtered = Boolean(filters.action || filters.since || filters.until);

  const actorOf = (entry: AuditEntry) =>
    entry.actor_type === 'user' && entry.actor_id ? emailOf.get(entry.actor_id) ?? entry.actor_id : entry.actor_type.replace('_', ' ');

  const columns: Column<AuditEntry>[] = [
    { id: 'when', header: 'When', sortValue: (e) => e.created_at, cell: (e) => <time className="cell-nowrap" dateTime={e.created_at}>{formatDateTime(e.created_at)}</time> },
    { id: 'actor', header: 'Actor', sortValue: actorOf, cell: actorOf },
    { id: 'action', header: 'Action', sortValue: (e) => e.action, cell: (e) => <Badge tone="info">{e.action}</Badge> },
    { id: 'target', header: 'Target', cell: (e) => (e.target_type ? <code>{`${e.target_type} ${e.target_id ?? ''}`.trim()}</code> : '—') },
    { id: 'ip', header: 'IP address', cell: (e) => e.ip ?? '—' },
  ];

  const nextPage = new URLSearchParams({ ...withoutEmpty(filters), cursor: nextCursor ?? '' });

  return (
    <>
      <PageHeader title="Audit log" description="Who did what in this workspace, newest first." breadcrumb={[{ label: 'Workspace', to: '/' }]} />
      <Form method="get" className="filters" aria-label="Filter the audit log">
        <TextField label="Action" name="action" defaultValue={filters.action} placeholder="e.g. member.* or api_key.created" />
        <DayRangeFields since={filters.since} until={filters.until} />
        <FilterActions filtered={filtered} clearTo="/audit-log" />
      </Form>
      <FormAlert message={error ?? undefined} />
      <DataTable
        label="Audit entries"
        rows={entries}
        columns={columns}
        rowId={(e) => e.id}
        rowLabel={(e) => `${e.action} at ${e.created_at}`}
        searchText={(e) => `${actorOf(e)} ${e.action} ${e.target_type ?? ''} ${e.target_id ?? ''} ${e.ip ?? ''}`}
        empty={
          <EmptyState
            icon="list"
            title={filtered ? 'Nothing matches these filters' : 'No activity yet'}
            description={filtered ? 'Widen the dates or clear the action filter.' : 'Sign-ins, invitations, role changes and API keys show up here as they happen.'}
            action={
              filtered ? (
                <Link to="/audit-log" className="btn btn--secondary btn--md">
                  Clear filters
                </Link>
              ) : (
                <Link to="/members" className="btn btn--primary btn--md">
                  Invite a teammate
                </Link>
              )
            }
          />
        }
        footer={
          <CursorPager
            label="Audit log pages"
            firstUrl={filters.cursor ? `?${new URLSearchParams(withoutEmpty({ ...filters, cursor: '' }))}` : null}
            nextUrl={nextCursor ? `?${nextPage}` : null}
            firstLabel="Newest entries"
            nextLabel="Older entries"
          />
        }
      />
    </>
  );
}

function withoutEmpty(values: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== ''));
}
