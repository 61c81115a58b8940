import type { Campaign } from './api-types';

/** The wizard's steps, in order; a new campaign starts at the audience. */
export const WIZARD_STEPS = ['audience', 'content', 'settings', 'checklist', 'send'] as const;
export type WizardStep = (typeof WIZARD_STEPS)[number];

export const WIZARD_STEP_LABELS: Record<WizardStep, string> = {
  audience: 'Audience',
  content: 'Content',
  settings: 'Settings',
  checklist: 'Checklist',
  send: 'Schedule or send',
};

export const stepOf = (value: string | null): WizardStep => ((WIZARD_STEPS as readonly string[]).includes(value ?? '') ? (value as WizardStep) : 'audience');

export const nextStep = (step: WizardStep): WizardStep => WIZARD_STEPS[Math.min(WIZARD_STEPS.indexOf(step) + 1, WIZARD_STEPS.length - 1)]!;

export const editUrl = (c: Pick<Campaign, 'id'>, step: WizardStep = 'audience') => `/campaigns/${encodeURIComponent(c.id)}/edit?step=${step}`;

export const campaignUrl = (c: Pick<Campaign, 'id'>) => `/campaigns/${encodeURIComponent(c.id)}`;
