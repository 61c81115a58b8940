import { useActionData } from '@remix-run/react';
import { useReducer, useState } from 'react';
import type { ActionResult } from '~/lib/action-result';
import type { ContactList, CustomField, Segment, Tag } from '~/lib/api-types';
import { builderReducer, initialState, isComplete, toRules } from '~/lib/segment-rules';
import { FormAlert } from '../molecules/FormAlert';
import { FormField, TextField } from '../molecules/FormField';
import { PostForm } from '../molecules/PostForm';
import { SubmitButton } from '../molecules/SubmitButton';
import { LiveCount, SegmentBuilder } from './SegmentBuilder';

interface SegmentFormProps {
  segment: Segment | null;
  lists: ContactList[];
  tags: Tag[];
  customFields: CustomField[];
  canWrite: boolean;
}

/** A segment's name, description and rules with the live count; posts `save` with the rules as JSON. */
export function SegmentForm({ segment, lists, tags, customFields, canWrite }: SegmentFormProps) {
  const [state, dispatch] = useReducer(builderReducer, null, () => initialState(segment?.rules ?? null, customFields));
  const [tried, setTried] = useState(false);
  const result = useActionData<ActionResult>();
  const errors = result && !result.ok && result.intent === 'save' ? result.errors : undefined;
  const complete = isComplete(state.root, customFields);
  const rules = JSON.stringify(toRules(state.root, customFields));
  const rulesError = Object.entries(errors?.fields ?? {})
    .filter(([name]) => name.startsWith('rules'))
    .map(([, message]) => message)[0];

  return (
    <PostForm
      className="stack"
      preventScrollReset
      onSubmit={(event) => {
        setTried(true);
        // Nothing incomplete goes to the API: the conditions say what they miss instead.
        if (!complete) event.preventDefault();
      }}
    >
      <fieldset className="fieldset-reset stack" disabled={!canWrite}>
        <FormAlert message={errors?.form} />
        <section className="card settings-card" aria-labelledby="segment-about">
          <h2 id="segment-about" className="section__title">
            About
          </h2>
          <div className="form-grid">
            <TextField label="Name" name="name" required maxLength={100} defaultValue={segment?.name} placeholder="e.g. Engaged customers in France" error={errors?.fields.name} />
            <FormField label="Description (optional)" error={errors?.fields.description}>
              {(control) => <textarea className="input textarea" name="description" rows={2} maxLength={500} defaultValue={segment?.description ?? ''} {...control} />}
            </FormField>
          </div>
        </section>
        <section className="card settings-card" aria-labelledby="segment-rules">
          <div className="settings-card__header">
            <h2 id="segment-rules" className="section__title">
              Conditions
            </h2>
            <LiveCount rules={rules} complete={complete} />
          </div>
          <SegmentBuilder state={state} dispatch={dispatch} showProblems={tried} lists={lists} tags={tags} customFields={customFields} />
          <FormAlert message={rulesError ?? (tried && !complete ? 'Some conditions are incomplete: each says what it needs.' : undefined)} />
          <input type="hidden" name="rules" value={rules} />
        </section>
        {canWrite && (
          <div className="settings-actions">
            <SubmitButton intent="save">{segment ? 'Save segment' : 'Create segment'}</SubmitButton>
          </div>
        )}
      </fieldset>
    </PostForm>
  );
}
