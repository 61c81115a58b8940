import type { SelectHTMLAttributes } from 'react';

export interface SelectOption {
  value: string;
  label: string;
}

export interface SelectGroup {
  label: string;
  options: SelectOption[];
}

type SelectProps = SelectHTMLAttributes<HTMLSelectElement> & ({ options: SelectOption[]; groups?: never } | { groups: SelectGroup[]; options?: never });

/** A native select, with its options flat or under headings (optgroups). */
export function Select({ options, groups, className, ...rest }: SelectProps) {
  const render = (list: SelectOption[]) =>
    list.map((o) => (
      <option key={o.value} value={o.value}>
        {o.label}
      </option>
    ));
  return (
    <select className={['input', 'select', className].filter(Boolean).join(' ')} {...rest}>
      {groups
        ? groups.map((group) => (
            <optgroup key={group.label} label={group.label}>
              {render(group.options)}
            </optgroup>
          ))
        : render(options)}
    </select>
  );
}
