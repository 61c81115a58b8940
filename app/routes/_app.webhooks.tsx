import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/cloudflare';
import { Link, useLoaderData } from '@remix-run/react';
import { useState } from 'react';
import { Badge, type BadgeTone } from '~/components/atoms/Badge';
import { Checkbox } from '~/components/atoms/Checkbox';
import { Switch } from '~/components/atoms/Switch';
import { CursorPager } from '~/components/molecules/CursorPager';
import { EmptyState } from '~/components/molecules/EmptyState';
import { TextField } from '~/components/molecules/FormField';
import { PageHeader } from '~/components/molecules/PageHeader';
import { ConfirmSubmit } from '~/components/organisms/ConfirmSubmit';
import { DataTable, type Column } from '~/components/organisms/DataTable';
import { FormDialog } from '~/components/organisms/FormDialog';
import { RowAction } from '~/components/organisms/RowAction';
import { SecretReveal } from '~/components/organisms/SecretReveal';
import { userApi } from '~/lib/api.server';
import { WEBHOOK_EVENT_TYPES, type Page, type WebhookDelivery, type WebhookEndpoint } from '~/lib/api-types';
import { field, formAction } from '~/lib/form-action.server';
import { formatDateTime } from '~/lib/format';
import { listHref } from '~/lib/list-url';
import type { FormErrors } from '~/lib/problem';
import { reply } from '~/lib/respond.server';
import { EVENT_LABELS, eventsText, webhookBody } from '~/lib/webhook-form';
import analyticsCss from '~/styles/analytics.css?url';

// Errors of this page render inside the app layout, so the navigation stays.
export { RouteError as ErrorBoundary } from '~/components/organisms/RouteError';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: analyticsCss }];

export const meta: MetaFunction = () => [{ title: 'Webhooks · Edgepost' }];

const DELIVERY_PAGE = 25;
const endpointPath = (id: string) => `/v1/webhooks/${encodeURIComponent(id)}`;

export async function loader(args: LoaderFunctionArgs) {
  const api = userApi(args);
  const url = new URL(args.request.url);
  const endpoints = (await api.get<{ data: WebhookEndpoint[] }>('/v1/webhooks')).data;
  const selected = endpoints.find((e) => e.id === url.searchParams.get('endpoint')) ?? null;
  const cursor = url.searchParams.get('cursor') ?? '';
  const deliveries = selected ? await api.get<Page<WebhookDelivery>>(`${endpointPath(selected.id)}/deliveries`, { limit: DELIVERY_PAGE, cursor }) : null;
  return reply(args, { endpoints, selected, deliveries, cursor });
}

type Secret = { name: string; secret: string };

export async function action(args: ActionFunctionArgs) {
  const api = userApi(args);
  return formAction<Secret>(args, async (form, intent) => {
    const id = field(form, 'id');
    switch (intent) {
      case 'create': {
        const created = await api.post<WebhookEndpoint & { secret: string }>('/v1/webhooks', webhookBody(form));
        return { toast: 'Endpoint added.', data: { name: created.url, secret: created.secret } };
      }
      case 'update': {
        await api.patch(endpointPath(id), { ...webhookBody(form), ...(form.get('enabled') === 'on' ? { enabled: true } : {}) });
        return { toast: 'Endpoint saved.' };
      }
      case 'rotate': {
        const { secret } = await api.post<{ secret: string }>(`${endpointPath(id)}/rotate-secret`);
        return { toast: 'New signing secret made; the old one keeps signing for 24 hours.', data: { name: field(form, 'url'), secret } };
      }
      case 'test':
        await api.post(`${endpointPath(id)}/test`);
        return { toast: 'Test event sent. It shows in the delivery log in a moment.' };
      case 'replay':
        await api.post(`${endpointPath(id)}/deliveries/${encodeURIComponent(field(form, 'delivery_id'))}/replay`);
        return { toast: 'Delivery sent again.' };
      case 'delete':
        await api.delete(endpointPath(id));
        return { toast: 'Endpoint deleted.', redirectTo: '/webhooks' };
      default:
        throw new Response(`Unknown intent ${intent}`, { status: 400 });
    }
  });
}

const STATUS_TONE: Record<WebhookDelivery['status'], BadgeTone> = { succeeded: 'success', failed: 'danger', pending: 'warning' };
const logUrl = (endpoint: string, cursor = '') => listHref('/webhooks', { endpoint, cursor });

