import { useState } from 'react';
import type { Transport } from '~/lib/api-types';
import type { FormErrors } from '~/lib/problem';
import { credentialField, settingField, TRANSPORT_KIND_SPECS, TRANSPORT_KINDS, type TransportKind } from '~/lib/transport-kinds';
import { Select } from '../atoms/Select';
import { FormField, TextField } from '../molecules/FormField';

/**
 * A transport's name, kind and the fields of that kind. Secrets are write-only: an edit shows them
 * empty with a "stored" hint, and leaving one empty keeps it.
 */
export function TransportFields({ transport, errors }: { transport: Transport | null; errors?: FormErrors }) {
  const [kind, setKind] = useState<TransportKind>(transport?.kind ?? 'smtp');
  const spec = TRANSPORT_KIND_SPECS[kind];
  const e = (name: string) => errors?.fields[name];
  const stored = transport?.credentials;
  return (
    <>
      <TextField label="Name" name="name" required maxLength={100} defaultValue={transport?.name} placeholder="e.g. Main relay" error={e('name')} />
      {transport ? (
        <p className="text-muted">Kind: {TRANSPORT_KIND_SPECS[transport.kind].label} (a transport keeps its kind; add another for a different provider).</p>
      ) : (
        <FormField label="Kind" hint={spec.description} error={e('kind')}>
          {(control) => (
            <Select
              name="kind"
              value={kind}
              onChange={(event) => setKind(event.currentTarget.value as TransportKind)}
              options={TRANSPORT_KINDS.map((k) => ({ value: k, label: TRANSPORT_KIND_SPECS[k].label }))}
              {...control}
            />
          )}
        </FormField>
      )}
      {/* Keyed by kind: switching kinds starts the fields over from that kind's defaults. */}
      <div className="form-grid" key={kind}>
        {spec.settings.map((f) => {
          const current = transport?.settings[f.name];
          const defaultValue = current === undefined || current === null ? f.defaultValue : String(current);
          return f.options ? (
            <FormField key={f.name} label={f.label} hint={f.hint} error={e(settingField(f.name))}>
              {(control) => <Select name={settingField(f.name)} defaultValue={defaultValue} options={f.options!} {...control} />}
            </FormField>
          ) : (
            <TextField
              key={f.name}
              label={f.label}
              name={settingField(f.name)}
              type={f.type ?? 'text'}
              required={f.required}
              defaultValue={defaultValue}
              placeholder={f.placeholder}
              hint={f.hint}
              autoComplete="off"
              spellCheck={false}
              error={e(settingField(f.name))}
            />
          );
        })}
        {spec.credentials.map((f) => {
          const hint = stored?.[f.name] ? `Stored (${stored[f.name]}). Leave empty to keep it.` : transport && stored === null ? 'The stored value can no longer be read: enter it again.' : f.required ? undefined : 'Optional.';
          return (
            <TextField
              key={f.name}
              label={f.label}
              name={credentialField(f.name)}
              type={f.secret ? 'password' : 'text'}
              autoComplete={f.secret ? 'new-password' : 'off'}
              spellCheck={false}
              required={f.required && (!transport || stored === null)}
              hint={hint}
              error={e(credentialField(f.name))}
            />
          );
        })}
      </div>
      {errors?.fields.credentials && <p className="field__error">{errors.fields.credentials}</p>}
    </>
  );
}
