import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/cloudflare';
import { useLoaderData } from '@remix-run/react';
import { PageHeader } from '~/components/molecules/PageHeader';
import { StatCard } from '~/components/molecules/StatCard';
import { OnboardingChecklist } from '~/components/organisms/OnboardingChecklist';
import { CampaignShortList } from '~/components/organisms/CampaignShortList';
import { QuotaCard } from '~/components/organisms/QuotaCard';
import { SenderHealthCard } from '~/components/organisms/SenderHealthCard';
import { WorkspaceStatsPanel } from '~/components/organisms/WorkspaceStatsPanel';
import { userApi, type ApiClient } from '~/lib/api.server';
import type { ApiKey, CampaignWithProgress, DomainList, Onboarding, Page, SendingStatus, TenantStats } from '~/lib/api-types';
import { useMe } from '~/lib/me';
import { optional } from '~/lib/optional.server';
import { reply } from '~/lib/respond.server';
import { periodOf } from '~/lib/stats-period';
import analyticsCss from '~/styles/analytics.css?url';
import deliveryCss from '~/styles/delivery.css?url';

// Errors of this page render inside the app layout, so the navigation stays.
export { RouteError as ErrorBoundary } from '~/components/organisms/RouteError';

export const links: LinksFunction = () => [
  { rel: 'stylesheet', href: deliveryCss },
  { rel: 'stylesheet', href: analyticsCss },
];

export const meta: MetaFunction = () => [{ title: 'Overview · Edgepost' }];

const WEEK_MS = 7 * 24 * 60 * 60 * 1000;
/** The API pages at 100; beyond that the overview says "100" rather than paging for a count. */
const COUNT_LIMIT = 100;

/** Campaigns shown per list on the overview. */
const SHORT_LIST = 5;

/** A role without read access sees "—", not an error page. */
function countOf<T>(api: ApiClient, path: string, query: Record<string, string> = {}, keep: (item: T) => boolean = () => true) {
  return optional(api.get<Page<T>>(path, { ...query, limit: COUNT_LIMIT }).then((page) => page.data.filter(keep).length));
}

export async function loader(args: LoaderFunctionArgs) {
  const api = userApi(args);
  const now = Date.now();
  const iso = (ms: number) => new Date(ms).toISOString();
  const period = periodOf(new URL(args.request.url));
  const campaigns = (status: 'scheduled' | 'sent') => optional(api.get<Page<CampaignWithProgress>>('/v1/campaigns', { status, limit: SHORT_LIST }).then((page) => page.data));
  const [members, keys, activity, previousActivity, onboarding, sending, domains, stats, upcoming, recent] = await Promise.all([
    countOf(api, '/v1/members'),
    countOf<ApiKey>(api, '/v1/api-keys', {}, (key) => !key.revoked_at),
    countOf(api, '/v1/audit-log', { since: iso(now - WEEK_MS), until: iso(now) }),
    countOf(api, '/v1/audit-log', { since: iso(now - 2 * WEEK_MS), until: iso(now - WEEK_MS) }),
    optional(api.get<Onboarding>('/v1/onboarding')),
    optional(api.get<SendingStatus>('/v1/sending/status')),
    optional(api.get<DomainList>('/v1/domains')),
    optional(api.get<TenantStats>('/v1/stats', { period: period.value })),
    campaigns('scheduled'),
    campaigns('sent'),
  ]);
  return reply(args, { members, keys, activity, previousActivity, onboarding, sending, domains, stats, period, upcoming, recent });
}

export default function Overview() {
  const { members, keys, activity, previousActivity, onboarding, sending, domains, stats, period, upcoming, recent } = useLoaderData<typeof loader>();
  const me = useMe();
  return (
    <>
      <PageHeader title={`Welcome to ${me.tenant.name}`} description={`You are signed in as ${me.user.name || me.user.email}.`} />
      {onboarding && onboarding.completed < onboarding.total && <OnboardingChecklist onboarding={onboarding} />}
      {stats && <WorkspaceStatsPanel stats={stats} period={period} />}
      <div className="overview-grid">
        {sending && <SenderHealthCard status={sending} domains={domains} />}
        {sending && <QuotaCard status={sending} />}
        {upcoming && <CampaignShortList id="upcoming-title" title="Upcoming" campaigns={upcoming} empty="No campaigns scheduled." />}
        {recent && <CampaignShortList id="recent-title" title="Recently sent" campaigns={recent} empty="No campaigns sent yet." />}
      </div>
      <div className="stat-grid">
        <StatCard label="Team members" value={members} />
        <StatCard label="Active API keys" value={keys} />
        <StatCard label="Activity, last 7 days" value={activity} previous={previousActivity} periodLabel="previous 7 days" />
      </div>
    </>
  );
}
