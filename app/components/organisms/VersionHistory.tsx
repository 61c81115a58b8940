import { useState } from 'react';
import type { TemplateVersionSummary } from '~/lib/api-types';
import { formatDateTime } from '~/lib/format';
import { Badge } from '../atoms/Badge';
import { Button } from '../atoms/Button';
import { TemplatePreviewPane } from './TemplatePreviewPane';
import { ConfirmSubmit } from './ConfirmSubmit';
import { Modal } from './Modal';
import { useLivePreview } from './use-live-preview';

interface VersionHistoryProps {
  templateId: string;
  templateName: string;
  versions: TemplateVersionSummary[];
  current: number;
  canWrite: boolean;
}

/**
 * Every saved version, newest first, in a side drawer: view one (rendered in the sandboxed frame)
 * and restore it, which saves its content again as a new version, so nothing is ever lost.
 */
export function VersionHistory({ templateId, templateName, versions, current, canWrite }: VersionHistoryProps) {
  const [open, setOpen] = useState(false);
  const [viewing, setViewing] = useState<number | null>(null);
  return (
    <>
      <Button icon="clock" onClick={() => setOpen(true)}>
        Version history
      </Button>
      <Modal
        open={open}
        onClose={() => setOpen(false)}
        title="Version history"
        description={`Each save of “${templateName}” is kept. Restoring saves that content again as a new version.`}
      >
        <div className="modal__body version-history">
          <ol className="version-list">
            {versions.map((v) => (
              <li key={v.version} className="version-list__item" aria-current={viewing === v.version ? 'true' : undefined}>
                <div className="version-list__text">
                  <strong>
                    Version {v.version} {v.version === current && <Badge tone="success">Current</Badge>}
                  </strong>
                  <span className="text-muted">{v.subject}</span>
                  <span className="text-muted version-list__meta">
                    {formatDateTime(v.created_at)}
                    {v.created_by ? ` · ${v.created_by}` : ''}
                  </span>
                </div>
                <div className="row">
                  <Button size="sm" variant={viewing === v.version ? 'primary' : 'secondary'} aria-pressed={viewing === v.version} onClick={() => setViewing(v.version)}>
                    View<span className="visually-hidden"> version {v.version}</span>
                  </Button>
                  {canWrite && v.version !== current && (
                    <ConfirmSubmit
                      trigger={{ label: 'Restore', icon: 'undo', variant: 'secondary', ariaLabel: `Restore version ${v.version}` }}
                      title={`Restore version ${v.version}?`}
                      confirmLabel="Restore this version"
                      fields={{ intent: 'restore-version', version: String(v.version) }}
                    >
                      <p>
                        Its content is saved as version {current + 1}. Version {current} stays in the history, and unsaved changes in the editor are discarded.
                      </p>
                    </ConfirmSubmit>
                  )}
                </div>
              </li>
            ))}
          </ol>
          {viewing !== null && <VersionPreview templateId={templateId} version={viewing} templateName={templateName} />}
        </div>
      </Modal>
    </>
  );
}

function VersionPreview({ templateId, version, templateName }: { templateId: string; version: number; templateName: string }) {
  const live = useLivePreview({ template_id: templateId, version }, { delayMs: 0 });
  return (
    <section aria-label={`Version ${version}`} className="version-history__preview">
      <h3 className="settings-card__subtitle">Version {version}</h3>
      <TemplatePreviewPane live={live} title={`${templateName}, version ${version}`} />
    </section>
  );
}