export default function Webhooks() {
  const { endpoints, selected, deliveries, cursor } = useLoaderData<typeof loader>();
  const [secret, setSecret] = useState<Secret | null>(null);
  const reveal = (s: Secret | undefined) => s && setSecret(s);

  const columns: Column<WebhookEndpoint>[] = [
    {
      id: 'url',
      header: 'Endpoint',
      cell: (e) => (
        <div className="cell-person">
          <strong className="report-link">{e.url}</strong>
          {e.description && <span className="text-muted">{e.description}</span>}
          <span className="text-muted">{eventsText(e)}</span>
        </div>
      ),
    },
    {
      id: 'status',
      header: 'Status',
      cell: (e) => (
        <div className="cell-person">
          <Badge tone={e.status === 'active' ? (e.failing_since ? 'warning' : 'success') : 'neutral'}>{e.status === 'active' && e.failing_since ? 'failing' : e.status}</Badge>
          {e.disabled_reason && <span className="text-muted">{e.disabled_reason}</span>}
          {e.status === 'active' && e.failing_since && <span className="text-muted">Failing since {formatDateTime(e.failing_since)}</span>}
        </div>
      ),
    },
    {
      id: 'actions',
      header: 'Actions',
      numeric: true,
      cell: (e) => (
        <div className="row-actions webhook-actions">
          <Link to={logUrl(e.id)} className="btn btn--ghost btn--sm" aria-label={`Deliveries of ${e.url}`} aria-current={selected?.id === e.id ? 'true' : undefined}>
            Deliveries
          </Link>
          <EndpointDialog endpoint={e} />
          {e.status === 'active' && <RowAction intent="test" label="Send test" icon="send" name={e.url} fields={{ id: e.id }} />}
          <ConfirmSubmit<Secret>
            trigger={{ label: 'Rotate secret', icon: 'refresh', ariaLabel: `Rotate secret of ${e.url}` }}
            title="Rotate the signing secret?"
            confirmLabel="Rotate secret"
            fields={{ intent: 'rotate', id: e.id, url: e.url }}
            onSuccess={reveal}
          >
            <p>A new secret signs every delivery from now on. For 24 hours the old one signs too (a second signature), so you can update your receiver without losing events.</p>
          </ConfirmSubmit>
          <ConfirmSubmit trigger={{ label: 'Delete', icon: 'trash', ariaLabel: `Delete ${e.url}` }} title="Delete this endpoint?" confirmLabel="Delete endpoint" fields={{ intent: 'delete', id: e.id }}>
            <p>Nothing more is sent to {e.url}, and its delivery log is deleted. This cannot be undone.</p>
          </ConfirmSubmit>
        </div>
      ),
    },
  ];

  return (
    <>
      <PageHeader
        title="Webhooks"
        description="Edgepost posts events (sends, opens, clicks, bounces, unsubscribes…) to your endpoints, signed per Standard Webhooks."
        breadcrumb={[{ label: 'Workspace', to: '/' }]}
        actions={<EndpointDialog onCreated={reveal} />}
      />
      <div className="stack">
        <DataTable
          label="Webhook endpoints"
          rows={endpoints}
          columns={columns}
          rowId={(e) => e.id}
          rowLabel={(e) => e.url}
          // The one Add button stays in the header: a dialog that moved on success would lose the secret it is to show.
          empty={<EmptyState icon="send" title="No endpoints yet" description="Add an endpoint to receive events in your own systems as they happen." />}
        />
        {selected && deliveries && <DeliveryLog endpoint={selected} deliveries={deliveries} cursor={cursor} />}
      </div>
      <SecretReveal
        name={secret?.name ?? ''}
        title="Signing secret"
        testId="webhook-secret"
        secret={secret?.secret ?? null}
        onClose={() => setSecret(null)}
      />
    </>
  );
}

/** Adds an endpoint, or edits one (its URL, description, events, and turning a disabled one back on). */
function EndpointDialog({ endpoint, onCreated }: { endpoint?: WebhookEndpoint; onCreated?: (s: Secret | undefined) => void }) {
  const editing = endpoint !== undefined;
  return (
    <FormDialog<Secret>
      trigger={editing ? { label: 'Edit', icon: 'edit', variant: 'ghost', size: 'sm' } : { label: 'Add endpoint', icon: 'plus' }}
      title={editing ? 'Edit endpoint' : 'Add an endpoint'}
      description={editing ? undefined : 'Its signing secret is shown once, right after you add it.'}
      intent={editing ? 'update' : 'create'}
      submitLabel={editing ? 'Save' : 'Add endpoint'}
      onSuccess={onCreated}
    >
      {(errors) => <EndpointFields endpoint={endpoint} errors={errors} />}
    </FormDialog>
  );
}

