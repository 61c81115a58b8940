import { Icon } from '../atoms/Icon';

/** A form-level error (one that no single field owns), announced when it appears. */
export function FormAlert({ message }: { message?: string }) {
  if (!message) return null;
  return (
    <div className="form-alert" role="alert">
      <Icon name="alert" />
      <p>{message}</p>
    </div>
  );
}
