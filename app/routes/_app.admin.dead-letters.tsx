import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/cloudflare';
import { Link, useFetcher, useLoaderData } from '@remix-run/react';
import { CursorPager } from '~/components/molecules/CursorPager';
import { EmptyState } from '~/components/molecules/EmptyState';
import { HiddenFields } from '~/components/molecules/HiddenFields';
import { PageHeader } from '~/components/molecules/PageHeader';
import { PostForm } from '~/components/molecules/PostForm';
import { SubmitButton } from '~/components/molecules/SubmitButton';
import { ConfirmSubmit } from '~/components/organisms/ConfirmSubmit';
import { DataTable } from '~/components/organisms/DataTable';
import { asSuperAdmin } from '~/lib/admin.server';
import { userApi } from '~/lib/api.server';
import type { DeadLetter, Page, ReplayResult } from '~/lib/api-types';
import { field, formAction } from '~/lib/form-action.server';
import { formatDateTime, plural } from '~/lib/format';
import { reply } from '~/lib/respond.server';
import deliveryCss from '~/styles/delivery.css?url';

// Errors of this page render inside the app layout, so the navigation stays.
export { RouteError as ErrorBoundary } from '~/components/organisms/RouteError';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: deliveryCss }];

export const meta: MetaFunction = () => [{ title: 'Dead letters · Edgepost' }];

export async function loader(args: LoaderFunctionArgs) {
  const url = new URL(args.request.url);
  const filters = { tenant_id: url.searchParams.get('tenant_id') ?? '', campaign_id: url.searchParams.get('campaign_id') ?? '', cursor: url.searchParams.get('cursor') ?? '' };
  const page = await asSuperAdmin(() => userApi(args).get<Page<DeadLetter>>('/v1/admin/dead-letters', { ...filters, limit: 100 }));
  return reply(args, { filters, letters: page.data, nextCursor: page.next_cursor });
}

export async function action(args: ActionFunctionArgs) {
  const api = userApi(args);
  return formAction(args, async (form, intent) => {
    if (intent !== 'replay') throw new Response(`Unknown intent ${intent}`, { status: 400 });
    const campaignId = field(form, 'campaign_id');
    const body = campaignId ? { campaign_id: campaignId } : { message_ids: form.getAll('message_ids').map(String) };
    const result = await api.post<ReplayResult>('/v1/admin/dead-letters/replay', body);
    const skipped = result.not_replayed.length ? ` ${plural(result.not_replayed.length, 'message')} could not be replayed (no longer failed, or not campaign mail).` : '';
    return { toast: `${plural(result.replayed, 'message')} sent again; ${plural(result.campaign_ids.length, 'campaign')} woken.${skipped}` };
  });
}

export default function DeadLetters() {
  const { filters, letters, nextCursor } = useLoaderData<typeof loader>();
  const query = (change: Partial<typeof filters>) => {
    const params = new URLSearchParams(Object.entries({ ...filters, cursor: '', ...change }).filter(([, v]) => v) as [string, string][]).toString();
    return params ? `/admin/dead-letters?${params}` : '/admin/dead-letters';
  };
  const filtered = filters.tenant_id || filters.campaign_id;
  return (
    <>
      <PageHeader
        title="Dead letters"
        description="Messages that failed after every retry, across tenants, newest first. Replaying puts them back in their campaign's queue."
        breadcrumb={[{ label: 'Platform', to: '/admin' }]}
        actions={
          filters.campaign_id && letters.length > 0 ? (
            <ConfirmSubmit
              trigger={{ label: 'Replay the whole campaign', icon: 'refresh', variant: 'primary', size: 'md' }}
              title="Replay every failed message of this campaign?"
              confirmLabel="Replay"
              fields={{ intent: 'replay', campaign_id: filters.campaign_id }}
            >
              <p>They go back to pending and the campaign sends them again, once each.</p>
            </ConfirmSubmit>
          ) : null
        }
      />
      {filtered && (
        <p className="filter-note">
          Showing {filters.tenant_id ? `tenant ${filters.tenant_id}` : ''} {filters.campaign_id ? `campaign ${filters.campaign_id}` : ''}.{' '}
          <Link to="/admin/dead-letters">Show all</Link>
        </p>
      )}
      <DataTable
        label="Dead letters"
        rows={letters}
        rowId={(l) => l.id}
        rowLabel={(l) => l.email}
        searchText={(l) => `${l.email} ${l.tenant_name} ${l.campaign_name ?? ''} ${l.error ?? ''}`}
        bulkActions={(selected) => <ReplaySelected ids={selected.map((l) => l.id)} />}
        columns={[
          {
            id: 'recipient',
            header: 'Recipient',
            cell: (l) => (
              <div className="cell-person">
                <strong>{l.email}</strong>
                <span className="text-muted">{l.stream}</span>
              </div>
            ),
          },
          { id: 'tenant', header: 'Tenant', cell: (l) => <Link to={query({ tenant_id: l.tenant_id })}>{l.tenant_name}</Link> },
          { id: 'campaign', header: 'Campaign', cell: (l) => (l.campaign_id ? <Link to={query({ campaign_id: l.campaign_id })}>{l.campaign_name ?? l.campaign_id}</Link> : 'Transactional') },
          { id: 'attempts', header: 'Attempts', numeric: true, sortValue: (l) => l.attempts, cell: (l) => l.attempts },
          { id: 'error', header: 'Last error', cell: (l) => <span className="dead-letter__error">{l.error ?? '—'}</span> },
          { id: 'when', header: 'Failed', sortValue: (l) => l.created_at, cell: (l) => <span className="cell-nowrap">{formatDateTime(l.created_at)}</span> },
        ]}
        empty={<EmptyState icon="check" title="No dead letters" description="Every message was delivered or is still on its way." />}
        footer={<CursorPager label="Dead letter pages" firstUrl={filters.cursor ? query({ cursor: '' }) : null} nextUrl={nextCursor ? query({ cursor: nextCursor }) : null} />}
      />
    </>
  );
}

function ReplaySelected({ ids }: { ids: string[] }) {
  const fetcher = useFetcher();
  return (
    <PostForm fetcher={fetcher}>
      <HiddenFields fields={{ message_ids: ids }} />
      <SubmitButton intent="replay" size="sm" icon="refresh" busy={fetcher.state !== 'idle'}>
        Replay {plural(ids.length, 'message')}
      </SubmitButton>
    </PostForm>
  );
}
