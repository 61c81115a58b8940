import { Link } from '@remix-run/react';
import type { Onboarding } from '~/lib/api-types';
import { Icon } from '../atoms/Icon';

/** The getting-started checklist from GET /v1/onboarding. Steps tick themselves from the data. */
export function OnboardingChecklist({ onboarding }: { onboarding: Onboarding }) {
  const { steps, completed, total } = onboarding;
  return (
    <section className="card getting-started" aria-labelledby="getting-started-title">
      <div className="getting-started__header">
        <h2 id="getting-started-title" className="section__title">
          Getting started
        </h2>
        <p className="text-muted" id="getting-started-progress">
          {completed} of {total} steps done
        </p>
      </div>
      {/* A native <progress>: screen readers announce it without extra ARIA. */}
      <progress className="progress" max={total} value={completed} aria-labelledby="getting-started-progress" />
      <ol className="checklist">
        {steps.map((step) => (
          <li key={step.key} className={step.done ? 'checklist__item checklist__item--done' : 'checklist__item'} data-step={step.key}>
            <span className="checklist__mark" aria-hidden="true">
              {step.done ? <Icon name="check" size={16} /> : null}
            </span>
            <div className="checklist__text">
              <strong>
                {step.label}
                <span className="visually-hidden">{step.done ? ' (done)' : ' (to do)'}</span>
              </strong>
            </div>
            {!step.done && (
              <Link to={step.href} className="btn btn--secondary btn--sm" aria-label={`${step.label}: start`}>
                Start
              </Link>
            )}
          </li>
        ))}
      </ol>
    </section>
  );
}
