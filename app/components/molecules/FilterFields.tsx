import { Link } from '@remix-run/react';
import { Input } from '../atoms/Input';
import { FormField } from './FormField';
import { SubmitButton } from './SubmitButton';

/** A list filter's from–until days (`since`, `until`: whole UTC days, as date inputs give them). */
export function DayRangeFields({ since, until }: { since: string; until: string }) {
  return (
    <>
      <FormField label="From">{(control) => <Input type="date" name="since" defaultValue={since} {...control} />}</FormField>
      <FormField label="Until">{(control) => <Input type="date" name="until" defaultValue={until} {...control} />}</FormField>
    </>
  );
}

/** A filter form's buttons: apply, and clear (back to `clearTo`) while any filter is set. */
export function FilterActions({ filtered, clearTo }: { filtered: boolean; clearTo: string }) {
  return (
    <div className="filters__actions">
      <SubmitButton variant="secondary">Apply filters</SubmitButton>
      {filtered && (
        <Link to={clearTo} className="btn btn--ghost btn--md">
          Clear
        </Link>
      )}
    </div>
  );
}
