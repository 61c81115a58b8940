import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/cloudflare';
import { Form, Link, useLoaderData } from '@remix-run/react';
import { Select } from '~/components/atoms/Select';
import { CopyableCode } from '~/components/molecules/CopyableCode';
import { CursorPager } from '~/components/molecules/CursorPager';
import { EmptyState } from '~/components/molecules/EmptyState';
import { DayRangeFields, FilterActions } from '~/components/molecules/FilterFields';
import { FormAlert } from '~/components/molecules/FormAlert';
import { FormField, TextField } from '~/components/molecules/FormField';
import { MESSAGE_STATUS_LABELS, MessageStatusBadge } from '~/components/molecules/MessageStatusBadge';
import { PageHeader } from '~/components/molecules/PageHeader';
import { DataTable, type Column } from '~/components/organisms/DataTable';
import { userApi } from '~/lib/api.server';
import { MESSAGE_STATUSES, type Page, type TransactionalMessage } from '~/lib/api-types';
import { formatDateTime } from '~/lib/format';
import { isFiltered, messageFiltersOf, messageQuery, messagesHref } from '~/lib/message-filters';
import { refusedFilter } from '~/lib/problem';
import { reply } from '~/lib/respond.server';

// Errors of this page render inside the app layout, so the navigation stays.
export { RouteError as ErrorBoundary } from '~/components/organisms/RouteError';

export const meta: MetaFunction = () => [{ title: 'Transactional messages · Edgepost' }];

const PAGE_SIZE = 50;

export async function loader(args: LoaderFunctionArgs) {
  const filters = messageFiltersOf(new URL(args.request.url));
  try {
    const page = await userApi(args).get<Page<TransactionalMessage>>('/v1/messages', messageQuery(filters, PAGE_SIZE));
    return reply(args, { filters, messages: page.data, nextCursor: page.next_cursor, error: null });
  } catch (error) {
    return reply(args, { filters, messages: [] as TransactionalMessage[], nextCursor: null, error: refusedFilter(error) });
  }
}

const SEND_EXAMPLE = `curl -X POST "$EDGEPOST_API/v1/send" \\
  -H "Authorization: Bearer $EDGEPOST_KEY" \\
  -H "Content-Type: application/json" \\
  -H "Idempotency-Key: order-1042-receipt" \\
  -d '{"to":"ada@example.com","subject":"Your receipt #1042",
       "html":"<p>Thanks for your order.</p>","tags":["receipt"]}'`;

const recipientsOf = (m: TransactionalMessage) => [...m.to, ...m.cc].join(', ');

const columns: Column<TransactionalMessage>[] = [
  {
    id: 'subject',
    header: 'Message',
    cell: (m) => (
      <div className="cell-person">
        <Link to={`/messages/${encodeURIComponent(m.id)}`}>
          <strong>{m.subject || '(no subject)'}</strong>
        </Link>
        <span className="text-muted">To {recipientsOf(m)}</span>
      </div>
    ),
  },
  { id: 'status', header: 'Status', cell: (m) => <MessageStatusBadge status={m.status} /> },
  {
    id: 'tags',
    header: 'Tags',
    cell: (m) =>
      m.tags.length ? (
        <span className="row">
          {m.tags.map((t) => (
            <code key={t}>{t}</code>
          ))}
        </span>
      ) : (
        '—'
      ),
  },
  {
    id: 'when',
    header: 'When',
    cell: (m) => {
      const [label, at] = m.scheduled_at ? ['For', m.scheduled_at] : m.sent_at ? ['Sent', m.sent_at] : ['Accepted', m.created_at];
      return (
        <span className="cell-nowrap">
          {label} <time dateTime={at}>{formatDateTime(at)}</time>
        </span>
      );
    },
  },
];

export default function Messages() {
  const { filters, messages, nextCursor, error } = useLoaderData<typeof loader>();
  const filtered = isFiltered(filters);
  return (
    <>
      <PageHeader
        title="Transactional messages"
        description="One-to-one mail your systems send through the API — receipts, password resets — newest first, with where each one is."
        breadcrumb={[{ label: 'Email' }]}
      />
      <Form method="get" className="filters" aria-label="Filter messages">
        <FormField label="Status">
          {(control) => (
            <Select name="status" defaultValue={filters.status} options={[{ value: '', label: 'Any status' }, ...MESSAGE_STATUSES.map((s) => ({ value: s, label: MESSAGE_STATUS_LABELS[s] }))]} {...control} />
          )}
        </FormField>
        <TextField label="Recipient" name="to" type="email" defaultValue={filters.to} placeholder="ada@example.com" autoComplete="off" />
        <TextField label="Tag" name="tag" defaultValue={filters.tag} placeholder="receipt" autoComplete="off" autoCapitalize="off" spellCheck={false} />
        <DayRangeFields since={filters.since} until={filters.until} />
        <FilterActions filtered={filtered} clearTo="/messages" />
      </Form>
      <FormAlert message={error ?? undefined} />
      <DataTable
        label="Transactional messages"
        rows={messages}
        columns={columns}
        rowId={(m) => m.id}
        rowLabel={(m) => m.subject}
        empty={
          filtered || error ? (
            <EmptyState
              icon="search"
              title="No messages match these filters"
              description="Widen the dates, or clear the status, recipient or tag."
              action={
                <Link to="/messages" className="btn btn--secondary btn--md">
                  Clear filters
                </Link>
              }
            />
          ) : (
            <EmptyState
              icon="send"
              title="No transactional messages yet"
              description={
                <>
                  Your application sends one with <code>POST /v1/send</code> and an API key with the <code>send</code> scope; it shows up here with its events.
                  The full reference (Cc, Bcc, templates, attachments, scheduling) is at <code>/docs</code> on your Edgepost API address.
                </>
              }
              action={
                <Link to="/api-keys" className="btn btn--primary btn--md">
                  Create an API key
                </Link>
              }
            >
              <CopyableCode value={SEND_EXAMPLE} copyLabel="Copy the example" multiline label="Example request" />
            </EmptyState>
          )
        }
        footer={
          <CursorPager
            label="Message pages"
            firstUrl={filters.cursor ? messagesHref(filters, { cursor: '' }) : null}
            nextUrl={nextCursor ? messagesHref(filters, { cursor: nextCursor }) : null}
            firstLabel="Newest messages"
            nextLabel="Older messages"
          />
        }
      />
    </>
  );
}