function EndpointFields({ endpoint, errors }: { endpoint?: WebhookEndpoint; errors: FormErrors | undefined }) {
  return (
    <>
      {endpoint && <input type="hidden" name="id" value={endpoint.id} />}
      <TextField label="URL" name="url" type="url" required maxLength={2000} defaultValue={endpoint?.url} placeholder="https://example.com/hooks/edgepost" error={errors?.fields.url} />
      <TextField label="Description (optional)" name="description" maxLength={200} defaultValue={endpoint?.description ?? ''} error={errors?.fields.description} />
      <fieldset className="fieldset">
        <legend className="field__label">Events</legend>
        <p className="field__hint">Tick none to receive every event.</p>
        <div className="scope-grid">
          {WEBHOOK_EVENT_TYPES.map((t) => (
            <Checkbox key={t} name="event_types" value={t} defaultChecked={endpoint?.event_types.includes(t)} label={EVENT_LABELS[t]} />
          ))}
        </div>
        {errors?.fields.event_types && <p className="field__error">{errors.fields.event_types}</p>}
      </fieldset>
      {endpoint?.status === 'disabled' && <Switch name="enabled" label="Turn this endpoint back on" />}
    </>
  );
}

function DeliveryLog({ endpoint, deliveries, cursor }: { endpoint: WebhookEndpoint; deliveries: Page<WebhookDelivery>; cursor: string }) {
  const columns: Column<WebhookDelivery>[] = [
    { id: 'created', header: 'Created', cell: (d) => <span className="cell-nowrap">{formatDateTime(d.created_at)}</span> },
    { id: 'event', header: 'Event', cell: (d) => <code>{d.event_type}</code> },
    {
      id: 'status',
      header: 'Status',
      cell: (d) => (
        <div className="cell-person">
          <Badge tone={STATUS_TONE[d.status]}>{d.status}</Badge>
          <span className="text-muted">
            {d.attempts} attempt{d.attempts === 1 ? '' : 's'}
            {d.next_attempt_at && d.status === 'pending' ? `, next ${formatDateTime(d.next_attempt_at)}` : ''}
          </span>
        </div>
      ),
    },
    { id: 'response', header: 'Response', numeric: true, cell: (d) => d.response_status ?? '—' },
    { id: 'latency', header: 'Latency', numeric: true, cell: (d) => (d.latency_ms === null ? '—' : `${d.latency_ms.toLocaleString('en')} ms`) },
    {
      id: 'detail',
      header: 'Detail',
      cell: (d) => (
        <details className="delivery-detail">
          <summary>{d.error ?? (d.response_excerpt ? 'Response' : 'Payload')}</summary>
          {d.response_excerpt && <pre className="delivery-detail__pre">{d.response_excerpt}</pre>}
          <pre className="delivery-detail__pre">{JSON.stringify(d.payload, null, 2)}</pre>
        </details>
      ),
    },
    {
      id: 'actions',
      header: 'Actions',
      numeric: true,
      cell: (d) => (endpoint.status === 'active' ? <RowAction intent="replay" label="Replay" icon="refresh" name={`${d.event_type} of ${formatDateTime(d.created_at)}`} fields={{ id: endpoint.id, delivery_id: d.id }} /> : null),
    },
  ];
  return (
    <section className="card stack" aria-labelledby="delivery-log-title" data-testid="delivery-log">
      <h2 id="delivery-log-title" className="section__title">
        Deliveries to <span className="report-link">{endpoint.url}</span>
      </h2>
      <DataTable
        label={`Deliveries to ${endpoint.url}`}
        rows={deliveries.data}
        columns={columns}
        rowId={(d) => d.id}
        rowLabel={(d) => d.event_type}
        empty={<EmptyState icon="clock" title="No deliveries yet" description="Events sent to this endpoint appear here; send a test to try it." />}
        footer={<CursorPager label="Delivery pages" firstUrl={cursor ? logUrl(endpoint.id) : null} nextUrl={deliveries.next_cursor ? logUrl(endpoint.id, deliveries.next_cursor) : null} firstLabel="Newest" nextLabel="Older" preventScrollReset />}
      />
    </section>
  );
}
