import { Link } from '@remix-run/react';
import { useState } from 'react';
import type { Campaign, TemplateSummary } from '~/lib/api-types';
import type { ContactChoice } from '~/routes/templates.contact-search';
import { Select } from '../atoms/Select';
import { EmptyState } from '../molecules/EmptyState';
import { FormField, TextField } from '../molecules/FormField';
import { CampaignPreview } from './CampaignPreview';
import { CampaignStepForm, useStepErrors } from './CampaignStepForm';
import { SendTestDialog } from './SendTestDialog';

interface CampaignContentFormProps {
  campaign: Campaign;
  templates: TemplateSummary[];
  canWrite: boolean;
  userEmail: string;
}

/** Step 2: the template, subject and preheader overrides, the preview as a contact sees it, and a test send. */
export function CampaignContentForm({ campaign, templates, canWrite, userEmail }: CampaignContentFormProps) {
  const errors = useStepErrors();
  const [templateId, setTemplateId] = useState(campaign.template_id ?? '');
  const [dirty, setDirty] = useState(false);
  const [contact, setContact] = useState<ContactChoice | null>(null);
  const template = templates.find((t) => t.id === templateId);
  return (
    <div className="stack">
      {/* Typing marks the saved version as behind: the test send says it uses what is saved. */}
      <div onChange={() => setDirty(true)}>
      <CampaignStepForm
        step="content"
        title="Content"
        description="The template sets the email; the subject and preheader here replace the template's for this campaign only."
        canStay
        canWrite={canWrite}
        errors={errors}
      >
        {templates.length === 0 ? (
          <EmptyState
            icon="mail"
            title="No templates yet"
            description="A campaign sends a template. Create one from a starter design, then come back: this draft is saved."
            action={
              <Link to="/templates/new" className="btn btn--primary btn--md">
                Create a template
              </Link>
            }
          />
        ) : (
          <div className="form-grid">
            <FormField
              label="Template"
              error={errors?.fields.template_id}
              hint={
                <>
                  The version saved when sending starts is the one sent. <Link to="/templates/new">Create a template</Link>
                </>
              }
            >
              {(control) => (
                <Select
                  name="template_id"
                  value={templateId}
                  onChange={(event) => setTemplateId(event.currentTarget.value)}
                  options={[{ value: '', label: 'Choose a template…' }, ...templates.map((t) => ({ value: t.id, label: t.name }))]}
                  {...control}
                />
              )}
            </FormField>
            <TextField
              label="Subject (optional)"
              name="subject"
              maxLength={300}
              defaultValue={campaign.subject ?? ''}
              placeholder={template?.subject}
              hint={template ? `Empty: the template's “${template.subject}”.` : 'Empty: the template’s subject.'}
              error={errors?.fields.subject}
            />
            <TextField
              label="Preheader (optional)"
              name="preheader"
              maxLength={300}
              defaultValue={campaign.preheader ?? ''}
              placeholder={template?.preheader ?? undefined}
              hint="The line inboxes show after the subject."
              error={errors?.fields.preheader}
            />
          </div>
        )}
      </CampaignStepForm>
      </div>
      <section className="card template-preview" aria-labelledby="campaign-preview-title">
        <div className="campaign-preview__header">
          <h2 id="campaign-preview-title" className="section__title">
            Preview
          </h2>
          {campaign.template_id && canWrite && <SendTestDialog defaultTo={userEmail} contact={contact} unsaved={dirty} />}
        </div>
        {campaign.template_id ? (
          <div role="region" aria-label="Preview">
            <CampaignPreview
              campaignId={campaign.id}
              name={campaign.name}
              revision={campaign.updated_at ?? campaign.created_at}
              abTest={campaign.ab_test}
              contact={contact}
              onContactChange={setContact}
            />
          </div>
        ) : (
          <p className="text-muted">Choose a template and save to see the email as your recipients will.</p>
        )}
      </section>
    </div>
  );
}
