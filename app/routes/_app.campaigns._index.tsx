import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/cloudflare';
import { Link, useLoaderData } from '@remix-run/react';
import { CAMPAIGN_STATUS_LABELS, CampaignStatusBadge } from '~/components/molecules/CampaignStatusBadge';
import { CursorPager } from '~/components/molecules/CursorPager';
import { EmptyState } from '~/components/molecules/EmptyState';
import { PageHeader } from '~/components/molecules/PageHeader';
import { ProgressBar } from '~/components/molecules/ProgressBar';
import { ConfirmSubmit } from '~/components/organisms/ConfirmSubmit';
import { DataTable, type Column } from '~/components/organisms/DataTable';
import { RowAction } from '~/components/organisms/RowAction';
import { userApi } from '~/lib/api.server';
import { CAMPAIGN_STATUSES, type Campaign, type CampaignStatus, type CampaignWithProgress, type Page } from '~/lib/api-types';
import { campaignPath } from '~/lib/campaigns.server';
import { campaignUrl, editUrl } from '~/lib/campaign-wizard';
import { campaignDate, canDelete, progressText, progressTone } from '~/lib/campaign-status';
import { field, formAction } from '~/lib/form-action.server';
import { formatDate } from '~/lib/format';
import { listHref } from '~/lib/list-url';
import { useMe } from '~/lib/me';
import { can } from '~/lib/permissions';
import { reply } from '~/lib/respond.server';
import deliveryCss from '~/styles/delivery.css?url';

// Errors of this page render inside the app layout, so the navigation stays.
export { RouteError as ErrorBoundary } from '~/components/organisms/RouteError';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: deliveryCss }];

export const meta: MetaFunction = () => [{ title: 'Campaigns · Edgepost' }];

const PAGE_SIZE = 50;

interface ListFilters {
  status: CampaignStatus | '';
  deleted: boolean;
  cursor: string;
}

function filtersOf(url: URL): ListFilters {
  const status = url.searchParams.get('status') ?? '';
  return {
    status: (CAMPAIGN_STATUSES as readonly string[]).includes(status) ? (status as CampaignStatus) : '',
    deleted: url.searchParams.get('deleted') === 'true',
    cursor: url.searchParams.get('cursor') ?? '',
  };
}

/** This list's URL with some filters changed (a changed filter starts again at the first page). */
function listUrl(filters: ListFilters, change: Partial<ListFilters>): string {
  const next = { ...filters, cursor: '', ...change };
  return listHref('/campaigns', { deleted: next.deleted, status: next.deleted ? '' : next.status, cursor: next.cursor });
}

export async function loader(args: LoaderFunctionArgs) {
  const filters = filtersOf(new URL(args.request.url));
  const page = await userApi(args).get<Page<CampaignWithProgress>>('/v1/campaigns', {
    status: filters.deleted ? undefined : filters.status,
    deleted: filters.deleted ? 'true' : undefined,
    cursor: filters.cursor,
    limit: PAGE_SIZE,
  });
  return reply(args, { filters, campaigns: page.data, nextCursor: page.next_cursor });
}

export async function action(args: ActionFunctionArgs) {
  const api = userApi(args);
  return formAction(args, async (form, intent) => {
    const id = field(form, 'id');
    switch (intent) {
      case 'clone': {
        const copy = await api.post<Campaign>(`${campaignPath(id)}/clone`);
        return { toast: `Copy created: “${copy.name}”.`, redirectTo: editUrl(copy) };
      }
      case 'delete':
        await api.delete(campaignPath(id));
        return { toast: 'Campaign deleted. You can restore it for 30 days.', toastAction: { label: 'Undo', to: '/campaigns', intent: 'restore', fields: { id } } };
      case 'restore': {
        const campaign = await api.post<Campaign>(`${campaignPath(id)}/restore`);
        return { toast: `“${campaign.name}” restored.` };
      }
      default:
        throw new Response(`Unknown intent ${intent}`, { status: 400 });
    }
  });
}

const TABS: (CampaignStatus | '')[] = ['', 'draft', 'scheduled', 'sending', 'paused', 'sent', 'cancelled', 'failed'];

