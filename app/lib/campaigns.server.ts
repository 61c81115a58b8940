import type { ApiClient } from './api.server';
import { abTestFromForm, audienceFromForm, checked, fromEmailOf } from './campaign-form';
import { field } from './form-action.server';
import { optional } from './optional.server';
import type { CampaignWithProgress, SendingStatus } from './api-types';
import { audience } from './audience.server';
import { ApiProblem } from './problem';

export const campaignPath = (id: string) => `/v1/campaigns/${encodeURIComponent(id)}`;

/** A campaign of this workspace, or the 404 page (another workspace's campaign is a 404 too). */
export async function loadCampaign(api: ApiClient, id: string): Promise<CampaignWithProgress> {
  try {
    return await api.get<CampaignWithProgress>(campaignPath(id));
  } catch (error) {
    if (error instanceof ApiProblem && error.status === 404) throw new Response('This campaign does not exist, or it was deleted.', { status: 404 });
    throw error;
  }
}

/**
 * For the resource routes a page polls or loads by script: the API's answer, or why there is none
 * in words (answered, not thrown, so the widget can say it where it is).
 */
export async function explained<T>(run: () => Promise<T>): Promise<{ value: T | null; error: string | null }> {
  try {
    return { value: await run(), error: null };
  } catch (error) {
    if (!(error instanceof ApiProblem)) throw error;
    return { value: null, error: error.fieldErrors.map((e) => e.message).join('; ') || error.detail || error.title };
  }
}

/** What a wizard step's form changes on the draft, in the API's shape. */
export function stepPatch(step: 'audience' | 'content' | 'settings', form: FormData) {
  const orNull = (name: string) => field(form, name) || null;
  switch (step) {
    case 'audience':
      return { name: field(form, 'name'), audience: audienceFromForm(form) };
    case 'content':
      return { template_id: orNull('template_id'), subject: orNull('subject'), preheader: orNull('preheader') };
    case 'settings':
      return {
        from_name: orNull('from_name'),
        from_email: fromEmailOf(form),
        reply_to: orNull('reply_to'),
        track_opens: checked(form, 'track_opens'),
        track_clicks: checked(form, 'track_clicks'),
        ab_test: abTestFromForm(form),
      };
  }
}

export const isEditableStep = (step: string): step is 'audience' | 'content' | 'settings' => step === 'audience' || step === 'content' || step === 'settings';

/** What the audience step offers: lists, segments and tags, and the sending status for the delivery estimate. */
export async function audienceChoices(api: ApiClient) {
  const [lists, segments, tags, sending] = await Promise.all([audience.lists(api), audience.segments(api), audience.tags(api), optional(api.get<SendingStatus>('/v1/sending/status'))]);
  return { lists, segments, tags, sending };
}
