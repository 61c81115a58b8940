import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/cloudflare';
import { Link, useFetcher, useLoaderData } from '@remix-run/react';
import { useEffect, useId, useRef, useState, type ReactNode, type RefObject } from 'react';
import { Button } from '~/components/atoms/Button';
import { Checkbox } from '~/components/atoms/Checkbox';
import { Icon } from '~/components/atoms/Icon';
import { Select } from '~/components/atoms/Select';
import { FileDrop } from '~/components/molecules/FileDrop';
import { FormAlert } from '~/components/molecules/FormAlert';
import { TextField } from '~/components/molecules/FormField';
import { PageHeader } from '~/components/molecules/PageHeader';
import { PostForm } from '~/components/molecules/PostForm';
import { SubmitButton } from '~/components/molecules/SubmitButton';
import { TagField } from '~/components/molecules/TagField';
import { JobProgress } from '~/components/organisms/JobProgress';
import { useToast } from '~/components/organisms/ToastProvider';
import type { ActionResult } from '~/lib/action-result';
import { userApi } from '~/lib/api.server';
import type { ImportResult, ImportUpload, Job } from '~/lib/api-types';
import { audience } from '~/lib/audience.server';
import { parseTags } from '~/lib/contacts';
import { CSRF_HEADER } from '~/lib/csrf';
import { field, formAction } from '~/lib/form-action.server';
import { formatBytes, plural } from '~/lib/format';
import { initialMapping, mappingFieldName, mappingFromForm, mappingProblems, mappingTargets } from '~/lib/import-mapping';
import { reply } from '~/lib/respond.server';
import { useRootData } from '~/lib/root-data';
import type { UploadAnswer } from './contacts.import.upload';

// Errors of this page render inside the app layout, so the navigation stays.
export { RouteError as ErrorBoundary } from '~/components/organisms/RouteError';

export const meta: MetaFunction = () => [{ title: 'Import contacts · Edgepost' }];

/** The API's limit (worker/domain/import-files.ts); checked here first to save a long upload. */
const MAX_BYTES = 50 * 1024 * 1024;
const ACCEPT = '.csv,.tsv,.txt,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const DEFAULT_CONSENT_SOURCE = 'import';

export async function loader(args: LoaderFunctionArgs) {
  const api = userApi(args);
  const [fields, lists, tags] = await Promise.all([audience.fields(api), audience.lists(api), audience.tags(api)]);
  return reply(args, { fields, lists, tags });
}

export async function action(args: ActionFunctionArgs) {
  const api = userApi(args);
  return formAction<{ jobId: string }>(args, async (form, intent) => {
    if (intent !== 'start') throw new Response(`Unknown intent ${intent}`, { status: 400 });
    const headers = columnHeaders(field(form, 'headers'));
    const job = await api.post<Job>('/v1/contacts/import', {
      upload_id: field(form, 'upload_id'),
      mapping: mappingFromForm(form, headers),
      existing: field(form, 'existing') === 'update' ? 'update' : 'skip',
      tags: parseTags(field(form, 'tags')),
      list_ids: form.getAll('list_ids').map(String),
      consent_source: field(form, 'consent_source') || undefined,
    });
    return { toast: 'Import started.', data: { jobId: job.id } };
  });
}

/** The file's headers, which the wizard posts back so the mapping can name them. */
function columnHeaders(posted: string): string[] {
  try {
    const headers: unknown = JSON.parse(posted);
    if (Array.isArray(headers)) return headers.map(String);
  } catch {
    // Falls through to the refusal below.
  }
  throw new Response('The column list is missing. Upload the file again.', { status: 400 });
}

type Step = 'upload' | 'mapping' | 'options' | 'progress';
const STEPS: { id: Step; label: string }[] = [
  { id: 'upload', label: 'Upload' },
  { id: 'mapping', label: 'Columns' },
  { id: 'options', label: 'Options' },
  { id: 'progress', label: 'Import' },
];

