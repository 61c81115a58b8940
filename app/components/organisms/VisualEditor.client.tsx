import { useEffect, useRef, useState, type MutableRefObject } from 'react';
import { emailDocument } from '~/lib/template-draft';
import { Button } from '../atoms/Button';
import { Spinner } from '../atoms/Spinner';
import { FormAlert } from '../molecules/FormAlert';

export interface VisualChange {
  /** Outlook-safe: the newsletter preset's export, every CSS rule inlined into style attributes. */
  html: string;
  /** The GrapesJS project, so the template reopens as the same blocks. */
  design: unknown;
}

/** Exporting inlines the CSS of the whole template: not on every keystroke. */
const CHANGE_DEBOUNCE_MS = 600;

interface VisualEditorProps {
  design: unknown;
  html: string;
  onChange: (change: VisualChange) => void;
  /** Set to a function that reports a change still waiting for its debounce at once (before a save reads the form). */
  flushRef: MutableRefObject<(() => void) | null>;
}

/**
 * The drag-and-drop editor: GrapesJS with its newsletter preset. Loaded only when this mounts
 * (a separate chunk: it touches `window` and weighs far more than the rest of the dashboard), from
 * the saved design when there is one, else by importing the HTML. Its canvas is an iframe that
 * GrapesJS controls: the editing surface. Previews of what recipients get stay in the sandboxed frame.
 */
export function VisualEditor({ design, html, onChange, flushRef }: VisualEditorProps) {
  const container = useRef<HTMLDivElement>(null);
  const [state, setState] = useState<'loading' | 'ready' | 'failed'>('loading');
  const [attempt, setAttempt] = useState(0);
  // Read once per load: later changes come from this editor itself and must not reload it.
  const initial = useRef({ design, html });
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;

  useEffect(() => {
    let cancelled = false;
    let destroy = () => {};
    setState('loading');
    (async () => {
      const [{ default: grapesjs }, { default: newsletter }] = await Promise.all([import('grapesjs'), import('grapesjs-preset-newsletter')]);
      if (cancelled || !container.current) return;
      const start = initial.current;
      const editor = grapesjs.init({
        container: container.current,
        height: '100%',
        storageManager: false,
        // The template editor asks before leaving with unsaved changes; GrapesJS would ask again.
        noticeOnUnload: false,
        // Nothing from third parties: no icon font from a CDN (its panels use inline SVG icons), no telemetry.
        cssIcons: '',
        telemetry: false,
        log: ['error'],
        plugins: [(instance) => newsletter(instance, { inlineCss: true })],
        projectData: isProject(start.design) ? start.design : { pages: [pageOf(start.html)] },
      });
      let timer: ReturnType<typeof setTimeout> | undefined;
      const report = () => {
        timer = undefined;
        const inlined = editor.runCommand('gjs-get-inlined-html') as unknown;
        onChangeRef.current({ html: emailDocument(typeof inlined === 'string' ? inlined : editor.getHtml()), design: editor.getProjectData() });
      };
      const emit = () => {
        clearTimeout(timer);
        timer = setTimeout(report, CHANGE_DEBOUNCE_MS);
      };
      const flush = () => {
        if (timer === undefined) return;
        clearTimeout(timer);
        report();
      };
      flushRef.current = flush;
      editor.on('load', () => {
        if (cancelled) return;
        // Loading counts as changes for GrapesJS: only what the user does afterwards is an edit.
        editor.on('update', emit);
        setState('ready');
      });
      destroy = () => {
        // Leaving the tab keeps the last edit.
        flush();
        flushRef.current = null;
        editor.destroy();
      };
    })().catch((error: unknown) => {
      console.error('The visual editor did not load', error);
      if (!cancelled) setState('failed');
    });
    return () => {
      cancelled = true;
      destroy();
    };
  }, [attempt, flushRef]);

  return (
    <div className="visual-editor" data-state={state}>
      {state === 'loading' && (
        <div className="visual-editor__loading">
          <Spinner size="lg" label="Loading the visual editor" />
        </div>
      )}
      {state === 'failed' && (
        <div className="stack">
          <FormAlert message="The visual editor did not load. Check your connection and try again; the code view still works." />
          <Button onClick={() => setAttempt((n) => n + 1)}>Try again</Button>
        </div>
      )}
      <div ref={container} className="visual-editor__canvas" aria-label="Visual editor" role="region" />
    </div>
  );
}

/** A GrapesJS project as getProjectData() returns it (anything else is imported as HTML instead). */
function isProject(design: unknown): design is Record<string, unknown> {
  return typeof design === 'object' && design !== null && Array.isArray((design as { pages?: unknown }).pages);
}

/**
 * A whole email document as a GrapesJS page: the body's content as components and the CSS of its
 * `<style>` elements as styles. Given the document itself, GrapesJS would turn the head's meta and
 * title elements into body content.
 */
function pageOf(html: string): { component: string; styles: string } {
  const doc = new DOMParser().parseFromString(html, 'text/html');
  const styles = [...doc.querySelectorAll('style')].map((style) => {
    style.remove();
    return style.textContent ?? '';
  });
  return { component: doc.body.innerHTML, styles: styles.join('\n') };
}
