import { useFetcher } from '@remix-run/react';
import { useEffect, useRef, useState } from 'react';
import type { AbTest } from '~/lib/api-types';
import type { loader as previewLoader } from '~/routes/campaigns.$id.preview';
import type { ContactChoice } from '~/routes/templates.contact-search';
import { Select } from '../atoms/Select';
import { FormField } from '../molecules/FormField';
import { ContactPicker } from './ContactPicker';
import { TemplatePreviewPane } from './TemplatePreviewPane';

interface CampaignPreviewProps {
  campaignId: string;
  name: string;
  /** Changes whenever the saved campaign does (its updated_at): the preview is of what is saved. */
  revision: string;
  abTest: AbTest | null;
  contact: ContactChoice | null;
  onContactChange: (contact: ContactChoice | null) => void;
}

/** The saved campaign as a recipient gets it, for sample data or a chosen contact, and per A/B variant. */
export function CampaignPreview({ campaignId, name, revision, abTest, contact, onContactChange }: CampaignPreviewProps) {
  const loader = useFetcher<typeof previewLoader>();
  const load = useRef(loader.load);
  load.current = loader.load;
  const [variant, setVariant] = useState('');
  const variants: string[] = abTest?.variants.map((v) => v.key) ?? [];
  const chosenVariant = variants.includes(variant) ? variant : variants[0] ?? '';
  const query = new URLSearchParams({ ...(contact ? { contact_id: contact.id } : {}), ...(chosenVariant ? { variant: chosenVariant } : {}) }).toString();
  useEffect(() => {
    load.current(`/campaigns/${encodeURIComponent(campaignId)}/preview?${query}`);
  }, [campaignId, query, revision]);

  const live = { preview: loader.data?.preview ?? null, error: loader.data?.error ?? null, updating: loader.state !== 'idle' };
  return (
    <TemplatePreviewPane
      live={live}
      title={name}
      controls={
        <div className="campaign-preview__controls">
          <ContactPicker value={contact} onChange={onContactChange} />
          {variants.length > 0 && (
            <FormField label="A/B variant">
              {(control) => (
                <Select
                  value={chosenVariant}
                  onChange={(event) => setVariant(event.currentTarget.value)}
                  options={variants.map((key) => ({ value: key, label: `Variant ${key}` }))}
                  {...control}
                />
              )}
            </FormField>
          )}
        </div>
      }
    />
  );
}
