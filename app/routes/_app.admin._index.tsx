import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/cloudflare';
import { Link, useLoaderData } from '@remix-run/react';
import { PageHeader } from '~/components/molecules/PageHeader';
import { StatCard } from '~/components/molecules/StatCard';
import { KillSwitchCard } from '~/components/organisms/KillSwitchCard';
import { asSuperAdmin } from '~/lib/admin.server';
import { userApi } from '~/lib/api.server';
import type { KillSwitchStatus, PlatformOverview } from '~/lib/api-types';
import { field, formAction } from '~/lib/form-action.server';
import { formatDateTime } from '~/lib/format';
import { reply } from '~/lib/respond.server';
import deliveryCss from '~/styles/delivery.css?url';

// Errors of this page render inside the app layout, so the navigation stays.
export { RouteError as ErrorBoundary } from '~/components/organisms/RouteError';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: deliveryCss }];

export const meta: MetaFunction = () => [{ title: 'Platform overview · Edgepost' }];

export async function loader(args: LoaderFunctionArgs) {
  return reply(args, await asSuperAdmin(() => userApi(args).get<PlatformOverview>('/v1/admin/overview')));
}

export async function action(args: ActionFunctionArgs) {
  const api = userApi(args);
  return formAction(args, async (form, intent) => {
    switch (intent) {
      case 'kill-engage':
        await api.post<KillSwitchStatus>('/v1/admin/kill-switch/engage', { reason: field(form, 'reason') });
        return { toast: 'All sending is stopped.' };
      case 'kill-release':
        await api.post<KillSwitchStatus>('/v1/admin/kill-switch/release');
        return { toast: 'Sending resumed on the platform.' };
      default:
        throw new Response(`Unknown intent ${intent}`, { status: 400 });
    }
  });
}

export default function PlatformOverviewPage() {
  const o = useLoaderData<typeof loader>();
  const stoppedTenants = Object.entries(o.kill_switch.tenants).filter(([, state]) => state.engaged);
  return (
    <>
      <PageHeader title="Platform overview" description="Every tenant's sending at a glance, and the switch that stops it all." breadcrumb={[{ label: 'Platform' }]} />
      <div className="stack">
        <KillSwitchCard status={o.kill_switch} />
        <section aria-labelledby="tenants-stats">
          <h2 id="tenants-stats" className="section__title">
            Tenants
          </h2>
          <div className="stat-grid">
            <StatCard label="Tenants" value={o.tenants.total} />
            <StatCard label="Active" value={o.tenants.active} />
            <StatCard label="Suspended" value={o.tenants.suspended} />
            <StatCard label="Closed" value={o.tenants.closed} />
          </div>
        </section>
        <section aria-labelledby="mail-stats">
          <h2 id="mail-stats" className="section__title">
            Mail
          </h2>
          <div className="stat-grid">
            <StatCard label="Sent today" value={o.emails_sent.today} />
            <StatCard label="Sent this month" value={o.emails_sent.this_month} />
            <StatCard label="Waiting (pending and queued)" value={o.messages.pending + o.messages.queued} />
            <StatCard label="Sending now" value={o.messages.sending} />
            <StatCard label="Failed (dead letters)" value={o.messages.failed} />
          </div>
          {o.messages.failed > 0 && (
            <Link to="/admin/dead-letters" className="btn btn--secondary btn--md">
              Review dead letters
            </Link>
          )}
        </section>
        {stoppedTenants.length > 0 && (
          <section className="card stack" aria-labelledby="stopped-title">
            <h2 id="stopped-title" className="section__title">
              Tenants whose sending is stopped
            </h2>
            <ul className="plain-list">
              {stoppedTenants.map(([id, state]) => (
                <li key={id} className="plain-list__item">
                  <Link to={`/admin/tenants/${encodeURIComponent(id)}`}>{id}</Link>
                  <span className="text-muted">
                    {state.reason ?? 'no reason'}
                    {state.at ? `, since ${formatDateTime(state.at)}` : ''}
                  </span>
                </li>
              ))}
            </ul>
          </section>
        )}
        <section className="card stack" aria-labelledby="failing-title">
          <h2 id="failing-title" className="section__title">
            Where failures concentrate
          </h2>
          {o.top_failing_tenants.length === 0 && o.failing_transports.length === 0 ? (
            <p className="text-muted">No failed messages and no failing transports.</p>
          ) : (
            <div className="settings-split">
              <div>
                <h3 className="settings-card__subtitle">Tenants with the most failed messages</h3>
                <ul className="plain-list">
                  {o.top_failing_tenants.map((t) => (
                    <li key={t.tenant_id} className="plain-list__item">
                      <Link to={`/admin/tenants/${encodeURIComponent(t.tenant_id)}`}>{t.name}</Link>
                      <Link to={`/admin/dead-letters?tenant_id=${encodeURIComponent(t.tenant_id)}`}>{t.failed.toLocaleString('en')} failed</Link>
                    </li>
                  ))}
                </ul>
              </div>
              <div>
                <h3 className="settings-card__subtitle">Failing transports</h3>
                <ul className="plain-list">
                  {o.failing_transports.map((t) => (
                    <li key={t.id} className="plain-list__item">
                      <span>
                        <strong>{t.name}</strong> ({t.kind}) of <Link to={`/admin/tenants/${encodeURIComponent(t.tenant_id)}`}>{t.tenant_id}</Link>
                      </span>
                      <span className="text-muted">
                        {t.consecutive_failures} in a row{t.last_error ? `: ${t.last_error}` : ''}
                      </span>
                    </li>
                  ))}
                </ul>
              </div>
            </div>
          )}
        </section>
      </div>
    </>
  );
}
