import type { ReactNode } from 'react';
import { Button } from '../atoms/Button';
import { FormAlert } from '../molecules/FormAlert';
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
}

/** Asks before anything destructive. Focus starts on Cancel, so Enter never destroys by accident. */
export function ConfirmDialog({ open, title, children, confirmLabel, onConfirm, onCancel, busy = false, error }: ConfirmDialogProps) {
  return (
    <Modal
      open={open}
      onClose={onCancel}
      title={title}
      footer={
        <>
          <Button onClick={onCancel} data-autofocus>
            Cancel
          </Button>
          <Button variant="danger" loading={busy} onClick={onConfirm}>
            {confirmLabel}
          </Button>
        </>
      }
    >
      <div className="modal__body">
        <FormAlert message={error} />
        {children}
      </div>
    </Modal>
  );
}
