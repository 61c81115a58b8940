import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/cloudflare';
import { useLoaderData } from '@remix-run/react';
import { Badge, type BadgeTone } from '~/components/atoms/Badge';
import { Icon } from '~/components/atoms/Icon';
import { Select } from '~/components/atoms/Select';
import { EmptyState } from '~/components/molecules/EmptyState';
import { CursorPager } from '~/components/molecules/CursorPager';
import { FormField, TextField } from '~/components/molecules/FormField';
import { PageHeader } from '~/components/molecules/PageHeader';
import { ConfirmSubmit } from '~/components/organisms/ConfirmSubmit';
import { DataTable, type Column } from '~/components/organisms/DataTable';
import { FormDialog } from '~/components/organisms/FormDialog';
import { userApi } from '~/lib/api.server';
import { SUPPRESSION_REASONS, type Page, type Suppression, type SuppressionReason } from '~/lib/api-types';
import { field, formAction } from '~/lib/form-action.server';
import { formatDate } from '~/lib/format';
import { useMe } from '~/lib/me';
import { can } from '~/lib/permissions';
import { reply } from '~/lib/respond.server';

// Errors of this page render inside the app layout, so the navigation stays.
export { RouteError as ErrorBoundary } from '~/components/organisms/RouteError';

export const meta: MetaFunction = () => [{ title: 'Suppressions · Edgepost' }];

const PAGE_SIZE = 100;

const REASON_LABELS: Record<SuppressionReason, string> = {
  unsubscribe: 'Unsubscribed',
  bounce: 'Bounced',
  complaint: 'Complaint',
  manual: 'Added by hand',
};
const REASON_TONE: Record<SuppressionReason, BadgeTone> = { unsubscribe: 'neutral', bounce: 'danger', complaint: 'danger', manual: 'info' };

export async function loader(args: LoaderFunctionArgs) {
  const cursor = new URL(args.request.url).searchParams.get('cursor') ?? '';
  const page = await userApi(args).get<Page<Suppression>>('/v1/suppressions', { limit: PAGE_SIZE, cursor });
  return reply(args, { suppressions: page.data, cursor, nextCursor: page.next_cursor });
}

export async function action(args: ActionFunctionArgs) {
  const api = userApi(args);
  return formAction(args, async (form, intent) => {
    switch (intent) {
      case 'add': {
        const value = field(form, 'value');
        // One box for both: an address has an @, anything else is a whole domain.
        const target = value.includes('@') ? { email: value } : { domain: value.replace(/^@/, '') };
        const added = await api.post<Suppression>('/v1/suppressions', { ...target, reason: field(form, 'reason') || 'manual', note: field(form, 'note') || null });
        return { toast: `${added.value} is suppressed: it will never be mailed.` };
      }
      case 'remove':
        await api.delete(`/v1/suppressions/${encodeURIComponent(field(form, 'id'))}`);
        return { toast: 'Suppression lifted.' };
      default:
        throw new Response(`Unknown intent ${intent}`, { status: 400 });
    }
  });
}

export default function Suppressions() {
  const { suppressions, cursor, nextCursor } = useLoaderData<typeof loader>();
  const canWrite = can(useMe(), 'contacts:write');

  const columns: Column<Suppression>[] = [
    {
      id: 'value',
      header: 'Address or domain',
      sortValue: (s) => s.value,
      cell: (s) => (
        <div className="cell-person">
          <strong>{s.kind === 'domain' ? `@${s.value}` : s.value}</strong>
          {s.note && <span className="text-muted">{s.note}</span>}
        </div>
      ),
    },
    { id: 'kind', header: 'Kind', sortValue: (s) => s.kind, cell: (s) => (s.kind === 'domain' ? 'Whole domain' : 'Address') },
    { id: 'reason', header: 'Reason', sortValue: (s) => s.reason, cell: (s) => <Badge tone={REASON_TONE[s.reason]}>{REASON_LABELS[s.reason]}</Badge> },
    { id: 'since', header: 'Since', sortValue: (s) => s.created_at, cell: (s) => formatDate(s.created_at) },
  ];
  if (canWrite) {
    columns.push({
      id: 'actions',
      header: 'Actions',
      numeric: true,
      cell: (s) => (
        <ConfirmSubmit trigger={{ label: 'Remove', icon: 'trash', ariaLabel: `Remove the suppression of ${s.value}` }} title={`Lift the suppression of ${s.value}?`} confirmLabel="Lift suppression" fields={{ intent: 'remove', id: s.id }}>
          <p>
            {s.reason === 'manual'
              ? 'Mail to it is allowed again, once the contact subscribes.'
              : `It was suppressed after ${REASON_LABELS[s.reason].toLowerCase()}. Lift it only if the person asked you to: mailing people who complained or bounced harms your sender reputation.`}
          </p>
        </ConfirmSubmit>
      ),
    });
  }

  const addButton = canWrite ? (
    <FormDialog trigger={{ label: 'Add suppression', icon: 'plus' }} title="Suppress an address or a domain" description="Suppressed addresses are never added, subscribed or mailed again, whatever list or import they come from." intent="add" submitLabel="Suppress">
      {(errors) => (
        <>
          <TextField label="Email address or domain" name="value" required autoComplete="off" placeholder="ada@example.com or example.com" error={errors?.fields.email ?? errors?.fields.domain} />
          <FormField label="Reason" error={errors?.fields.reason}>
            {(control) => <Select name="reason" defaultValue="manual" options={SUPPRESSION_REASONS.map((r) => ({ value: r, label: REASON_LABELS[r] }))} {...control} />}
          </FormField>
          <TextField label="Note (optional)" name="note" maxLength={500} placeholder="e.g. Asked by phone on 3 March" error={errors?.fields.note} />
        </>
      )}
    </FormDialog>
  ) : null;

  return (
    <>
      <PageHeader
        title="Suppressions"
        description="Addresses and whole domains that must never be mailed: unsubscribes, bounces, complaints and your own additions."
        breadcrumb={[{ label: 'Audience', to: '/contacts' }]}
        actions={
          <>
            <a className="btn btn--secondary btn--md" href="/suppressions/export" download>
              <Icon name="download" />
              <span>Export CSV</span>
            </a>
            {addButton}
          </>
        }
      />
      <DataTable
        label="Suppressions"
        rows={suppressions}
        columns={columns}
        rowId={(s) => s.id}
        rowLabel={(s) => s.value}
        searchText={(s) => `${s.value} ${s.note ?? ''}`}
        filter={{ label: 'Filter by reason', options: [{ value: '', label: 'Every reason' }, ...SUPPRESSION_REASONS.map((r) => ({ value: r, label: REASON_LABELS[r] }))], matches: (s, reason) => s.reason === reason }}
        pageSize={25}
        empty={<EmptyState icon="ban" title="Nothing suppressed" description="Unsubscribes, hard bounces and spam complaints land here on their own. You can add addresses or domains by hand too." action={addButton} />}
        footer={
          <CursorPager
            label="Suppression pages"
            firstUrl={cursor ? '/suppressions' : null}
            nextUrl={nextCursor ? `?cursor=${encodeURIComponent(nextCursor)}` : null}
            firstLabel="Newest"
            nextLabel="Older"
          />
        }
      />
    </>
  );
}
