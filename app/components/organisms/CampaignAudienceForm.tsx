import { useState } from 'react';
import type { Campaign, ContactList, Segment, SendingStatus, Tag } from '~/lib/api-types';
import { audienceDraft } from '~/lib/campaign-form';
import { TextField } from '../molecules/FormField';
import { AudiencePicker } from './AudiencePicker';
import { CampaignStepForm, useStepErrors } from './CampaignStepForm';

interface CampaignAudienceFormProps {
  campaign: Campaign | null;
  lists: ContactList[];
  segments: Segment[];
  tags: Tag[];
  sending: SendingStatus | null;
  unopenedOfName: string | null;
  canWrite: boolean;
}

/** Step 1: the campaign's name and whom it goes to. */
export function CampaignAudienceForm({ campaign, lists, segments, tags, sending, unopenedOfName, canWrite }: CampaignAudienceFormProps) {
  const errors = useStepErrors();
  const [draft, setDraft] = useState(() => audienceDraft(campaign?.audience));
  const audienceError = Object.entries(errors?.fields ?? {}).find(([name]) => name.startsWith('audience'))?.[1];
  return (
    <CampaignStepForm
      step="audience"
      title="Audience"
      description="Name the campaign for yourself, then choose who gets it. The count updates as you choose."
      continueLabel={campaign ? 'Save and continue' : 'Create draft and continue'}
      canWrite={canWrite}
      errors={errors}
    >
      <TextField label="Campaign name" name="name" required maxLength={200} defaultValue={campaign?.name} placeholder="e.g. March newsletter" hint="Only you and your team see it." error={errors?.fields.name} />
      <AudiencePicker draft={draft} onChange={setDraft} lists={lists} segments={segments} tags={tags} sending={sending} unopenedOfName={unopenedOfName} error={audienceError} />
    </CampaignStepForm>
  );
}