export default function ImportContacts() {
  const [upload, setUpload] = useState<ImportUpload | null>(null);
  const [step, setStep] = useState<Step>('upload');
  const start = useFetcher<ActionResult<{ jobId: string }>>();
  const jobId = start.data?.ok ? start.data.data?.jobId : undefined;
  const current = jobId ? 'progress' : step;
  const headingRef = useRef<HTMLHeadingElement>(null);

  // Each step starts at its heading, so keyboard and screen reader users land on what changed.
  const firstRender = useRef(true);
  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    headingRef.current?.focus();
  }, [current]);

  return (
    <>
      <PageHeader
        title="Import contacts"
        description="From a CSV or Excel file: check how its columns map to contact fields, choose what happens to existing contacts, and follow the import as it runs."
        breadcrumb={[
          { label: 'Audience', to: '/contacts' },
          { label: 'Contacts', to: '/contacts' },
        ]}
      />
      <ol className="steps" aria-label="Import steps">
        {STEPS.map((s, index) => (
          <li key={s.id} className="steps__step" aria-current={s.id === current ? 'step' : undefined}>
            <span className="steps__number" aria-hidden="true">
              {index + 1}
            </span>
            <span>{s.label}</span>
          </li>
        ))}
      </ol>
      {current === 'upload' && (
        <UploadStep
          headingRef={headingRef}
          onUploaded={(next) => {
            setUpload(next);
            setStep('mapping');
          }}
        />
      )}
      {upload && (current === 'mapping' || current === 'options') && (
        <PostForm fetcher={start} className="stack" preventScrollReset>
          <input type="hidden" name="upload_id" value={upload.upload_id} />
          <input type="hidden" name="headers" value={JSON.stringify(upload.headers)} />
          {/* Both steps stay in the form, so their fields are sent together; only the current one shows. */}
          <MappingStep upload={upload} hidden={current !== 'mapping'} headingRef={current === 'mapping' ? headingRef : undefined} onBack={() => setStep('upload')} onNext={() => setStep('options')} />
          <OptionsStep hidden={current !== 'options'} headingRef={current === 'options' ? headingRef : undefined} onBack={() => setStep('mapping')} busy={start.state !== 'idle'} error={start.data && !start.data.ok ? start.data.errors : undefined} />
        </PostForm>
      )}
      {current === 'progress' && jobId && upload && <ProgressStep jobId={jobId} upload={upload} headingRef={headingRef} />}
    </>
  );
}

interface StepProps {
  headingRef?: RefObject<HTMLHeadingElement>;
}

function StepCard({ title, headingRef, hidden, children }: StepProps & { title: string; hidden?: boolean; children: ReactNode }) {
  const id = useId();
  return (
    <section className="card settings-card" aria-labelledby={id} hidden={hidden}>
      <h2 id={id} className="section__title" ref={headingRef} tabIndex={-1}>
        {title}
      </h2>
      {children}
    </section>
  );
}

