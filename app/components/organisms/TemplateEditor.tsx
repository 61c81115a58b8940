import { Fragment, lazy, Suspense, useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { useActionData, useBlocker, useFetcher } from '@remix-run/react';
import { flushSync } from 'react-dom';
import type { ActionResult } from '~/lib/action-result';
import { TEMPLATE_CATEGORIES, type MergeTags, type Template, type TemplatePreview, type TemplateVersionSummary } from '~/lib/api-types';
import { CATEGORY_LABELS } from '~/lib/template-categories';
import { draftOf, insertAt, type TemplateDraft } from '~/lib/template-draft';
import type { ContactChoice } from '~/routes/templates.contact-search';
import { Icon } from '../atoms/Icon';
import { Input } from '../atoms/Input';
import { Select } from '../atoms/Select';
import { Spinner } from '../atoms/Spinner';
import { FormAlert } from '../molecules/FormAlert';
import { FormField, TextField } from '../molecules/FormField';
import { PageHeader } from '../molecules/PageHeader';
import { PostForm } from '../molecules/PostForm';
import { SubmitButton } from '../molecules/SubmitButton';
import { TabList, tabPanelProps, type TabItem } from '../molecules/Tabs';
import { ConfirmDialog } from './ConfirmDialog';
import { ConfirmSubmit } from './ConfirmSubmit';
import { ContactPicker } from './ContactPicker';
import { MergeTagInserter, SpintaxHelp } from './MergeTagInserter';
import { SendTestDialog } from './SendTestDialog';
import { TemplatePreviewPane } from './TemplatePreviewPane';
import { useToast } from './ToastProvider';
import { useLivePreview } from './use-live-preview';
import { VersionHistory } from './VersionHistory';

// A separate chunk, fetched when the Visual tab first opens (GrapesJS is most of its weight); a
// client module, so the server bundle leaves GrapesJS out.
const VisualEditor = lazy(() => import('./VisualEditor.client').then((module) => ({ default: module.VisualEditor })));

export type SourceTab = 'code' | 'visual' | 'text';

const SOURCE_TABS: TabItem<SourceTab>[] = [
  { id: 'code', label: 'Code' },
  { id: 'visual', label: 'Visual' },
  { id: 'text', label: 'Plain text' },
];

/** The inbox line: text fields that take merge tags at the cursor, like the HTML and the plain text. */
const INBOX_FIELDS = [
  { name: 'subject', label: 'Subject', required: true, hint: undefined },
  { name: 'preheader', label: 'Preheader (optional)', required: false, hint: 'The line inboxes show after the subject.' },
] as const;

/** The fields a merge tag can go into, and how the inserter names them. */
type InsertTarget = 'subject' | 'preheader' | 'html' | 'text_override';
const TARGET_NAMES: Record<InsertTarget, string> = { subject: 'the subject', preheader: 'the preheader', html: 'the HTML', text_override: 'the plain text' };

interface TemplateEditorProps {
  template: Template;
  mergeTags: MergeTags;
  versions: TemplateVersionSummary[];
  /** The saved template rendered with sample data, for the first paint. */
  initialPreview: TemplatePreview | null;
  canWrite: boolean;
  userEmail: string;
  /** Kept by the page, so they survive the remount after a save. */
  tab: SourceTab;
  onTabChange: (tab: SourceTab) => void;
  contact: ContactChoice | null;
  onContactChange: (contact: ContactChoice | null) => void;
}

/**
 * The template editor: details, the source as code, visual blocks or plain text, and the live
 * preview beside it. It holds one draft; Save posts it as a new version. Mount it again (a `key`
 * on the version) to start over from what was saved.
 */
export function TemplateEditor({ template, mergeTags, versions, initialPreview, canWrite, userEmail, tab, onTabChange, contact, onContactChange }: TemplateEditorProps) {
  const [draft, setDraft] = useState<TemplateDraft>(() => draftOf(template));
  const [dirty, setDirty] = useState(false);
  const notify = useToast();
  const result = useActionData<ActionResult>();
  const errors = result && !result.ok && result.intent === 'save' ? result.errors : undefined;
  const formRef = useRef<HTMLFormElement>(null);
  const fields = useRef(new Map<InsertTarget, HTMLInputElement | HTMLTextAreaElement>());
  const [target, setTarget] = useState<InsertTarget>('html');
  const idPrefix = useId();
  const formId = `${idPrefix}-form`;
  const duplicate = useFetcher();
  const hydrated = useHydrated();
  const flushVisual = useRef<(() => void) | null>(null);

  const live = useLivePreview(
    { content: { subject: draft.subject, preheader: draft.preheader, html: draft.html, text_override: draft.text_override }, contact_id: contact?.id },
    { initial: contact ? null : initialPreview },
  );
  const unknown = live.preview?.unknown_variables ?? template.unknown_variables;
  const sanitized = live.preview?.sanitizer_changes ?? template.sanitizer_changes;

  const update = (change: Partial<TemplateDraft>) => {
    setDraft((was) => ({ ...was, ...change }));
    setDirty(true);
  };
  const editHtml = (html: string) =>
    // Hand-edited code is the truth from then on: the visual editor imports it next time.
    update(draft.editor === 'visual' ? { html, editor: 'code', design: null } : { html });
  const register = (name: InsertTarget) => (element: HTMLInputElement | HTMLTextAreaElement | null) => {
    if (element) fields.current.set(name, element);
    else fields.current.delete(name);
  };

  function insertMergeTag(text: string) {
    const element = fields.current.get(target);
    if (tab === 'visual' || !element) {
      // The visual editor's text is edited inside its own frame: the tag goes through the clipboard.
      navigator.clipboard.writeText(text).then(
        () => notify('info', `${text} copied: paste it into the text.`),
        () => notify('error', `Copy failed: select and copy ${text} from the list.`),
      );
      return;
    }
    const { value, caret } = insertAt(element.value, element.selectionStart ?? element.value.length, element.selectionEnd ?? element.value.length, text);
    if (target === 'html') editHtml(value);
    else update({ [target]: value });
    requestAnimationFrame(() => {
      element.focus();
      element.setSelectionRange(caret, caret);
    });
  }

  function saveShortcut(event: KeyboardEvent<HTMLDivElement>) {
    if (!(event.ctrlKey || event.metaKey) || event.key.toLowerCase() !== 's') return;
    // The browser would save the page as a file: here, as in other editors, it saves the work.
    event.preventDefault();
    if (canWrite) formRef.current?.requestSubmit();
  }

  const visualSide = tab === 'visual';
  return (
    <>
      <PageHeader
        title={draft.name.trim() || 'Untitled template'}
        description={
          <>
            Version {template.version}
            {dirty ? ' · unsaved changes' : ''}
          </>
        }
        breadcrumb={[{ label: 'Templates', to: '/templates' }]}
        actions={
          <>
            <VersionHistory templateId={template.id} templateName={template.name} versions={versions} current={template.version} canWrite={canWrite} />
            {canWrite && (
              <>
                <SendTestDialog defaultTo={userEmail} contact={contact} unsaved={dirty} />
                <PostForm fetcher={duplicate}>
                  <SubmitButton intent="duplicate" variant="secondary" icon="copy" busy={duplicate.state !== 'idle'}>
                    Duplicate
                  </SubmitButton>
                </PostForm>
                <ConfirmSubmit
                  trigger={{ label: 'Delete', icon: 'trash', variant: 'danger', size: 'md' }}
                  title={`Delete “${template.name}”?`}
                  confirmLabel="Delete template"
                  fields={{ intent: 'delete' }}
                >
                  <p>It moves to Recently deleted, where you can restore it for 30 days.</p>
                </ConfirmSubmit>
                <SubmitButton form={formId} icon="check">
                  Save
                </SubmitButton>
              </>
            )}
          </>
        }
      />
      <UnsavedChangesGuard dirty={dirty} />
      {/* The form holds the details; the content fields join it through their `form` attribute, so
          the search boxes and the visual editor's own inputs beside them never submit it. */}
      <div className="template-editor" onKeyDown={saveShortcut}>
        <PostForm
          ref={formRef}
          id={formId}
          preventScrollReset
          // An edit in the visual editor may still wait for its debounce: into the form before it is read.
          onSubmit={() => flushSync(() => flushVisual.current?.())}
        >
          <input type="hidden" name="intent" value="save" />
          <input type="hidden" name="editor" value={draft.editor} />
          <input type="hidden" name="design" value={draft.editor === 'visual' && draft.design ? JSON.stringify(draft.design) : ''} />
          <fieldset className="fieldset-reset stack" disabled={!canWrite}>
            <FormAlert message={errors?.form} />
            <section className="card template-details" aria-label="Details">
              <TextField
                label="Name"
                name="name"
                required
                maxLength={200}
                value={draft.name}
                onChange={(e) => update({ name: e.currentTarget.value })}
                error={errors?.fields.name}
              />
              <FormField label="Category" error={errors?.fields.category}>
                {(control) => (
                  <Select
                    name="category"
                    value={draft.category}
                    onChange={(e) => update({ category: e.currentTarget.value as TemplateDraft['category'] })}
                    options={TEMPLATE_CATEGORIES.map((c) => ({ value: c, label: CATEGORY_LABELS[c] }))}
                    {...control}
                  />
                )}
              </FormField>
              <TextField
                label="From name (optional)"
                name="from_name"
                maxLength={100}
                hint="Who the email is from, e.g. “Ada at Acme”; the workspace default when empty."
                value={draft.from_name}
                onChange={(e) => update({ from_name: e.currentTarget.value })}
                error={errors?.fields.from_name}
              />
              {INBOX_FIELDS.map((f) => (
                <FormField key={f.name} label={f.label} hint={f.hint} error={errors?.fields[f.name]}>
                  {(control) => (
                    <Input
                      name={f.name}
                      required={f.required}
                      maxLength={1000}
                      value={draft[f.name]}
                      ref={register(f.name)}
                      onFocus={() => setTarget(f.name)}
                      onChange={(e) => update({ [f.name]: e.currentTarget.value })}
                      {...control}
                    />
                  )}
                </FormField>
              ))}
            </section>
          </fieldset>
        </PostForm>
        <div className={visualSide ? 'template-workspace template-workspace--stacked' : 'template-workspace'}>
          <section className="card template-source" aria-label="Content">
            <div className="template-source__toolbar">
              <TabList label="Edit the content as" tabs={SOURCE_TABS} current={tab} onChange={onTabChange} idPrefix={idPrefix} />
              {canWrite && (
                <div className="template-source__help">
                  <MergeTagInserter
                    mergeTags={mergeTags}
                    target={tab === 'visual' ? 'the clipboard (paste it into a text block)' : TARGET_NAMES[target]}
                    onInsert={insertMergeTag}
                  />
                  <SpintaxHelp spintax={mergeTags.spintax} />
                </div>
              )}
            </div>
            <TemplateWarnings unknown={unknown} sanitized={sanitized} />
            <div {...tabPanelProps(idPrefix, 'code', tab)} className="template-source__panel">
              <FormField
                label="HTML"
                error={errors?.fields.html}
                hint={
                  draft.design && template.editor === 'visual'
                    ? 'This template was built in the visual editor: editing the HTML here detaches it, and the visual editor then imports your HTML.'
                    : undefined
                }
              >
                {(control) => (
                  <textarea
                    className="input textarea code-input"
                    name="html"
                    form={formId}
                    readOnly={!canWrite}
                    rows={24}
                    spellCheck={false}
                    autoCapitalize="off"
                    autoComplete="off"
                    wrap="off"
                    value={draft.html}
                    ref={register('html')}
                    onFocus={() => setTarget('html')}
                    onChange={(e) => editHtml(e.currentTarget.value)}
                    {...control}
                  />
                )}
              </FormField>
            </div>
            <div {...tabPanelProps(idPrefix, 'visual', tab)} className="template-source__panel">
              {tab === 'visual' && hydrated && canWrite && (
                <Suspense fallback={<Spinner size="lg" label="Loading the visual editor" />}>
                  <p className="field__hint visual-editor__note">
                    Drag blocks from the panel on the right; select an element to style it. Merge tags and Liquid logic show as typed here, and filled in in the preview.
                    The visual editor works best on a large screen.
                  </p>
                  <VisualEditor
                    design={draft.editor === 'visual' ? draft.design : null}
                    html={draft.html}
                    onChange={(change) => update({ ...change, editor: 'visual' })}
                    flushRef={flushVisual}
                  />
                </Suspense>
              )}
            </div>
            <div {...tabPanelProps(idPrefix, 'text', tab)} className="template-source__panel stack">
              <FormField
                label="Plain-text version (optional)"
                hint="Sent with the HTML for mail apps that show text only. Leave empty to generate it from the HTML."
                error={errors?.fields.text_override}
              >
                {(control) => (
                  <textarea
                    className="input textarea code-input"
                    name="text_override"
                    form={formId}
                    readOnly={!canWrite}
                    rows={12}
                    value={draft.text_override}
                    ref={register('text_override')}
                    onFocus={() => setTarget('text_override')}
                    onChange={(e) => update({ text_override: e.currentTarget.value })}
                    {...control}
                  />
                )}
              </FormField>
              <section aria-label="Plain text as sent">
                <h3 className="settings-card__subtitle">{draft.text_override.trim() ? 'As sent' : 'Generated from the HTML'}</h3>
                <pre className="text-preview" tabIndex={0} data-testid="text-preview">
                  {live.preview?.text ?? template.text}
                </pre>
              </section>
            </div>
          </section>
          <section className="card template-preview" aria-label="Preview">
            <TemplatePreviewPane live={live} title={draft.name || 'the template'} controls={<ContactPicker value={contact} onChange={onContactChange} />} />
          </section>
        </div>
      </div>
    </>
  );
}

/** False in the server render and the first client render; the visual editor exists only in the browser. */
function useHydrated() {
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  return hydrated;
}

/** What the content would lose or leave empty, said next to the editor while there is time to fix it. */
function TemplateWarnings({ unknown, sanitized }: { unknown: string[]; sanitized: string[] }) {
  if (unknown.length === 0 && sanitized.length === 0) return null;
  return (
    <div className="stack stack--tight" data-testid="template-warnings">
      {unknown.length > 0 && (
        <div className="notice notice--warning" role="status">
          <Icon name="alert" />
          <div>
            <p>
              <strong>Unknown merge tags</strong> stay empty when sent:{' '}
              {unknown.map((v, i) => (
                <Fragment key={v}>
                  {i > 0 && ', '}
                  <code>{v}</code>
                </Fragment>
              ))}
              . Check the spelling, or pick one from “Insert a merge tag”.
            </p>
          </div>
        </div>
      )}
      {sanitized.length > 0 && (
        <div className="notice notice--info" role="status">
          <Icon name="shield" />
          <div>
            <p>
              <strong>Changed when saved</strong>, because mail apps block it or it could be unsafe:
            </p>
            <ul>
              {sanitized.map((change) => (
                <li key={change}>{change}</li>
              ))}
            </ul>
          </div>
        </div>
      )}
    </div>
  );
}

/** Asks before leaving the page (a link, or closing the tab) while there are unsaved changes. */
function UnsavedChangesGuard({ dirty }: { dirty: boolean }) {
  const blocker = useBlocker(({ currentLocation, nextLocation }) => dirty && currentLocation.pathname !== nextLocation.pathname);
  useEffect(() => {
    if (!dirty) return;
    const onBeforeUnload = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => window.removeEventListener('beforeunload', onBeforeUnload);
  }, [dirty]);
  return (
    <ConfirmDialog
      open={blocker.state === 'blocked'}
      title="Leave without saving?"
      confirmLabel="Leave and discard changes"
      onConfirm={() => blocker.proceed?.()}
      onCancel={() => blocker.reset?.()}
    >
      <p>Your changes to this template are not saved yet.</p>
    </ConfirmDialog>
  );
}
