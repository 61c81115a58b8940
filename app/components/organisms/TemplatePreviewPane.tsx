import { useState, type ReactNode } from 'react';
import { Button } from '../atoms/Button';
import { Spinner } from '../atoms/Spinner';
import { Switch } from '../atoms/Switch';
import { FormAlert } from '../molecules/FormAlert';
import { SandboxedPreview, type PreviewWidth } from '../molecules/SandboxedPreview';
import type { LivePreview } from './use-live-preview';

const WIDTHS: { id: PreviewWidth; label: string }[] = [
  { id: 'desktop', label: 'Desktop' },
  { id: 'phone', label: 'Phone' },
];

/**
 * The rendered email as an inbox would show it: subject and preheader, then the body in the
 * sandboxed frame at desktop or phone width, light or dark. `controls` adds pickers (whose data).
 */
export function TemplatePreviewPane({ live, title, controls }: { live: LivePreview; title: string; controls?: ReactNode }) {
  const [width, setWidth] = useState<PreviewWidth>('desktop');
  const [dark, setDark] = useState(false);
  const { preview, error, updating } = live;
  return (
    <div className="preview-pane">
      <div className="preview-pane__toolbar">
        <div className="segmented" role="group" aria-label="Preview width">
          {WIDTHS.map((w) => (
            <Button key={w.id} size="sm" variant={width === w.id ? 'primary' : 'secondary'} aria-pressed={width === w.id} onClick={() => setWidth(w.id)}>
              {w.label}
            </Button>
          ))}
        </div>
        <Switch label="Dark mode" checked={dark} onChange={(event) => setDark(event.currentTarget.checked)} />
        <p className="preview-pane__status" aria-live="polite" data-testid="preview-status">
          {updating ? (
            <>
              <Spinner size="sm" /> Updating preview…
            </>
          ) : preview ? (
            'Preview up to date'
          ) : (
            ''
          )}
        </p>
      </div>
      {controls}
      <FormAlert message={error ?? undefined} />
      {preview ? (
        <>
          <dl className="inbox-line">
            <div>
              <dt>Subject</dt>
              <dd data-testid="preview-subject">{preview.subject || <span className="text-muted">(no subject)</span>}</dd>
            </div>
            {preview.preheader && (
              <div>
                <dt>Preheader</dt>
                <dd className="text-muted">{preview.preheader}</dd>
              </div>
            )}
          </dl>
          {/* Scrolls sideways when the desktop width does not fit (phones): focusable, so keyboards can scroll it. */}
          <div className={`preview-stage preview-stage--${width}`} role="region" aria-label="Rendered email" tabIndex={0}>
            <SandboxedPreview html={preview.html} title={`Preview of ${title}`} width={width} dark={dark} />
          </div>
        </>
      ) : (
        !error && (
          <div className="preview-stage preview-stage--loading">
            <Spinner size="lg" label="Loading the preview" />
          </div>
        )
      )}
    </div>
  );
}
