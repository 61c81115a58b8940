import { useEffect, useState, type ReactNode } from 'react';
import { Button } from '../atoms/Button';
import { FormAlert } from '../molecules/FormAlert';
import { TextField } from '../molecules/FormField';
import { Modal } from './Modal';

interface ConfirmDialogProps {
  open: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  onConfirm: () => void;
  onCancel: () => void;
  busy?: boolean;
  error?: string;
  /** For what cannot be undone: the confirm button stays disabled until this word is typed. */
  typedConfirmation?: string;
}

/** Asks before anything destructive. Focus starts on Cancel, so Enter never destroys by accident. */
export function ConfirmDialog({ open, title, children, confirmLabel, onConfirm, onCancel, busy = false, error, typedConfirmation }: ConfirmDialogProps) {
  const [typed, setTyped] = useState('');
  useEffect(() => {
    if (open) setTyped('');
  }, [open]);
  const confirmed = !typedConfirmation || typed.trim() === typedConfirmation;
  return (
    <Modal
      open={open}
      onClose={onCancel}
      title={title}
      footer={
        <>
          <Button onClick={onCancel} data-autofocus={typedConfirmation ? undefined : true}>
            Cancel
          </Button>
          <Button variant="danger" loading={busy} disabled={!confirmed} onClick={onConfirm}>
            {confirmLabel}
          </Button>
        </>
      }
    >
      <div className="modal__body">
        <FormAlert message={error} />
        {children}
        {typedConfirmation && (
          <TextField
            label={`Type “${typedConfirmation}” to confirm`}
            autoComplete="off"
            autoCapitalize="off"
            spellCheck={false}
            value={typed}
            onChange={(event) => setTyped(event.currentTarget.value)}
            data-autofocus
          />
        )}
      </div>
    </Modal>
  );
}
