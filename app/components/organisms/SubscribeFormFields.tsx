import { FORM_FIELDS, type ContactList, type FormField as AskedField, type SubscribeForm } from '~/lib/api-types';
import type { FormErrors } from '~/lib/problem';
import { Checkbox } from '../atoms/Checkbox';
import { FormField, TextField } from '../molecules/FormField';

const FIELD_LABELS: Record<AskedField, string> = {
  first_name: 'First name',
  last_name: 'Last name',
  company: 'Company',
  phone: 'Phone',
  city: 'City',
  country: 'Country',
};

/** The settings of a subscribe form, for creating one (dialog) and editing it (page). */
export function SubscribeFormFields({ form, lists, errors }: { form?: SubscribeForm; lists: Pick<ContactList, 'id' | 'name' | 'double_opt_in'>[]; errors: FormErrors | undefined }) {
  return (
    <>
      <TextField label="Name" name="name" required maxLength={100} defaultValue={form?.name} placeholder="e.g. Footer newsletter sign-up" hint="For you; visitors do not see it." error={errors?.fields.name} />
      <fieldset className="fieldset">
        <legend className="field__label">Lists it subscribes to</legend>
        {lists.length === 0 ? (
          <p className="text-muted">Create a list first: a form subscribes people to lists.</p>
        ) : (
          <div className="scope-grid">
            {lists.map((list) => (
              <Checkbox
                key={list.id}
                name="list_ids"
                value={list.id}
                defaultChecked={form?.list_ids.includes(list.id)}
                label={list.double_opt_in ? `${list.name} (double opt-in)` : list.name}
              />
            ))}
          </div>
        )}
        {errors?.fields.list_ids && <p className="field__error">{errors.fields.list_ids}</p>}
      </fieldset>
      <fieldset className="fieldset">
        <legend className="field__label">Fields it asks for besides the email address</legend>
        <div className="scope-grid">
          {FORM_FIELDS.map((name) => (
            <Checkbox key={name} name="fields" value={name} defaultChecked={form?.fields.includes(name)} label={FIELD_LABELS[name]} />
          ))}
        </div>
      </fieldset>
      <FormField
        label="Consent text"
        hint="Shown next to the button and stored with each subscription. Say what people get and that they can unsubscribe at any time. Changing it starts a new consent version."
        error={errors?.fields.consent_text}
      >
        {(control) => (
          <textarea
            className="input textarea"
            name="consent_text"
            required
            maxLength={2000}
            rows={3}
            defaultValue={form?.consent_text ?? 'I agree to receive your newsletter and know I can unsubscribe at any time.'}
            {...control}
          />
        )}
      </FormField>
      <TextField
        label="Success page (optional)"
        name="success_url"
        type="url"
        maxLength={2000}
        placeholder="https://example.com/thanks"
        defaultValue={form?.success_url ?? ''}
        hint="Where people go after subscribing; leave empty for our own thank-you page."
        error={errors?.fields.success_url}
      />
    </>
  );
}
