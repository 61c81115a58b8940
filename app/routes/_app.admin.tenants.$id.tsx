import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/cloudflare';
import { useActionData, useLoaderData } from '@remix-run/react';
import { Checkbox } from '~/components/atoms/Checkbox';
import { FormField, TextField } from '~/components/molecules/FormField';
import { PageHeader } from '~/components/molecules/PageHeader';
import { PostForm } from '~/components/molecules/PostForm';
import { SubmitButton } from '~/components/molecules/SubmitButton';
import { TenantStatusBadge } from '~/components/molecules/TenantStatusBadge';
import { UsageBar } from '~/components/molecules/UsageBar';
import { ConfirmSubmit } from '~/components/organisms/ConfirmSubmit';
import { FormDialog } from '~/components/organisms/FormDialog';
import { PlanChangeForm } from '~/components/organisms/PlanChangeForm';
import { SenderHealthCard } from '~/components/organisms/SenderHealthCard';
import { WarmupSchedule } from '~/components/organisms/WarmupSchedule';
import type { ActionResult } from '~/lib/action-result';
import { adminTenantPath, asSuperAdmin } from '~/lib/admin.server';
import { isOverridden, OVERRIDABLE, overrideField, overridesFromForm } from '~/lib/admin-overrides';
import { userApi } from '~/lib/api.server';
import type { AdminTenant, Plan, PlanList } from '~/lib/api-types';
import { field, formAction } from '~/lib/form-action.server';
import { formatDate } from '~/lib/format';
import { reply } from '~/lib/respond.server';
import deliveryCss from '~/styles/delivery.css?url';

