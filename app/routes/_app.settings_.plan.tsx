import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/cloudflare';
import { useLoaderData } from '@remix-run/react';
import { PageHeader } from '~/components/molecules/PageHeader';
import { UsageBar } from '~/components/molecules/UsageBar';
import { PlanComparison } from '~/components/organisms/PlanComparison';
import { WarmupSchedule } from '~/components/organisms/WarmupSchedule';
import { userApi, type ApiClient } from '~/lib/api.server';
import type { DomainList, Invitation, Member, Page, PlanList, SendingStatus } from '~/lib/api-types';
import { formatDate } from '~/lib/format';
import { optional } from '~/lib/optional.server';
import { reply } from '~/lib/respond.server';
import deliveryCss from '~/styles/delivery.css?url';

// Errors of this page render inside the app layout, so the navigation stays.
export { RouteError as ErrorBoundary } from '~/components/organisms/RouteError';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: deliveryCss }];

export const meta: MetaFunction = () => [{ title: 'Plan and usage · Edgepost' }];

/** An `all` rule group without conditions matches every live contact (worker/domain/segment-rules.ts): the contact count. */
const EVERY_CONTACT = { match: 'all', conditions: [] };

/** Seats as the plan counts them: members plus open invitations (each list pages at 100, more than any plan's seats). */
async function seats(api: ApiClient) {
  const [members, invitations] = await Promise.all([
    api.get<Page<Member>>('/v1/members', { limit: 100 }),
    optional(api.get<Page<Invitation>>('/v1/members/invitations', { limit: 100 })),
  ]);
  return members.data.length + (invitations?.data.length ?? 0);
}

export async function loader(args: LoaderFunctionArgs) {
  const api = userApi(args);
  const [plans, sending, domains, contacts, users] = await Promise.all([
    api.get<PlanList>('/v1/plans'),
    api.get<SendingStatus>('/v1/sending/status'),
    optional(api.get<DomainList>('/v1/domains')),
    optional(api.post<{ count: number }>('/v1/segments/count', { rules: EVERY_CONTACT }).then((r) => r.count)),
    optional(seats(api)),
  ]);
  return reply(args, { plans, sending, domains, contacts, users });
}

export default function PlanAndUsage() {
  const { plans, sending, domains, contacts, users } = useLoaderData<typeof loader>();
  const plan = plans.data.find((p) => p.id === plans.current_plan_id);
  return (
    <>
      <PageHeader
        title="Plan and usage"
        description={`You are on the ${sending.plan.name} plan. What you use against its limits, the warm-up of your sending, and what each plan includes.`}
        breadcrumb={[{ label: 'Settings', to: '/settings' }]}
      />
      <div className="stack">
        <section className="card settings-card" aria-labelledby="usage-title">
          <h2 id="usage-title" className="section__title">
            Usage
          </h2>
          <div className="usage-grid">
            <UsageBar label="Emails this month" used={sending.month.sent} limit={sending.month.limit} detail={`Resets ${formatDate(sending.month.resets_at)}.`} />
            <UsageBar label="Emails today" used={sending.today.sent} limit={sending.today.limit} detail="Resets at midnight UTC." />
            {contacts !== null && plan && <UsageBar label="Contacts" used={contacts} limit={plan.max_contacts} detail="Deleted contacts do not count." />}
            {users !== null && plan && <UsageBar label="Users" used={users} limit={plan.max_users} detail="Members and open invitations." />}
            {domains && <UsageBar label="Sending domains" used={domains.data.length} limit={domains.custom_domains_allowed ? domains.max_domains : 0} />}
          </div>
        </section>
        <section className="card settings-card" aria-labelledby="warmup-title">
          <div className="settings-card__header">
            <h2 id="warmup-title" className="section__title">
              Warm-up
            </h2>
            <p className="text-muted">Mailbox providers distrust a new sender that sends a lot at once: your hourly rate grows over the first week after your first send.</p>
          </div>
          <WarmupSchedule status={sending} />
        </section>
        <section className="card settings-card" aria-labelledby="plans-title">
          <div className="settings-card__header">
            <h2 id="plans-title" className="section__title">
              Plans
            </h2>
            <p className="text-muted">Payment in the dashboard comes later: to change your plan, contact us and an Edgepost administrator changes it for you.</p>
          </div>
          <PlanComparison plans={plans.data} currentPlanId={plans.current_plan_id} />
        </section>
      </div>
    </>
  );
}
