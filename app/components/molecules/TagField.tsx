import { useId } from 'react';
import type { Tag } from '~/lib/api-types';
import { TextField } from './FormField';

interface TagFieldProps {
  label: string;
  name: string;
  /** Existing tags, offered as the user types; a new name creates a tag. */
  tags: Pick<Tag, 'name'>[];
  hint?: string;
  error?: string;
  required?: boolean;
  /** Several tags separated by commas (no single-tag length limit then). */
  multiple?: boolean;
}

/** A tag name with the workspace's tags suggested (a native datalist: keyboard and screen readers for free). */
export function TagField({ label, name, tags, hint, error, required, multiple = false }: TagFieldProps) {
  const listId = useId();
  return (
    <>
      <TextField label={label} name={name} list={listId} autoComplete="off" maxLength={multiple ? undefined : 50} required={required} hint={hint} error={error} />
      <datalist id={listId}>
        {tags.map((tag) => (
          <option key={tag.name} value={tag.name} />
        ))}
      </datalist>
    </>
  );
}
