import type { ReactNode } from 'react';
import { CSRF_FIELD } from '~/lib/csrf';
import { useRootData } from '~/lib/root-data';
import { Button, type ButtonVariant } from '../atoms/Button';
import type { IconName } from '../atoms/Icon';
import { ConfirmDialog } from './ConfirmDialog';
import { useFetcherDialog } from './use-fetcher-dialog';

interface ConfirmSubmitProps<D> {
  trigger: { label: string; icon?: IconName; variant?: ButtonVariant; size?: 'md' | 'sm'; ariaLabel?: string; disabled?: boolean };
  title: string;
  children: ReactNode;
  confirmLabel: string;
  /** Posted to the route's action once confirmed; must include `intent`. */
  fields: Record<string, string | string[]>;
  /** Another route's action to post to (default: the current page's). */
  action?: string;
  /** For what cannot be undone: a word to type before the confirm button works. */
  typedConfirmation?: string;
  onSuccess?: (data: D | undefined) => void;
}

/** A destructive action behind a confirmation: the button opens the dialog, confirming posts the fields. */
export function ConfirmSubmit<D = undefined>({ trigger, title, children, confirmLabel, fields, action, typedConfirmation, onSuccess }: ConfirmSubmitProps<D>) {
  const dialog = useFetcherDialog<D>(onSuccess);
  const { csrfToken } = useRootData();

  function submit() {
    const form = new FormData();
    form.set(CSRF_FIELD, csrfToken);
    for (const [name, value] of Object.entries(fields)) {
      for (const one of Array.isArray(value) ? value : [value]) form.append(name, one);
    }
    dialog.fetcher.submit(form, { method: 'post', action });
  }

  return (
    <>
      <Button variant={trigger.variant ?? 'ghost'} size={trigger.size ?? 'sm'} icon={trigger.icon} aria-label={trigger.ariaLabel} disabled={trigger.disabled} onClick={dialog.show}>
        {trigger.label}
      </Button>
      <ConfirmDialog
        open={dialog.open}
        title={title}
        confirmLabel={confirmLabel}
        busy={dialog.busy}
        error={dialog.errors?.form}
        onConfirm={submit}
        onCancel={dialog.hide}
        typedConfirmation={typedConfirmation}
      >
        {children}
      </ConfirmDialog>
    </>
  );
}
