import type { ReactNode } from 'react';
import type { FormErrors } from '~/lib/problem';
import { Button, type ButtonVariant } from '../atoms/Button';
import type { IconName } from '../atoms/Icon';
import { FormAlert } from '../molecules/FormAlert';
import { PostForm } from '../molecules/PostForm';
import { SubmitButton } from '../molecules/SubmitButton';
import { Modal } from './Modal';
import { useFetcherDialog } from './use-fetcher-dialog';

interface FormDialogProps<D> {
  trigger: { label: string; icon?: IconName; variant?: ButtonVariant; size?: 'md' | 'sm' };
  title: string;
  description?: ReactNode;
  intent: string;
  submitLabel: string;
  /** The fields, given the errors of the last failed attempt. */
  children: (errors: FormErrors | undefined) => ReactNode;
  onSuccess?: (data: D | undefined) => void;
  /** Another route's action to post to (default: the current page's). */
  action?: string;
  /** Submit with a danger button (closing, deleting). */
  destructive?: boolean;
}

/** A button that opens a form in a modal; the modal closes when the action succeeds. */
export function FormDialog<D = undefined>({ trigger, title, description, intent, submitLabel, children, onSuccess, action, destructive = false }: FormDialogProps<D>) {
  const dialog = useFetcherDialog<D>(onSuccess);
  return (
    <>
      <Button variant={trigger.variant ?? 'primary'} size={trigger.size} icon={trigger.icon} onClick={dialog.show}>
        {trigger.label}
      </Button>
      <Modal open={dialog.open} onClose={dialog.hide} title={title} description={description}>
        <PostForm fetcher={dialog.fetcher} action={action} className="modal__form">
          <div className="modal__body">
            <FormAlert message={dialog.errors?.form} />
            {children(dialog.errors)}
          </div>
          <div className="modal__footer">
            <Button onClick={dialog.hide}>Cancel</Button>
            <SubmitButton intent={intent} busy={dialog.busy} variant={destructive ? 'danger' : 'primary'}>
              {submitLabel}
            </SubmitButton>
          </div>
        </PostForm>
      </Modal>
    </>
  );
}
