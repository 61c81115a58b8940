import { useFetcher } from '@remix-run/react';
import type { Plan } from '~/lib/api-types';
import type { PlanChangeAnswer } from '~/routes/admin.tenants.$id.plan';
import { Select } from '../atoms/Select';
import { FormAlert } from '../molecules/FormAlert';
import { FormField } from '../molecules/FormField';
import { PostForm } from '../molecules/PostForm';
import { SubmitButton } from '../molecules/SubmitButton';

const BLOCKER_LABELS = { contacts: 'Contacts', users: 'Users', domains: 'Sending domains' } as const;

/** A tenant's plan; a downgrade its usage does not fit is refused, and what blocks it is listed. */
export function PlanChangeForm({ tenantId, currentPlanId, plans }: { tenantId: string; currentPlanId: string; plans: Plan[] }) {
  const fetcher = useFetcher<PlanChangeAnswer>();
  const answer = fetcher.state === 'idle' ? fetcher.data : undefined;
  return (
    <PostForm fetcher={fetcher} action={`/admin/tenants/${encodeURIComponent(tenantId)}/plan`} className="stack" preventScrollReset>
      <div className="inline-form">
        <FormField label="Plan">
          {(control) => <Select name="plan_id" defaultValue={currentPlanId} options={plans.map((p) => ({ value: p.id, label: p.id === currentPlanId ? `${p.name} (current)` : p.name }))} {...control} />}
        </FormField>
        <SubmitButton busy={fetcher.state !== 'idle'} icon="swap">
          Change plan
        </SubmitButton>
      </div>
      {answer && !answer.ok && (
        <div className="stack stack--tight" data-testid="plan-blockers">
          <FormAlert message={answer.error} />
          {answer.blockers.length > 0 && (
            <ul className="plain-list">
              {answer.blockers.map((b) => (
                <li key={b.limit} className="plain-list__item">
                  <strong>{BLOCKER_LABELS[b.limit]}</strong>
                  <span>
                    uses {b.used.toLocaleString('en')}, the plan allows {b.allowed.toLocaleString('en')}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </PostForm>
  );
}
