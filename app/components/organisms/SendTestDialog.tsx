import type { FormErrors } from '~/lib/problem';
import { MAX_TEST_RECIPIENTS } from '~/lib/template-draft';
import { FormField } from '../molecules/FormField';
import { FormDialog } from './FormDialog';

interface SendTestDialogProps {
  /** Prefilled: most tests go to oneself. */
  defaultTo: string;
  /** The contact whose data fills the merge tags, as chosen for the preview. */
  contact: { id: string; email: string } | null;
  /** The editor holds changes that are not saved: the test sends the saved version. */
  unsaved: boolean;
}

/** Sends the saved template as a test email (the API allows 20 an hour per workspace). */
export function SendTestDialog({ defaultTo, contact, unsaved }: SendTestDialogProps) {
  return (
    <FormDialog trigger={{ label: 'Send test', icon: 'mail', variant: 'secondary' }} title="Send a test email" intent="send-test" submitLabel="Send test">
      {(errors) => (
        <>
          {unsaved && <p className="banner banner--warning">You have unsaved changes: the test uses the last saved version. Save first to test them.</p>}
          <FormField label="Send to" hint={`Up to ${MAX_TEST_RECIPIENTS} addresses, separated by commas or new lines.`} error={recipientsError(errors)}>
            {(control) => <textarea className="input textarea" name="to" rows={3} required defaultValue={defaultTo} autoComplete="off" spellCheck={false} {...control} />}
          </FormField>
          {contact && <input type="hidden" name="contact_id" value={contact.id} />}
          <p className="text-muted">
            Merge tags are filled with {contact ? <>the data of {contact.email}</> : 'sample data'}, as in the preview. The subject is marked [Test].
          </p>
        </>
      )}
    </FormDialog>
  );
}

/** The API names a bad address by its place in the list (`to.2`); the form has one field for all. */
function recipientsError(errors: FormErrors | undefined): string | undefined {
  return Object.entries(errors?.fields ?? {}).find(([field]) => field === 'to' || field.startsWith('to.'))?.[1];
}
