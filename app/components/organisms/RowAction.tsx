import { useFetcher } from '@remix-run/react';
import type { IconName } from '../atoms/Icon';
import { HiddenFields } from '../molecules/HiddenFields';
import { PostForm } from '../molecules/PostForm';
import { SubmitButton } from '../molecules/SubmitButton';

interface RowActionProps {
  intent: string;
  label: string;
  icon: IconName;
  /** Names the row for screen readers: "Clone Spring sale". */
  name: string;
  fields: Record<string, string>;
}

/** A one-click action in a table row with its own fetcher: one row's request does not make every row's button spin. */
export function RowAction({ intent, label, icon, name, fields }: RowActionProps) {
  const fetcher = useFetcher();
  return (
    <PostForm fetcher={fetcher}>
      <HiddenFields fields={fields} />
      <SubmitButton intent={intent} variant="ghost" size="sm" icon={icon} busy={fetcher.state !== 'idle'} aria-label={`${label} ${name}`}>
        {label}
      </SubmitButton>
    </PostForm>
  );
}
