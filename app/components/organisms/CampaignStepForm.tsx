import { useActionData } from '@remix-run/react';
import type { ReactNode } from 'react';
import type { ActionResult } from '~/lib/action-result';
import type { WizardStep } from '~/lib/campaign-wizard';
import type { FormErrors } from '~/lib/problem';
import { FormAlert } from '../molecules/FormAlert';
import { PostForm } from '../molecules/PostForm';
import { SubmitButton } from '../molecules/SubmitButton';

/** The errors of the last submission of this step's form, if it failed. */
export function useStepErrors(): FormErrors | undefined {
  const result = useActionData<ActionResult>();
  return result && !result.ok && (result.intent === 'save' || result.intent === 'continue') ? result.errors : undefined;
}

interface CampaignStepFormProps {
  step: WizardStep;
  title: string;
  description?: ReactNode;
  children: ReactNode;
  /** Offers "Save" beside "Save and continue" (steps whose effect shows on the page, like the preview). */
  canStay?: boolean;
  continueLabel?: string;
  canWrite: boolean;
  errors?: FormErrors;
}

/**
 * One wizard step's form: it saves the draft and goes on to the next step (or stays, to see the
 * effect). The heading takes focus when a step opens, so keyboard and screen reader users start there.
 */
export function CampaignStepForm({ step, title, description, children, canStay = false, continueLabel = 'Save and continue', canWrite, errors }: CampaignStepFormProps) {
  return (
    <PostForm className="stack" preventScrollReset>
      <input type="hidden" name="step" value={step} />
      <fieldset className="fieldset-reset stack" disabled={!canWrite}>
        <section className="card settings-card" aria-labelledby={`step-${step}`}>
          <div className="settings-card__header">
            <h2 id={`step-${step}`} className="section__title" tabIndex={-1} data-step-heading>
              {title}
            </h2>
            {description && <p className="text-muted">{description}</p>}
          </div>
          <FormAlert message={errors?.form} />
          {children}
        </section>
        {canWrite && (
          <div className="settings-actions row">
            {canStay && (
              <SubmitButton intent="save" variant="secondary">
                Save
              </SubmitButton>
            )}
            <SubmitButton intent="continue" icon="chevron-right">
              {continueLabel}
            </SubmitButton>
          </div>
        )}
      </fieldset>
    </PostForm>
  );
}
