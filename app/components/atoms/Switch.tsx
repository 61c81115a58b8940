import type { InputHTMLAttributes, ReactNode } from 'react';

/**
 * An on/off switch: a native checkbox (so it submits with its form and works before hydration)
 * announced as a switch, inside its label so the whole 44px row is the target.
 */
export function Switch({ label, className, ...rest }: Omit<InputHTMLAttributes<HTMLInputElement>, 'type' | 'role'> & { label: ReactNode }) {
  return (
    <label className={['switch', className].filter(Boolean).join(' ')}>
      <input type="checkbox" role="switch" {...rest} />
      <span className="switch__track" aria-hidden="true" />
      <span className="switch__label">{label}</span>
    </label>
  );
}
