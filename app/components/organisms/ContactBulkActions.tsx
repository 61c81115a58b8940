import { useState } from 'react';
import type { ContactList, ContactSelection, Segment, Tag } from '~/lib/api-types';
import { selectionFields } from '~/lib/contact-filters';
import { Select } from '../atoms/Select';
import { FormField } from '../molecules/FormField';
import { HiddenFields } from '../molecules/HiddenFields';
import { TagField } from '../molecules/TagField';
import { ConfirmSubmit } from './ConfirmSubmit';
import { FormDialog } from './FormDialog';

/** What the contacts action answers when it handed the work to a background job. */
export interface StartedJob {
  jobId: string;
  label: string;
  kind: 'bulk' | 'export';
}

/** Where the bulk and export forms post: the contacts list's action (`?index`: the index route, not a layout). */
export const CONTACTS_ACTION = '/contacts?index';

interface BulkProps {
  selection: ContactSelection;
  /** "3 contacts", "all contacts matching the filter": for the dialogs' titles. */
  subject: string;
  lists: Pick<ContactList, 'id' | 'name'>[];
  tags: Pick<Tag, 'name'>[];
  onJob: (job: StartedJob) => void;
}

/**
 * The bulk bar's actions on the selected contacts (POST /v1/contacts/bulk). Small selections are
 * done at once and toasted; large ones come back as a job whose progress the page shows.
 */
export function ContactBulkActions({ selection, subject, lists, tags, onJob }: BulkProps) {
  const hidden = selectionFields(selection);
  const started = (data: StartedJob | undefined) => data && onJob(data);
  const listOptions = lists.map((l) => ({ value: l.id, label: l.name }));
  const tagDialog = (action: 'tag' | 'untag', label: string, title: string, submitLabel: string) => (
    <FormDialog<StartedJob> trigger={{ label, icon: 'tag', variant: 'secondary', size: 'sm' }} title={title} intent="bulk" submitLabel={submitLabel} action={CONTACTS_ACTION} onSuccess={started}>
      {(errors) => (
        <>
          <HiddenFields fields={{ ...hidden, action }} />
          <TagField label="Tag" name="tag" tags={tags} required error={errors?.fields.tag} />
        </>
      )}
    </FormDialog>
  );
  const listDialog = (action: 'list_add' | 'list_remove', label: string, title: string, submitLabel: string) => (
    <FormDialog<StartedJob> trigger={{ label, icon: 'list', variant: 'secondary', size: 'sm' }} title={title} intent="bulk" submitLabel={submitLabel} action={CONTACTS_ACTION} onSuccess={started}>
      {(errors) => (
        <>
          <HiddenFields fields={{ ...hidden, action }} />
          <FormField label="List" error={errors?.fields.list_id}>
            {(control) => <Select name="list_id" required options={[{ value: '', label: 'Choose a list' }, ...listOptions]} {...control} />}
          </FormField>
        </>
      )}
    </FormDialog>
  );
  return (
    <>
      {tagDialog('tag', 'Tag', `Tag ${subject}`, 'Add tag')}
      {tagDialog('untag', 'Untag', `Remove a tag from ${subject}`, 'Remove tag')}
      {lists.length > 0 && listDialog('list_add', 'Add to list', `Add ${subject} to a list`, 'Add to list')}
      {lists.length > 0 && listDialog('list_remove', 'Remove from list', `Remove ${subject} from a list`, 'Remove from list')}
      <ConfirmSubmit<StartedJob>
        trigger={{ label: 'Unsubscribe', variant: 'secondary' }}
        title={`Unsubscribe ${subject}?`}
        confirmLabel="Unsubscribe"
        fields={{ ...hidden, intent: 'bulk', action: 'unsubscribe' }}
        action={CONTACTS_ACTION}
        onSuccess={started}
      >
        <p>They get no more campaigns. Only they can subscribe again, through a form or the preference center.</p>
      </ConfirmSubmit>
      <ConfirmSubmit<StartedJob>
        trigger={{ label: 'Reactivate', variant: 'secondary' }}
        title={`Reactivate ${subject}?`}
        confirmLabel="Reactivate"
        fields={{ ...hidden, intent: 'bulk', action: 'reactivate' }}
        action={CONTACTS_ACTION}
        onSuccess={started}
      >
        <p>
          Inactive contacts among them (no opens or clicks for the sunset period) go back to subscribed and receive campaigns again. Others are left as they are. Mailing people who do not engage
          hurts your sender reputation: a re-engagement campaign to inactive contacts only is often the better first step.
        </p>
      </ConfirmSubmit>
      <ConfirmSubmit<StartedJob>
        trigger={{ label: 'Delete', icon: 'trash', variant: 'danger' }}
        title={`Delete ${subject}?`}
        confirmLabel="Delete contacts"
        fields={{ ...hidden, intent: 'bulk', action: 'delete' }}
        action={CONTACTS_ACTION}
        onSuccess={started}
      >
        <p>They move to Recently deleted, where you can restore each of them for 30 days. After that they are gone for good.</p>
      </ConfirmSubmit>
    </>
  );
}

export interface ExportChoice {
  /** Shown in the "What to export" select. */
  label: string;
  selection: ContactSelection | null;
}

/**
 * Export contacts as CSV (POST /v1/contacts/export): everyone, the current filter or a segment.
 * The export runs as a job; the page shows its progress and then the download link.
 */
export function ExportContactsDialog({ choices, segments = [], onJob }: { choices: ExportChoice[]; segments?: Pick<Segment, 'id' | 'name'>[]; onJob: (job: StartedJob) => void }) {
  const options = [...choices, ...segments.map((s) => ({ label: `Segment: ${s.name}`, selection: { segment_id: s.id } }))];
  const [chosen, setChosen] = useState(0);
  const selection = options[chosen]?.selection ?? null;
  return (
    <FormDialog<StartedJob>
      trigger={{ label: 'Export', icon: 'download', variant: 'secondary' }}
      title="Export contacts"
      description="A CSV file with every field, tags and consent. The download link works for 7 days."
      intent="export"
      submitLabel="Start export"
      action={CONTACTS_ACTION}
      onSuccess={(data) => data && onJob(data)}
    >
      {() => (
        <>
          <FormField label="What to export">
            {(control) => (
              <Select
                value={String(chosen)}
                onChange={(event) => setChosen(Number(event.currentTarget.value))}
                options={options.map((o, index) => ({ value: String(index), label: o.label }))}
                {...control}
              />
            )}
          </FormField>
          {selection && <HiddenFields fields={selectionFields(selection)} />}
        </>
      )}
    </FormDialog>
  );
}
