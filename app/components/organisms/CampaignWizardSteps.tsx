import { Link } from '@remix-run/react';
import { WIZARD_STEP_LABELS, WIZARD_STEPS, editUrl, type WizardStep } from '~/lib/campaign-wizard';

/**
 * Where the wizard is. Once the draft exists every step is a link (steps save as they go, so
 * jumping back loses nothing); before that only the first step exists.
 */
export function CampaignWizardSteps({ current, campaignId }: { current: WizardStep; campaignId: string | null }) {
  return (
    <nav aria-label="Campaign steps">
      <ol className="steps">
        {WIZARD_STEPS.map((step, index) => {
          const content = (
            <>
              <span className="steps__number" aria-hidden="true">
                {index + 1}
              </span>
              <span>{WIZARD_STEP_LABELS[step]}</span>
            </>
          );
          return (
            <li key={step} className="steps__step" aria-current={step === current ? 'step' : undefined}>
              {campaignId && step !== current ? (
                <Link to={editUrl({ id: campaignId }, step)} className="steps__link">
                  {content}
                </Link>
              ) : (
                content
              )}
            </li>
          );
        })}
      </ol>
    </nav>
  );
}