function UploadStep({ headingRef, onUploaded }: StepProps & { onUploaded: (upload: ImportUpload) => void }) {
  const { csrfToken } = useRootData();
  const notify = useToast();
  const [file, setFile] = useState<File | null>(null);
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  async function send() {
    if (!file) return setError('Choose a file first.');
    if (file.size > MAX_BYTES) return setError(`The file is ${formatBytes(file.size)}; the limit is ${formatBytes(MAX_BYTES)}. Split it into smaller files.`);
    setBusy(true);
    setError(undefined);
    const body = new FormData();
    body.set('file', file);
    try {
      const response = await fetch('/contacts/import/upload', { method: 'POST', body, headers: { [CSRF_HEADER]: csrfToken } });
      const answer = (await response.json().catch(() => null)) as UploadAnswer | null;
      if (!answer) throw new Error('Your session may have ended. Reload the page and try again.');
      if (!answer.ok) throw new Error(answer.error);
      notify('success', `${answer.upload.filename} uploaded: ${plural(answer.upload.headers.length, 'column')} found.`);
      onUploaded(answer.upload);
    } catch (failure) {
      const message = failure instanceof Error && failure.message !== 'Failed to fetch' ? failure.message : 'The upload failed. Check your connection and try again.';
      setError(message);
      notify('error', message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <StepCard title="1. Choose the file" headingRef={headingRef}>
      <p className="text-muted">
        The first row must name the columns, and one column must hold email addresses. CSV (comma, semicolon or tab separated) or Excel (.xlsx, first sheet), up
        to {formatBytes(MAX_BYTES)}.
      </p>
      <FileDrop
        label="Choose a CSV or Excel file"
        accept={ACCEPT}
        file={file}
        onFile={(chosen) => {
          setFile(chosen);
          setError(undefined);
        }}
        error={error}
      />
      <div className="settings-actions">
        <Button variant="primary" icon="upload" loading={busy} disabled={!file} onClick={send}>
          Upload and continue
        </Button>
      </div>
    </StepCard>
  );
}

function MappingStep({ upload, hidden, headingRef, onBack, onNext }: StepProps & { upload: ImportUpload; hidden: boolean; onBack: () => void; onNext: () => void }) {
  const { fields } = useLoaderData<typeof loader>();
  const targets = mappingTargets(fields);
  const [mapping, setMapping] = useState(() => initialMapping(upload.headers, upload.suggested_mapping, targets));
  const problems = mappingProblems(mapping, targets);
  const [tried, setTried] = useState(false);
  const sample = (column: number) =>
    upload.sample_rows
      .map((row) => row[column] ?? '')
      .filter(Boolean)
      .slice(0, 3)
      .join(', ');

  return (
    <StepCard title="2. Match the columns" headingRef={headingRef} hidden={hidden}>
      <p className="text-muted">
        <strong>{upload.filename}</strong> ({formatBytes(upload.bytes)}, {upload.format.toUpperCase()}
        {upload.rows_estimate !== null ? `, about ${plural(upload.rows_estimate, 'row')}` : ''}). We guessed the field of each column; change what is wrong, and
        leave columns you do not need on “Do not import”.
      </p>
      <div className="data-table__scroll" role="region" aria-label="Column mapping" tabIndex={0}>
        <table className="table">
          <caption className="visually-hidden">Column mapping</caption>
          <thead>
            <tr>
              <th scope="col">Column in the file</th>
              <th scope="col">First values</th>
              <th scope="col">Import as</th>
            </tr>
          </thead>
          <tbody>
            {upload.headers.map((header, column) => (
              <tr key={column}>
                <th scope="row" className="mapping__header">
                  {header || <span className="text-muted">(no name)</span>}
                </th>
                <td className="text-muted mapping__sample">{sample(column) || '—'}</td>
                <td>
                  <Select
                    name={mappingFieldName(column)}
                    aria-label={`Import the column ${header || column + 1} as`}
                    value={mapping[column]}
                    onChange={(event) => {
                      const value = event.currentTarget.value;
                      setMapping((all) => all.map((v, i) => (i === column ? value : v)));
                    }}
                    options={targets}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Preview upload={upload} />
      {tried && problems.length > 0 && (
        <div className="form-alert" role="alert">
          <Icon name="alert" />
          <ul className="plain-list">
            {problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        </div>
      )}
      <div className="settings-actions row">
        <Button onClick={onBack}>Choose another file</Button>
        <Button
          variant="primary"
          onClick={() => {
            setTried(true);
            if (problems.length === 0) onNext();
          }}
        >
          Continue
        </Button>
      </div>
    </StepCard>
  );
}

function Preview({ upload }: { upload: ImportUpload }) {
  if (upload.sample_rows.length === 0) return <p className="text-muted">The file has no data rows below its header row.</p>;
  return (
    <details className="preview">
      <summary>
        <Icon name="chevron-right" />
        Preview the first {plural(upload.sample_rows.length, 'row')}
      </summary>
      <div className="data-table__scroll" role="region" aria-label="First rows of the file" tabIndex={0}>
        <table className="table table--compact">
          <caption className="visually-hidden">First rows of the file</caption>
          <thead>
            <tr>
              {upload.headers.map((header, column) => (
                <th key={column} scope="col">
                  {header}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {upload.sample_rows.map((row, index) => (
              <tr key={index}>
                {upload.headers.map((_, column) => (
                  <td key={column}>{row[column] ?? ''}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}

function OptionsStep({ hidden, headingRef, onBack, busy, error }: StepProps & { hidden: boolean; onBack: () => void; busy: boolean; error?: { form?: string; fields: Record<string, string> } }) {
  const { lists, tags } = useLoaderData<typeof loader>();
  return (
    <StepCard title="3. Choose the options" headingRef={headingRef} hidden={hidden}>
      <FormAlert message={error?.form ?? Object.values(error?.fields ?? {})[0]} />
      <fieldset className="fieldset">
        <legend className="field__label">Addresses that are contacts already</legend>
        <label className="checkbox">
          <input type="radio" name="existing" value="skip" defaultChecked />
          <span>Skip them: leave those contacts as they are</span>
        </label>
        <label className="checkbox">
          <input type="radio" name="existing" value="update" />
          <span>Update them with the values in the file (their subscription status never changes)</span>
        </label>
      </fieldset>
      <TagField label="Tag every imported contact (optional)" name="tags" tags={tags} multiple hint="Separate several tags with commas. A tags column in the file adds its own." />
      {lists.length > 0 && (
        <fieldset className="fieldset">
          <legend className="field__label">Add them to lists (optional)</legend>
          <div className="scope-grid">
            {lists.map((list) => (
              <Checkbox key={list.id} name="list_ids" value={list.id} label={list.name} />
            ))}
          </div>
        </fieldset>
      )}
      <TextField
        label="Consent source"
        name="consent_source"
        maxLength={100}
        defaultValue={DEFAULT_CONSENT_SOURCE}
        hint="Recorded as how new contacts agreed to your email, e.g. “webinar sign-up sheet 2026”. Import only people who agreed."
      />
      <div className="settings-actions row">
        <Button onClick={onBack}>Back to the columns</Button>
        <SubmitButton intent="start" icon="upload" busy={busy}>
          Start the import
        </SubmitButton>
      </div>
    </StepCard>
  );
}

const COUNTERS: { key: keyof Omit<ImportResult, 'error_report_url' | 'rows'>; label: string }[] = [
  { key: 'created', label: 'Created' },
  { key: 'updated', label: 'Updated' },
  { key: 'skipped', label: 'Skipped' },
  { key: 'invalid', label: 'Invalid' },
  { key: 'duplicates', label: 'Duplicates in the file' },
  { key: 'suppressed', label: 'Suppressed' },
];

function ProgressStep({ jobId, upload, headingRef }: StepProps & { jobId: string; upload: ImportUpload }) {
  return (
    <div className="stack">
      <h2 className="visually-hidden" ref={headingRef} tabIndex={-1}>
        4. Import
      </h2>
      <JobProgress jobId={jobId} label={`Importing ${upload.filename}`} unit="rows" details={(job) => <ImportCounters job={job} />} />
    </div>
  );
}

function ImportCounters({ job }: { job: Job }) {
  const result = (job.result ?? {}) as Partial<ImportResult>;
  const done = job.status === 'succeeded';
  return (
    <>
      <dl className="counters" aria-label="Import results">
        {COUNTERS.map(({ key, label }) => (
          <div key={key} className="counters__item" data-counter={key}>
            <dt>{label}</dt>
            <dd>{(result[key] ?? 0).toLocaleString('en')}</dd>
          </div>
        ))}
      </dl>
      {done && (
        <div className="row">
          <Link to="/contacts" className="btn btn--primary btn--md">
            See the contacts
          </Link>
          {result.error_report_url && (
            <a className="btn btn--secondary btn--md" href={result.error_report_url} download>
              <Icon name="download" />
              <span>Download the error report (CSV)</span>
            </a>
          )}
          <Link to="/contacts/import" reloadDocument className="btn btn--ghost btn--md">
            Import another file
          </Link>
        </div>
      )}
    </>
  );
}
