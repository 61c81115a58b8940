import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/cloudflare';
import { useFetcher, useLoaderData } from '@remix-run/react';
import { Badge } from '~/components/atoms/Badge';
import { EmptyState } from '~/components/molecules/EmptyState';
import { FormAlert } from '~/components/molecules/FormAlert';
import { PageHeader } from '~/components/molecules/PageHeader';
import { PostForm } from '~/components/molecules/PostForm';
import { SubmitButton } from '~/components/molecules/SubmitButton';
import { Verdict } from '~/components/molecules/Verdict';
import { ConfirmSubmit } from '~/components/organisms/ConfirmSubmit';
import { FormDialog } from '~/components/organisms/FormDialog';
import { RoutingTable } from '~/components/organisms/RoutingTable';
import { TransportFields } from '~/components/organisms/TransportFields';
import type { ActionResult } from '~/lib/action-result';
import { userApi } from '~/lib/api.server';
import type { DomainList, Transport, TransportTestResult } from '~/lib/api-types';
import { field, formAction } from '~/lib/form-action.server';
import { formatDateTime } from '~/lib/format';
import { useMe } from '~/lib/me';
import { optional } from '~/lib/optional.server';
import { can } from '~/lib/permissions';
import { reply } from '~/lib/respond.server';
import { isTransportKind, routesFromForm, TRANSPORT_KIND_SPECS, transportFromForm, transportSummary, type TransportRoute } from '~/lib/transport-kinds';
import deliveryCss from '~/styles/delivery.css?url';

// Errors of this page render inside the app layout, so the navigation stays.
export { RouteError as ErrorBoundary } from '~/components/organisms/RouteError';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: deliveryCss }];

export const meta: MetaFunction = () => [{ title: 'Transports · Edgepost' }];

const transportPath = (id: string) => `/v1/transports/${encodeURIComponent(id)}`;

export async function loader(args: LoaderFunctionArgs) {
  const api = userApi(args);
  const [transports, routes, domains] = await Promise.all([
    api.get<{ data: Transport[] }>('/v1/transports'),
    api.get<{ data: TransportRoute[] }>('/v1/transport-routes'),
    optional(api.get<DomainList>('/v1/domains')),
  ]);
  return reply(args, { transports: transports.data, routes: routes.data, domains: (domains?.data ?? []).map((d) => d.domain) });
}

export async function action(args: ActionFunctionArgs) {
  const api = userApi(args);
  return formAction<TransportTestResult>(args, async (form, intent) => {
    const id = field(form, 'id');
    switch (intent) {
      case 'create': {
        const kind = field(form, 'kind');
        if (!isTransportKind(kind)) throw new Response(`Unknown transport kind ${kind}`, { status: 400 });
        const created = await api.post<Transport>('/v1/transports', { kind, ...transportFromForm(kind, form) });
        return { toast: `Transport “${created.name}” added: test its connection, then route mail through it.` };
      }
      case 'update': {
        const current = await api.get<Transport>(transportPath(id));
        const { name, settings, credentials } = transportFromForm(current.kind, form);
        const updated = await api.patch<Transport>(transportPath(id), { name, settings, ...(Object.keys(credentials).length ? { credentials } : {}) });
        return { toast: `“${updated.name}” saved.` };
      }
      case 'test': {
        const result = await api.post<TransportTestResult>(`${transportPath(id)}/test`);
        return { toast: `Connection works: ${result.detail}`, data: result };
      }
      case 'delete':
        await api.delete(transportPath(id));
        return { toast: 'Transport deleted.' };
      case 'routes': {
        const routes = await api.put<{ data: TransportRoute[] }>('/v1/transport-routes', { routes: routesFromForm(form) });
        return { toast: routes.data.length ? 'Routing saved.' : 'Routing saved: all mail goes through the platform relay.' };
      }
      default:
        throw new Response(`Unknown intent ${intent}`, { status: 400 });
    }
  });
}