export default function Campaigns() {
  const { filters, campaigns, nextCursor } = useLoaderData<typeof loader>();
  const canWrite = can(useMe(), 'campaigns:write');
  const newLink = canWrite ? (
    <Link to="/campaigns/new" className="btn btn--primary btn--md">
      New campaign
    </Link>
  ) : null;

  return (
    <>
      <PageHeader
        title="Campaigns"
        description="Your sends to lists, segments and tags: drafts, scheduled and running campaigns, and how each went."
        actions={
          <>
            <Link to="/campaigns/compare" className="btn btn--secondary btn--md">
              Compare
            </Link>
            {newLink}
          </>
        }
      />
      <nav className="tabs" aria-label="Campaign states">
        {TABS.map((status) => (
          <Link key={status || 'all'} to={listUrl(filters, { status, deleted: false })} className="tabs__tab" aria-current={!filters.deleted && filters.status === status ? 'page' : undefined}>
            {status ? CAMPAIGN_STATUS_LABELS[status] : 'All'}
          </Link>
        ))}
        <Link to={listUrl(filters, { status: '', deleted: true })} className="tabs__tab" aria-current={filters.deleted ? 'page' : undefined}>
          Recently deleted
        </Link>
      </nav>
      <DataTable
        label="Campaigns"
        rows={campaigns}
        columns={filters.deleted ? deletedColumns(canWrite) : liveColumns(canWrite)}
        rowId={(c) => c.id}
        rowLabel={(c) => c.name}
        empty={
          filters.deleted ? (
            <EmptyState icon="trash" title="Nothing deleted recently" description="Deleted campaigns stay here for 30 days, so you can restore them." />
          ) : filters.status ? (
            <EmptyState
              icon="search"
              title={`No ${CAMPAIGN_STATUS_LABELS[filters.status].toLowerCase()} campaigns`}
              description="Campaigns in other states are under the other tabs."
              action={
                <Link to="/campaigns" className="btn btn--secondary btn--md">
                  Show all campaigns
                </Link>
              }
            />
          ) : (
            <EmptyState
              icon="send"
              title="No campaigns yet"
              description={
                canWrite
                  ? 'A campaign sends one of your templates to a list, a segment or a tag, now or at a time you choose.'
                  : 'Ask an editor to create the first campaign.'
              }
              action={
                canWrite && (
                  <Link to="/campaigns/new" className="btn btn--primary btn--md">
                    Create your first campaign
                  </Link>
                )
              }
            />
          )
        }
        footer={<CursorPager label="Campaign pages" firstUrl={filters.cursor ? listUrl(filters, { cursor: '' }) : null} nextUrl={nextCursor ? listUrl(filters, { cursor: nextCursor }) : null} />}
      />
    </>
  );
}

const count = (n: number) => n.toLocaleString('en');

function liveColumns(canWrite: boolean): Column<CampaignWithProgress>[] {
  return [
    {
      id: 'name',
      header: 'Campaign',
      cell: (c) => (
        <div className="cell-person">
          <Link to={c.status === 'draft' && canWrite ? editUrl(c) : campaignUrl(c)}>
            <strong>{c.name}</strong>
          </Link>
          {c.subject && <span className="text-muted">{c.subject}</span>}
        </div>
      ),
    },
    { id: 'status', header: 'Status', cell: (c) => <CampaignStatusBadge status={c.status} /> },
    {
      id: 'progress',
      header: 'Progress',
      cell: (c) =>
        c.status === 'draft' || c.status === 'scheduled' ? (
          <span className="text-muted">Not started</span>
        ) : (
          <div className="campaign-progress-cell">
            <ProgressBar label={`Progress of ${c.name}`} value={c.progress.total - c.progress.remaining} max={c.progress.total} valueText={progressText(c.progress)} tone={progressTone(c.status)} />
          </div>
        ),
    },
    { id: 'sent', header: 'Sent', numeric: true, sortValue: (c) => c.progress.sent, cell: (c) => count(c.progress.sent) },
    { id: 'bounced', header: 'Bounced', numeric: true, sortValue: (c) => c.progress.bounced, cell: (c) => count(c.progress.bounced) },
    { id: 'failed', header: 'Failed', numeric: true, sortValue: (c) => c.progress.failed, cell: (c) => count(c.progress.failed) },
    { id: 'date', header: 'Date', sortValue: (c) => campaignDate(c).at, cell: (c) => <span className="cell-nowrap">{campaignDate(c).label}</span> },
    ...(canWrite
      ? [
          {
            id: 'actions',
            header: 'Actions',
            numeric: true,
            cell: (c: CampaignWithProgress) => (
              <div className="row-actions">
                <RowAction intent="clone" label="Clone" icon="copy" name={c.name} fields={{ id: c.id }} />
                {canDelete(c.status) && (
                  <ConfirmSubmit
                    trigger={{ label: 'Delete', icon: 'trash', ariaLabel: `Delete ${c.name}` }}
                    title={`Delete “${c.name}”?`}
                    confirmLabel="Delete campaign"
                    fields={{ intent: 'delete', id: c.id }}
                  >
                    <p>It moves to Recently deleted, where you can restore it for 30 days. Its sending history stays with it.</p>
                  </ConfirmSubmit>
                )}
              </div>
            ),
          },
        ]
      : []),
  ];
}

function deletedColumns(canWrite: boolean): Column<CampaignWithProgress>[] {
  return [
    { id: 'name', header: 'Campaign', cell: (c) => <strong>{c.name}</strong> },
    { id: 'status', header: 'Status', cell: (c) => <CampaignStatusBadge status={c.status} /> },
    { id: 'deleted', header: 'Deleted', cell: (c) => (c.deleted_at ? formatDate(c.deleted_at) : '—') },
    ...(canWrite
      ? [{ id: 'actions', header: 'Actions', numeric: true, cell: (c: CampaignWithProgress) => <RowAction intent="restore" label="Restore" icon="undo" name={c.name} fields={{ id: c.id }} /> }]
      : []),
  ];
}
