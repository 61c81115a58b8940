import { useFetcher } from '@remix-run/react';
import type { ReactNode } from 'react';
import type { ActionResult } from '~/lib/action-result';
import { Spinner } from '../atoms/Spinner';
import { Switch } from '../atoms/Switch';
import { FormAlert } from '../molecules/FormAlert';
import { PostForm } from '../molecules/PostForm';

interface SwitchFormProps {
  /** Posted as `intent`, with the switch as `name` = "on" when on. */
  intent: string;
  name: string;
  checked: boolean;
  label: ReactNode;
  disabled?: boolean;
}

/** A setting that saves the moment it is switched (its own fetcher, so the page does not move). */
export function SwitchForm({ intent, name, checked, label, disabled = false }: SwitchFormProps) {
  const fetcher = useFetcher<ActionResult>();
  const busy = fetcher.state !== 'idle';
  const error = fetcher.data && !fetcher.data.ok ? fetcher.data.errors.form : undefined;
  return (
    <PostForm fetcher={fetcher} preventScrollReset>
      <input type="hidden" name="intent" value={intent} />
      <div className="row">
        <Switch
          // Remounts after each answer, so a refused change (409) flips back to the stored value.
          key={`${checked}-${fetcher.data ? JSON.stringify(fetcher.data) : ''}`}
          name={name}
          defaultChecked={checked}
          disabled={disabled || busy}
          label={label}
          onChange={(event) => fetcher.submit(event.currentTarget.form)}
        />
        {busy && <Spinner size="sm" label="Saving" />}
      </div>
      <FormAlert message={error} />
    </PostForm>
  );
}
