import { Button } from '../atoms/Button';
import { CopyButton } from '../molecules/CopyButton';
import { Modal } from './Modal';

/** Fresh backup codes, shown once: they live only in this component's props, never in a loader. */
export function BackupCodesReveal({ codes, onClose }: { codes: string[] | null; onClose: () => void }) {
  const text = (codes ?? []).join('\n');
  function download() {
    const url = URL.createObjectURL(new Blob([`Edgepost backup codes (each works once)\n\n${text}\n`], { type: 'text/plain' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = 'edgepost-backup-codes.txt';
    link.click();
    URL.revokeObjectURL(url);
  }
  return (
    <Modal
      open={codes !== null}
      onClose={onClose}
      title="Save your backup codes"
      description="If you lose your phone, each of these codes signs you in once. Store them somewhere safe: they are shown only this once."
      footer={
        <Button variant="primary" onClick={onClose}>
          I have saved them
        </Button>
      }
    >
      <div className="modal__body">
        <ol className="backup-codes" data-testid="backup-codes">
          {codes?.map((code) => (
            <li key={code}>
              <code>{code}</code>
            </li>
          ))}
        </ol>
        <div className="row">
          <CopyButton value={text} label="Copy codes" />
          <Button icon="download" onClick={download}>
            Download .txt
          </Button>
        </div>
      </div>
    </Modal>
  );
}
