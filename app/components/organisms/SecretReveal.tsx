import { Button } from '../atoms/Button';
import { CopyableCode } from '../molecules/CopyableCode';
import { Modal } from './Modal';

/** Shows a just-created secret, once: it lives only in this component's props, never in a loader. */
export function SecretReveal({ name, secret, onClose, title = `API key “${name}” created`, testId = 'api-key-secret' }: { name: string; secret: string | null; onClose: () => void; title?: string; testId?: string }) {
  return (
    <Modal
      open={secret !== null}
      onClose={onClose}
      title={title}
      description="Copy the secret now and store it somewhere safe. For your security it is shown only this once."
      footer={
        <Button variant="primary" onClick={onClose}>
          I have stored it
        </Button>
      }
    >
      <div className="modal__body">
        <CopyableCode value={secret ?? ''} copyLabel="Copy secret" testId={testId} />
      </div>
    </Modal>
  );
}
