import { previewDocument } from '~/lib/template-draft';

export type PreviewWidth = 'desktop' | 'phone';

interface SandboxedPreviewProps {
  /** The email's HTML: tenant content, never trusted. */
  html: string;
  /** Names the frame for assistive technology, e.g. "Preview of Spring sale". */
  title: string;
  width?: PreviewWidth;
  dark?: boolean;
  /** A small, non-interactive picture of the email (gallery cards). */
  thumbnail?: boolean;
}

/**
 * Tenant HTML is only ever shown here. `sandbox=""` with no allowances gives the frame an opaque
 * origin and no scripts, forms, popups or top navigation: a template can run nothing in the
 * dashboard and read none of its cookies or storage, whatever it contains. The content goes in by
 * `srcdoc`, so nothing is fetched from the dashboard to show it.
 */
export function SandboxedPreview({ html, title, width = 'desktop', dark = false, thumbnail = false }: SandboxedPreviewProps) {
  const classes = ['preview-frame', `preview-frame--${width}`, dark && 'preview-frame--dark', thumbnail && 'preview-frame--thumbnail'].filter(Boolean).join(' ');
  const frame = <iframe className={classes} title={title} sandbox="" srcDoc={previewDocument(html, { dark })} referrerPolicy="no-referrer" />;
  if (!thumbnail) return frame;
  // Inert: the thumbnail's links and text are not part of the page (its card's button is).
  return (
    <div className="preview-thumbnail" {...{ inert: '' }}>
      {frame}
    </div>
  );
}