export default function Transports() {
  const { transports, routes, domains } = useLoaderData<typeof loader>();
  const canWrite = can(useMe(), 'transports:write');
  return (
    <>
      <PageHeader
        title="Transports"
        description="The services that deliver your mail: your own SMTP relay or an email provider. Without any, Edgepost's platform relay sends it."
        breadcrumb={[{ label: 'Email' }]}
        actions={
          canWrite && (
            <FormDialog trigger={{ label: 'Add transport', icon: 'plus' }} title="Add a transport" intent="create" submitLabel="Add transport">
              {(errors) => <TransportFields transport={null} errors={errors} />}
            </FormDialog>
          )
        }
      />
      <div className="stack">
        {transports.length === 0 ? (
          <EmptyState
            icon="server"
            title="No transports yet"
            description="Mail goes through the Edgepost platform relay. Add your own SMTP server or an email provider to send through it instead."
          />
        ) : (
          <ul className="transport-list">
            {transports.map((t) => (
              <li key={t.id}>
                <TransportCard transport={t} canWrite={canWrite} />
              </li>
            ))}
          </ul>
        )}
        <section className="card settings-card" aria-labelledby="routing-title">
          <div className="settings-card__header">
            <h2 id="routing-title" className="section__title">
              Routing
            </h2>
            <p className="text-muted">
              Mailbox providers expect marketing and transactional mail in separate streams. A route for one sending domain wins over “Any domain”; the fallback carries the
              mail while the primary keeps failing. Mail no route covers goes through the platform relay.
            </p>
          </div>
          {/* Keyed by the stored table: after a save it starts over from what the API kept. */}
          <RoutingTable key={JSON.stringify(routes)} routes={routes} transports={transports} domains={domains} canWrite={canWrite} />
        </section>
      </div>
    </>
  );
}

function TransportCard({ transport: t, canWrite }: { transport: Transport; canWrite: boolean }) {
  const headingId = `transport-${t.id}`;
  return (
    <section className="card transport-card" aria-labelledby={headingId} data-transport={t.name}>
      <div className="transport-card__header">
        <div className="stack stack--tight">
          <h2 id={headingId} className="transport-card__title">
            {t.name} <Badge tone="info">{TRANSPORT_KIND_SPECS[t.kind].label}</Badge>
          </h2>
          <p className="text-muted">{transportSummary(t.kind, t.settings)}</p>
        </div>
        <TransportHealth transport={t} />
      </div>
      {t.credentials === null ? (
        <FormAlert message="The stored credentials can no longer be read (the encryption key changed): edit the transport and enter them again." />
      ) : (
        Object.keys(t.credentials).length > 0 && (
          <p className="text-muted transport-card__secrets">
            {Object.entries(t.credentials)
              .map(([name, hint]) => `${TRANSPORT_KIND_SPECS[t.kind].credentials.find((f) => f.name === name)?.label ?? name}: stored (${hint})`)
              .join(' · ')}
          </p>
        )
      )}
      {canWrite && (
        <div className="transport-card__footer">
          <TestConnection transport={t} />
          <div className="row">
            <FormDialog trigger={{ label: 'Edit', icon: 'edit', variant: 'secondary' }} title={`Edit ${t.name}`} intent="update" submitLabel="Save transport">
              {(errors) => (
                <>
                  <input type="hidden" name="id" value={t.id} />
                  <TransportFields transport={t} errors={errors} />
                </>
              )}
            </FormDialog>
            <ConfirmSubmit trigger={{ label: 'Delete', icon: 'trash', variant: 'danger', size: 'md', ariaLabel: `Delete ${t.name}` }} title={`Delete ${t.name}?`} confirmLabel="Delete transport" fields={{ intent: 'delete', id: t.id }}>
              <p>Its stored credentials are deleted too. A transport that routes mail cannot be deleted: change the routing first.</p>
            </ConfirmSubmit>
          </div>
        </div>
      )}
    </section>
  );
}

function TransportHealth({ transport: t }: { transport: Transport }) {
  const h = t.health;
  if (h.failing) return <Verdict tone="bad">Failing: {h.consecutive_failures} failures in a row, using the fallback</Verdict>;
  if (h.consecutive_failures > 0) return <Verdict tone="warning">{h.consecutive_failures} recent failures</Verdict>;
  if (h.last_success_at) return <Verdict tone="good">Working (last success {formatDateTime(h.last_success_at)})</Verdict>;
  return <Verdict tone="neutral">Not used yet</Verdict>;
}

/** "Test connection" with its answer beside it: the provider's own words, good or bad. */
function TestConnection({ transport: t }: { transport: Transport }) {
  const fetcher = useFetcher<ActionResult<TransportTestResult>>();
  const result = fetcher.state === 'idle' ? fetcher.data : undefined;
  return (
    <PostForm fetcher={fetcher} className="transport-card__test" preventScrollReset>
      <input type="hidden" name="id" value={t.id} />
      <SubmitButton intent="test" variant="secondary" icon="activity" busy={fetcher.state !== 'idle'} aria-label={`Test connection of ${t.name}`}>
        Test connection
      </SubmitButton>
      <div aria-live="polite" data-testid="transport-test-result">
        {result?.ok && result.data && <Verdict tone="good">Connected: {result.data.detail}</Verdict>}
        {result && !result.ok && <FormAlert message={result.errors.form ?? 'The test failed.'} />}
      </div>
      {t.health.last_error && !result && <p className="text-muted transport-card__error">Last error: {t.health.last_error}</p>}
    </PostForm>
  );
}
