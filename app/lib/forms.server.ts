import { field } from './form-action.server';

/** A subscribe form's settings as its fields posted them, in the API's shape. */
export function submittedForm(form: FormData) {
  return {
    name: field(form, 'name'),
    list_ids: form.getAll('list_ids').map(String),
    fields: form.getAll('fields').map(String),
    consent_text: field(form, 'consent_text'),
    success_url: field(form, 'success_url') || null,
  };
}
