import { useId, type InputHTMLAttributes, type ReactNode } from 'react';
import { Input } from '../atoms/Input';

export interface ControlProps {
  id: string;
  'aria-describedby'?: string;
  'aria-invalid'?: true;
}

interface FormFieldProps {
  label: string;
  hint?: ReactNode;
  error?: string;
  /** Renders the control, wired to the label, hint and error. */
  children: (control: ControlProps) => ReactNode;
}

export function FormField({ label, hint, error, children }: FormFieldProps) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ') || undefined;
  return (
    <div className={error ? 'field field--invalid' : 'field'}>
      <label className="field__label" htmlFor={id}>
        {label}
      </label>
      {children({ id, 'aria-describedby': describedBy, 'aria-invalid': error ? true : undefined })}
      {hint && (
        <p className="field__hint" id={hintId}>
          {hint}
        </p>
      )}
      {error && (
        <p className="field__error" id={errorId}>
          {error}
        </p>
      )}
    </div>
  );
}

/** The common case: a labelled text input. */
export function TextField({ label, hint, error, ...input }: Omit<FormFieldProps, 'children'> & InputHTMLAttributes<HTMLInputElement>) {
  return (
    <FormField label={label} hint={hint} error={error}>
      {(control) => <Input {...input} {...control} />}
    </FormField>
  );
}

/**
 * A password input. New passwords state the rule the API enforces (worker/domain/passwords.ts:
 * 10+ characters, common and guessable ones refused); current ones let password managers fill them.
 */
export function PasswordField({ kind, label, name = 'password', error }: { kind: 'new' | 'current'; label: string; name?: string; error?: string }) {
  return kind === 'new' ? (
    <TextField
      label={label}
      name={name}
      type="password"
      autoComplete="new-password"
      required
      minLength={10}
      hint="At least 10 characters; common and guessable passwords are refused. A long passphrase works best."
      error={error}
    />
  ) : (
    <TextField label={label} name={name} type="password" autoComplete="current-password" required error={error} />
  );
}
