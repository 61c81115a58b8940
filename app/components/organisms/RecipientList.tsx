import { Form, Link } from '@remix-run/react';
import type { CampaignRecipient, Page } from '~/lib/api-types';
import { formatDateTime } from '~/lib/format';
import { OUTCOME_LABELS, recipientsHref, type RecipientFilters } from '~/lib/recipient-filters';
import { Badge, type BadgeTone } from '../atoms/Badge';
import { Input } from '../atoms/Input';
import { Button } from '../atoms/Button';
import { CursorPager } from '../molecules/CursorPager';
import { EmptyState } from '../molecules/EmptyState';
import { DataTable, type Column } from './DataTable';

const STATUS_TONE: Partial<Record<CampaignRecipient['status'], BadgeTone>> = { sent: 'success', bounced: 'danger', failed: 'danger', cancelled: 'neutral', skipped: 'neutral' };
const when = (iso: string | null) => (iso ? formatDateTime(iso) : '—');

/**
 * Who got the campaign and what each did (GET /v1/campaigns/:id/recipients): outcome tabs, a search
 * by address, pages from the API, and the CSV of the same filter.
 */
export function RecipientList({ path, page, filters, exportHref, variants }: { path: string; page: Page<CampaignRecipient>; filters: RecipientFilters; exportHref: string; variants: boolean }) {
  const columns: Column<CampaignRecipient>[] = [
    { id: 'email', header: 'Recipient', cell: (r) => <span className="report-link">{r.email}</span> },
    {
      id: 'status',
      header: 'Status',
      cell: (r) => (
        <div className="cell-person">
          <Badge tone={STATUS_TONE[r.status] ?? 'warning'}>{r.status}</Badge>
          {r.error && <span className="text-muted">{r.error}</span>}
        </div>
      ),
    },
    ...(variants ? [{ id: 'variant', header: 'Variant', cell: (r: CampaignRecipient) => (r.variant === '*' ? 'Held back' : r.variant ?? '—') }] : []),
    { id: 'sent', header: 'Sent', cell: (r) => <span className="cell-nowrap">{when(r.sent_at)}</span> },
    { id: 'opened', header: 'Opened', cell: (r) => <span className="cell-nowrap">{when(r.opened_at)}</span> },
    { id: 'clicked', header: 'Clicked', cell: (r) => <span className="cell-nowrap">{when(r.clicked_at)}</span> },
    {
      id: 'left',
      header: 'Unsubscribed or complained',
      cell: (r) => (r.complained_at ? `Complained ${formatDateTime(r.complained_at)}` : r.unsubscribed_at ? `Unsubscribed ${formatDateTime(r.unsubscribed_at)}` : '—'),
    },
  ];
  return (
    <section className="card stack recipient-list" aria-labelledby="recipients-title" data-testid="recipients">
      <div className="section-header">
        <h2 id="recipients-title" className="section__title">
          Recipients
        </h2>
        <a href={exportHref} className="btn btn--secondary btn--sm" download>
          Export CSV
        </a>
      </div>
      <nav className="tabs tabs--compact" aria-label="Recipients by outcome">
        {(Object.keys(OUTCOME_LABELS) as (keyof typeof OUTCOME_LABELS)[]).map((outcome) => (
          <Link key={outcome || 'all'} to={recipientsHref(path, filters, { outcome })} className="tabs__tab" aria-current={filters.outcome === outcome ? 'page' : undefined} preventScrollReset>
            {OUTCOME_LABELS[outcome]}
          </Link>
        ))}
      </nav>
      <Form method="get" className="row recipient-list__search" role="search" preventScrollReset>
        {filters.outcome && <input type="hidden" name="outcome" value={filters.outcome} />}
        <label className="visually-hidden" htmlFor="recipient-search">
          Search recipients by address
        </label>
        <Input id="recipient-search" type="search" name="q" defaultValue={filters.q} placeholder="Search by address" maxLength={254} />
        <Button type="submit" variant="secondary" icon="search">
          Search
        </Button>
      </Form>
      <DataTable
        label={`Recipients: ${OUTCOME_LABELS[filters.outcome].toLowerCase()}`}
        rows={page.data}
        columns={columns}
        rowId={(r) => r.message_id}
        rowLabel={(r) => r.email}
        empty={<EmptyState icon="search" title="No recipients match" description={filters.outcome || filters.q ? 'Try another outcome or search.' : 'Recipients appear here as the campaign goes out.'} />}
        footer={
          <CursorPager
            label="Recipient pages"
            firstUrl={filters.cursor ? recipientsHref(path, filters, { cursor: '' }) : null}
            nextUrl={page.next_cursor ? recipientsHref(path, filters, { cursor: page.next_cursor }) : null}
            preventScrollReset
          />
        }
      />
    </section>
  );
}
