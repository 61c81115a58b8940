import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/cloudflare';
import { useLoaderData } from '@remix-run/react';
import { PageHeader } from '~/components/molecules/PageHeader';
import { StatCard } from '~/components/molecules/StatCard';
import { OnboardingChecklist } from '~/components/organisms/OnboardingChecklist';
import { userApi, type ApiClient } from '~/lib/api.server';
import type { ApiKey, Onboarding, Page } from '~/lib/api-types';
import { useMe } from '~/lib/me';
import { ApiProblem } from '~/lib/problem';
import { reply } from '~/lib/respond.server';

// Errors of this page render inside the app layout, so the navigation stays.
export { RouteError as ErrorBoundary } from '~/components/organisms/RouteError';

export const meta: MetaFunction = () => [{ title: 'Overview · Edgepost' }];

const WEEK_MS = 7 * 24 * 60 * 60 * 1000;
/** The API pages at 100; beyond that the overview says "100" rather than paging for a count. */
const COUNT_LIMIT = 100;

async function countOf<T>(api: ApiClient, path: string, query: Record<string, string> = {}, keep: (item: T) => boolean = () => true) {
  try {
    return (await api.get<Page<T>>(path, { ...query, limit: COUNT_LIMIT })).data.filter(keep).length;
  } catch (error) {
    // A role without read access sees "—", not an error page.
    if (error instanceof ApiProblem) return null;
    throw error;
  }
}

export async function loader(args: LoaderFunctionArgs) {
  const api = userApi(args);
  const now = Date.now();
  const iso = (ms: number) => new Date(ms).toISOString();
  const [members, keys, activity, previousActivity, onboarding] = await Promise.all([
    countOf(api, '/v1/members'),
    countOf<ApiKey>(api, '/v1/api-keys', {}, (key) => !key.revoked_at),
    countOf(api, '/v1/audit-log', { since: iso(now - WEEK_MS), until: iso(now) }),
    countOf(api, '/v1/audit-log', { since: iso(now - 2 * WEEK_MS), until: iso(now - WEEK_MS) }),
    // The checklist is a guide, not the page: without it the overview still shows.
    api.get<Onboarding>('/v1/onboarding').catch((error: unknown) => {
      if (error instanceof ApiProblem) return null;
      throw error;
    }),
  ]);
  return reply(args, { members, keys, activity, previousActivity, onboarding });
}

export default function Overview() {
  const { members, keys, activity, previousActivity, onboarding } = useLoaderData<typeof loader>();
  const me = useMe();
  return (
    <>
      <PageHeader title={`Welcome to ${me.tenant.name}`} description={`You are signed in as ${me.user.name || me.user.email}.`} />
      {onboarding && onboarding.completed < onboarding.total && <OnboardingChecklist onboarding={onboarding} />}
      <div className="stat-grid">
        <StatCard label="Team members" value={members} />
        <StatCard label="Active API keys" value={keys} />
        <StatCard label="Activity, last 7 days" value={activity} previous={previousActivity} periodLabel="previous 7 days" />
      </div>
    </>
  );
}
