import type { ActionFunctionArgs } from '@remix-run/cloudflare';
import { adminTenantPath } from '~/lib/admin.server';
import { userApi } from '~/lib/api.server';
import type { AdminTenant, PlanBlocker } from '~/lib/api-types';
import { assertTrustedSubmission } from '~/lib/csrf.server';
import { field } from '~/lib/form-action.server';
import { ApiProblem } from '~/lib/problem';
import { reply } from '~/lib/respond.server';
import { queueToast } from '~/lib/toast.server';

export type PlanChangeAnswer = { ok: true } | { ok: false; error: string; blockers: PlanBlocker[] };

/**
 * A tenant's plan change. Its own action (not the tenant page's form action) because a refused
 * downgrade answers 409 with `blockers`, one per limit the tenant's usage exceeds, which the
 * dialog lists; the page's data reloads after it either way.
 */
export async function action(args: ActionFunctionArgs) {
  const form = await args.request.formData();
  await assertTrustedSubmission(args, form);
  const planId = field(form, 'plan_id');
  try {
    const tenant = await userApi(args).post<AdminTenant>(`${adminTenantPath(args.params.id ?? '')}/plan`, { plan_id: planId });
    await queueToast(args, 'success', `${tenant.name} is now on the ${tenant.limits.plan} plan.`);
    return reply<PlanChangeAnswer>(args, { ok: true });
  } catch (error) {
    if (!(error instanceof ApiProblem)) throw error;
    const blockers = Array.isArray(error.extensions.blockers) ? (error.extensions.blockers as PlanBlocker[]) : [];
    await queueToast(args, 'error', error.detail || error.title);
    return reply<PlanChangeAnswer>(args, { ok: false, error: error.detail || error.title, blockers }, { status: error.status >= 500 ? 502 : error.status });
  }
}
