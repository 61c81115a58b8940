/**
 * A spinning ring. With a label it announces itself as a status; without one it is decorative
 * (inside a button that already says `aria-busy`).
 */
export function Spinner({ label, size = 'md' }: { label?: string; size?: 'sm' | 'md' | 'lg' }) {
  return label ? (
    <span className={`spinner spinner--${size}`} role="status">
      <span className="visually-hidden">{label}</span>
    </span>
  ) : (
    <span className={`spinner spinner--${size}`} aria-hidden="true" />
  );
}
