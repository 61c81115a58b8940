import { useState } from 'react';
import { VARIANT_KEYS, type TemplateSummary } from '~/lib/api-types';
import { AB_MAX_VARIANTS, AB_MIN_VARIANTS, type AbDraft, type AbMode } from '~/lib/campaign-form';
import type { FormErrors } from '~/lib/problem';
import { Button, IconButton } from '../atoms/Button';
import { Select } from '../atoms/Select';
import { Switch } from '../atoms/Switch';
import { FormField, TextField } from '../molecules/FormField';

const MODES: { value: AbMode; label: string }[] = [
  { value: 'subject', label: 'Subject lines' },
  { value: 'template', label: 'Templates (different content)' },
];

/**
 * A/B test setup: 2–4 variants of the subject or of the content, the share of the audience that
 * gets them, the metric that picks the winner and how long to wait before the rest gets it.
 */
export function AbTestFields({ initial, templates, errors }: { initial: AbDraft; templates: TemplateSummary[]; errors?: FormErrors }) {
  const [draft, setDraft] = useState(initial);
  const update = (change: Partial<AbDraft>) => setDraft((was) => ({ ...was, ...change }));
  const fieldError = (name: string) => errors?.fields[`ab_test.${name}`];
  const variantsError = fieldError('variants') ?? errors?.fields.ab_test;
  return (
    <fieldset className="fieldset-reset stack">
      <legend className="section__title">A/B test</legend>
      <Switch name="ab_enabled" label="Test variants on part of the audience first" checked={draft.enabled} onChange={(event) => update({ enabled: event.currentTarget.checked })} />
      {draft.enabled && (
        <div className="stack">
          <FormField label="What differs">
            {(control) => <Select name="ab_mode" value={draft.mode} onChange={(event) => update({ mode: event.currentTarget.value as AbMode, values: draft.values.map(() => '') })} options={MODES} {...control} />}
          </FormField>
          <ol className="ab-variants">
            {draft.values.map((value, index) => {
              const key = VARIANT_KEYS[index]!;
              const label = `Variant ${key} ${draft.mode === 'template' ? 'template' : 'subject'}`;
              const error = fieldError(`variants.${index}.${draft.mode === 'template' ? 'template_id' : 'subject'}`);
              const set = (next: string) => update({ values: draft.values.map((v, i) => (i === index ? next : v)) });
              return (
                <li key={key} className="ab-variants__item">
                  {draft.mode === 'template' ? (
                    <FormField label={label} error={error}>
                      {(control) => (
                        <Select
                          name="ab_template"
                          value={value}
                          onChange={(event) => set(event.currentTarget.value)}
                          options={[{ value: '', label: 'Choose a template…' }, ...templates.map((t) => ({ value: t.id, label: t.name }))]}
                          {...control}
                        />
                      )}
                    </FormField>
                  ) : (
                    <TextField label={label} name="ab_subject" value={value} maxLength={300} onChange={(event) => set(event.currentTarget.value)} error={error} />
                  )}
                  {draft.values.length > AB_MIN_VARIANTS && (
                    <IconButton icon="trash" label={`Remove variant ${key}`} onClick={() => update({ values: draft.values.filter((_, i) => i !== index) })} />
                  )}
                </li>
              );
            })}
          </ol>
          {variantsError && <p className="field__error">{variantsError}</p>}
          {draft.values.length < AB_MAX_VARIANTS && (
            <div>
              <Button size="sm" icon="plus" onClick={() => update({ values: [...draft.values, ''] })}>
                Add variant {VARIANT_KEYS[draft.values.length]}
              </Button>
            </div>
          )}
          <div className="form-grid">
            <TextField
              label="Test share of the audience (%)"
              name="ab_test_percent"
              type="number"
              min={5}
              max={50}
              step={1}
              inputMode="numeric"
              value={draft.test_percent}
              onChange={(event) => update({ test_percent: event.currentTarget.value })}
              hint="Split evenly between the variants; 5–50 %."
              error={fieldError('test_percent')}
            />
            <FormField label="Winner by" error={fieldError('metric')}>
              {(control) => (
                <Select
                  name="ab_metric"
                  value={draft.metric}
                  onChange={(event) => update({ metric: event.currentTarget.value === 'clicks' ? 'clicks' : 'opens' })}
                  options={[
                    { value: 'opens', label: 'Open rate' },
                    { value: 'clicks', label: 'Click rate' },
                  ]}
                  {...control}
                />
              )}
            </FormField>
            <TextField
              label="Wait before choosing (hours)"
              name="ab_wait_hours"
              type="number"
              min={0.25}
              max={168}
              step={0.25}
              inputMode="decimal"
              value={draft.wait_hours}
              onChange={(event) => update({ wait_hours: event.currentTarget.value })}
              hint="Then the winner goes to everyone else. 0.25 to 168 hours."
              error={fieldError('wait_hours')}
            />
          </div>
        </div>
      )}
    </fieldset>
  );
}
