import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/cloudflare';
import { Link, useLoaderData } from '@remix-run/react';
import { Icon } from '~/components/atoms/Icon';
import { PageHeader } from '~/components/molecules/PageHeader';
import { StatCard } from '~/components/molecules/StatCard';
import { userApi, type ApiClient } from '~/lib/api.server';
import type { ApiKey, Page } from '~/lib/api-types';
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
  const [members, invitations, keys, activity, previousActivity] = await Promise.all([
    countOf(api, '/v1/members'),
    countOf(api, '/v1/members/invitations'),
    countOf<ApiKey>(api, '/v1/api-keys', {}, (key) => !key.revoked_at),
    countOf(api, '/v1/audit-log', { since: iso(now - WEEK_MS), until: iso(now) }),
    countOf(api, '/v1/audit-log', { since: iso(now - 2 * WEEK_MS), until: iso(now - WEEK_MS) }),
  ]);
  return reply(args, { members, invitations, keys, activity, previousActivity });
}

export default function Overview() {
  const { members, invitations, keys, activity, previousActivity } = useLoaderData<typeof loader>();
  const me = useMe();
  const steps = [
    {
      done: me.user.email_verified,
      title: 'Confirm your email address',
      description: 'Use the link we emailed you; the banner above sends a new one.',
      to: null,
    },
    {
      done: (members ?? 0) > 1 || (invitations ?? 0) > 0,
      title: 'Invite a teammate',
      description: 'Campaigns go better with a second pair of eyes.',
      to: { href: '/members', label: 'Invite someone' },
    },
    {
      done: (keys ?? 0) > 0,
      title: 'Create an API key',
      description: 'Send transactional email and sync contacts from your own code.',
      to: { href: '/api-keys', label: 'Create a key' },
    },
  ];
  const remaining = steps.filter((s) => !s.done).length;

  return (
    <>
      <PageHeader title={`Welcome to ${me.tenant.name}`} description={`You are signed in as ${me.user.name || me.user.email}.`} />
      <div className="stat-grid">
        <StatCard label="Team members" value={members} />
        <StatCard label="Active API keys" value={keys} />
        <StatCard label="Activity, last 7 days" value={activity} previous={previousActivity} periodLabel="previous 7 days" />
      </div>
      <section className="card getting-started" aria-labelledby="getting-started-title">
        <h2 id="getting-started-title" className="section__title">
          {remaining === 0 ? 'You are all set' : 'Getting started'}
        </h2>
        <p className="text-muted">
          {remaining === 0
            ? 'Your workspace is ready. Campaigns, contacts and sending domains arrive in the next releases.'
            : `${remaining} of ${steps.length} steps left before your workspace is ready.`}
        </p>
        <ol className="checklist">
          {steps.map((step) => (
            <li key={step.title} className={step.done ? 'checklist__item checklist__item--done' : 'checklist__item'}>
              <span className="checklist__mark" aria-hidden="true">
                {step.done ? <Icon name="check" size={16} /> : null}
              </span>
              <div className="checklist__text">
                <strong>
                  {step.title}
                  <span className="visually-hidden">{step.done ? ' (done)' : ' (to do)'}</span>
                </strong>
                <span className="text-muted">{step.description}</span>
              </div>
              {!step.done && step.to && (
                <Link to={step.to.href} className="btn btn--secondary btn--sm">
                  {step.to.label}
                </Link>
              )}
            </li>
          ))}
        </ol>
      </section>
    </>
  );
}
