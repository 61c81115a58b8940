import { CopyButton } from './CopyButton';

interface CopyableCodeProps {
  value: string;
  /** The copy button's text, e.g. "Copy secret". */
  copyLabel: string;
  /** A block (an HTML snippet) rather than one line (a key, a URL). */
  multiline?: boolean;
  /** Names a block for assistive technology; it scrolls, so it takes focus for the keyboard. */
  label?: string;
  testId?: string;
}

/** A value to copy somewhere else: a secret, a URL, an embed snippet. */
export function CopyableCode({ value, copyLabel, multiline = false, label, testId }: CopyableCodeProps) {
  return (
    <div className={multiline ? 'secret secret--block' : 'secret'}>
      {multiline ? (
        <pre className="secret__value secret__pre" tabIndex={0} role="region" aria-label={label} data-testid={testId}>
          <code>{value}</code>
        </pre>
      ) : (
        <code className="secret__value" data-testid={testId}>
          {value}
        </code>
      )}
      {value && <CopyButton value={value} label={copyLabel} />}
    </div>
  );
}