// Errors of this page render inside the app layout, so the navigation stays.
export { RouteError as ErrorBoundary } from '~/components/organisms/RouteError';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: deliveryCss }];

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.tenant.name ?? 'Tenant'} · Platform · Edgepost` }];

export async function loader(args: LoaderFunctionArgs) {
  const api = userApi(args);
  const [tenant, plans] = await asSuperAdmin(() => Promise.all([api.get<AdminTenant>(adminTenantPath(args.params.id ?? '')), api.get<PlanList>('/v1/plans')]));
  return reply(args, { tenant, plans: plans.data });
}

export async function action(args: ActionFunctionArgs) {
  const api = userApi(args);
  const path = adminTenantPath(args.params.id ?? '');
  return formAction(args, async (form, intent) => {
    switch (intent) {
      case 'overrides':
        await api.put<AdminTenant>(`${path}/overrides`, overridesFromForm(form));
        return { toast: 'Limits saved.' };
      case 'warmup-complete':
        await api.post<AdminTenant>(`${path}/warmup`, { action: 'complete' });
        return { toast: 'Warm-up completed: the plan’s rate applies now.' };
      case 'warmup-reset':
        await api.post<AdminTenant>(`${path}/warmup`, { action: 'reset' });
        return { toast: 'Warm-up reset: it starts again with the next send.' };
      case 'lift-reputation':
        await api.post<AdminTenant>(`${path}/reputation/lift`);
        return { toast: 'Reputation pause lifted: sending resumes.' };
      case 'suspend':
        await api.post(`${path}/suspend`, { reason: field(form, 'reason') });
        return { toast: 'Tenant suspended: its sending stopped.' };
      case 'unsuspend':
        await api.post(`${path}/unsuspend`);
        return { toast: 'Suspension lifted.' };
      default:
        throw new Response(`Unknown intent ${intent}`, { status: 400 });
    }
  });
}

export default function AdminTenantPage() {
  const { tenant, plans } = useLoaderData<typeof loader>();
  const { usage, limits, sending } = tenant;
  const overridden = (key: Parameters<typeof isOverridden>[1]) => (isOverridden(limits, key) ? 'Overridden for this tenant.' : undefined);
  return (
    <>
      <PageHeader
        title={tenant.name}
        description={
          <>
            <TenantStatusBadge status={tenant.status} /> {tenant.slug} · {limits.plan} plan · since {formatDate(tenant.created_at)}
          </>
        }
        breadcrumb={[
          { label: 'Platform', to: '/admin' },
          { label: 'Tenants', to: '/admin/tenants' },
        ]}
        actions={<SuspendAction status={tenant.status} name={tenant.name} />}
      />
      <div className="stack">
        <section className="card settings-card" aria-labelledby="tenant-usage">
          <h2 id="tenant-usage" className="section__title">
            Usage
          </h2>
          <div className="usage-grid">
            <UsageBar label="Contacts" used={usage.contacts} limit={limits.max_contacts} detail={overridden('max_contacts')} />
            <UsageBar label="Emails this month" used={usage.emails_this_month} limit={limits.monthly_emails} detail={overridden('monthly_emails')} />
            <UsageBar label="Emails today" used={usage.emails_today} limit={limits.daily_emails} detail={overridden('daily_emails')} />
            <UsageBar label="Users" used={usage.users} limit={limits.max_users} detail={overridden('max_users')} />
            <UsageBar label="Sending domains" used={usage.domains} limit={limits.custom_domains ? limits.max_domains : 0} detail={overridden('max_domains')} />
          </div>
        </section>
        <section className="card settings-card" aria-labelledby="tenant-plan">
          <h2 id="tenant-plan" className="section__title">
            Plan
          </h2>
          <PlanChangeForm tenantId={tenant.id} currentPlanId={limits.plan} plans={plans} />
        </section>
        <OverridesForm tenant={tenant} plan={plans.find((p) => p.id === limits.plan)} />
        <SenderHealthCard status={sending} domains={null} manageLinks={false} title="Reputation and warm-up" />
        <section className="card settings-card" aria-labelledby="tenant-warmup">
          <h2 id="tenant-warmup" className="section__title">
            Warm-up
          </h2>
          <WarmupSchedule status={sending} />
          <div className="row">
            <ConfirmSubmit trigger={{ label: 'Complete warm-up now', icon: 'check', variant: 'secondary', size: 'md' }} title={`Complete the warm-up of ${tenant.name}?`} confirmLabel="Complete warm-up" fields={{ intent: 'warmup-complete' }}>
              <p>The plan’s full rate ({sending.plan_rate_per_hour.toLocaleString('en')}/h) applies from now on. For established senders moving to Edgepost.</p>
            </ConfirmSubmit>
            <ConfirmSubmit trigger={{ label: 'Reset warm-up', icon: 'undo', variant: 'secondary', size: 'md' }} title={`Reset the warm-up of ${tenant.name}?`} confirmLabel="Reset warm-up" fields={{ intent: 'warmup-reset' }}>
              <p>The warm-up starts again at 50/h with the tenant’s next send, e.g. after a reputation incident.</p>
            </ConfirmSubmit>
          </div>
        </section>
        {sending.reputation.state === 'paused' && (
          <section className="card settings-card danger-zone" aria-labelledby="tenant-reputation">
            <h2 id="tenant-reputation" className="section__title">
              Paused by the reputation breaker
            </h2>
            <p>
              Sending stopped {sending.reputation.paused_at ? formatDate(sending.reputation.paused_at) : ''} because the bounce or complaint rate went over the limit. Lift it once
              the tenant has cleaned its lists: the rates start afresh.
            </p>
            <div>
              <ConfirmSubmit trigger={{ label: 'Lift reputation pause', icon: 'play', variant: 'primary', size: 'md' }} title="Lift the reputation pause?" confirmLabel="Lift pause" fields={{ intent: 'lift-reputation' }}>
                <p>Sending resumes at once, and the bounce and complaint window starts again from zero.</p>
              </ConfirmSubmit>
            </div>
          </section>
        )}
      </div>
    </>
  );
}

function SuspendAction({ status, name }: { status: string; name: string }) {
  if (status === 'suspended')
    return (
      <ConfirmSubmit trigger={{ label: 'Lift suspension', icon: 'play', variant: 'primary', size: 'md' }} title={`Lift the suspension of ${name}?`} confirmLabel="Lift suspension" fields={{ intent: 'unsuspend' }}>
        <p>The tenant can sign in and send again.</p>
      </ConfirmSubmit>
    );
  if (status !== 'active') return null;
  return (
    <FormDialog trigger={{ label: 'Suspend', icon: 'ban', variant: 'danger' }} title={`Suspend ${name}?`} description="Its sending stops at once." intent="suspend" submitLabel="Suspend tenant" destructive>
      {(errors) => (
        <FormField label="Reason (required)" error={errors?.fields.reason}>
          {(control) => <textarea className="input textarea" name="reason" required minLength={3} maxLength={500} rows={3} {...control} />}
        </FormField>
      )}
    </FormDialog>
  );
}

/** The tenant's overrides of its plan's limits; a blank field follows the plan. */
function OverridesForm({ tenant, plan }: { tenant: AdminTenant; plan: Plan | undefined }) {
  const result = useActionData<ActionResult>();
  const errors = result && !result.ok && result.intent === 'overrides' ? result.errors : undefined;
  const { overrides } = tenant.limits;
  return (
    <section className="card settings-card" aria-labelledby="tenant-overrides">
      <div className="settings-card__header">
        <h2 id="tenant-overrides" className="section__title">
          Limit overrides
        </h2>
        <p className="text-muted">Empty fields follow the plan. Overrides stay when the plan changes.</p>
      </div>
      {/* Keyed by the stored overrides: after a save the fields show what the API kept. */}
      <PostForm key={JSON.stringify(overrides)} className="stack" preventScrollReset>
        <div className="form-grid">
          {OVERRIDABLE.map(({ key, label }) => (
            <TextField
              key={key}
              label={label}
              name={overrideField(key)}
              inputMode="numeric"
              defaultValue={overrides[key]?.toString() ?? ''}
              placeholder={plan ? `Plan: ${plan[key].toLocaleString('en')}` : undefined}
              error={errors?.fields[key]}
            />
          ))}
        </div>
        <Checkbox name={overrideField('warmup_complete')} defaultChecked={overrides.warmup_complete === true} label="Skip the warm-up (full plan rate from the first send)" />
        <div>
          <SubmitButton intent="overrides">Save limits</SubmitButton>
        </div>
      </PostForm>
    </section>
  );
}
