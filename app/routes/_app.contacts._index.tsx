import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/cloudflare';
import { Form, Link, useLoaderData, useRevalidator } from '@remix-run/react';
import { useState } from 'react';
import { Badge } from '~/components/atoms/Badge';
import { Checkbox } from '~/components/atoms/Checkbox';
import { Input } from '~/components/atoms/Input';
import { Select } from '~/components/atoms/Select';
import { STATUS_LABELS } from '~/components/molecules/ContactStatusBadge';
import { EmptyState } from '~/components/molecules/EmptyState';
import { CursorPager } from '~/components/molecules/CursorPager';
import { FormAlert } from '~/components/molecules/FormAlert';
import { FormField, TextField } from '~/components/molecules/FormField';
import { PageHeader } from '~/components/molecules/PageHeader';
import { SubmitButton } from '~/components/molecules/SubmitButton';
import { TagField } from '~/components/molecules/TagField';
import { ContactBulkActions, ExportContactsDialog, type ExportChoice, type StartedJob } from '~/components/organisms/ContactBulkActions';
import { contactIdentityColumns } from '~/components/organisms/contact-columns';
import { DataTable, type Column } from '~/components/organisms/DataTable';
import { FormDialog } from '~/components/organisms/FormDialog';
import { JobDownload, JobProgress } from '~/components/organisms/JobProgress';
import { userApi } from '~/lib/api.server';
import { CONTACT_STATUSES, type BulkAction, type BulkOutcome, type Contact, type ContactList, type CustomField, type Job, type Page, type Tag } from '~/lib/api-types';
import { audience } from '~/lib/audience.server';
import { contactFiltersOf, contactsQuery, contactsSearch, isFiltered, selectionFilter, selectionFromForm, type ContactListFilters } from '~/lib/contact-filters';
import { parseTags } from '~/lib/contacts';
import { field, formAction } from '~/lib/form-action.server';
import { formatDate, plural } from '~/lib/format';
import { useMe } from '~/lib/me';
import { can } from '~/lib/permissions';
import { ApiProblem, type FormErrors } from '~/lib/problem';
import { reply } from '~/lib/respond.server';
import { valueFilterGroups } from '~/lib/segment-rules';

// Errors of this page render inside the app layout, so the navigation stays.
export { RouteError as ErrorBoundary } from '~/components/organisms/RouteError';

export const meta: MetaFunction = () => [{ title: 'Contacts · Edgepost' }];

const PAGE_SIZE = 50;
/** The consent record of a contact added by hand: the person adding them vouches for it. */
const MANUAL_CONSENT_SOURCE = 'dashboard';

export async function loader(args: LoaderFunctionArgs) {
  const filters = contactFiltersOf(new URL(args.request.url));
  const api = userApi(args);
  const [lists, tags, segments, fields] = await Promise.all([audience.lists(api), audience.tags(api), audience.segments(api), audience.fields(api)]);
  const options = { lists, tags, segments: segments.map((s) => ({ id: s.id, name: s.name })), fields: fields.map((f) => ({ key: f.key, label: f.label })) };
  try {
    const page = await api.get<Page<Contact>>('/v1/contacts', contactsQuery(filters, PAGE_SIZE));
    return reply(args, { filters, contacts: page.data, nextCursor: page.next_cursor, error: null, ...options });
  } catch (error) {
    // A filter the API refuses is the user's to fix, not an error page.
    if (!(error instanceof ApiProblem) || error.status !== 400) throw error;
    const reason = error.fieldErrors.map((e) => `${e.field}: ${e.message}`).join('; ') || error.detail;
    return reply(args, { filters, contacts: [] as Contact[], nextCursor: null, error: reason, ...options });
  }
}

const BULK_DONE: Record<BulkAction, (n: string, tag: string) => string> = {
  tag: (n, tag) => `Tagged ${n} with “${tag}”.`,
  untag: (n, tag) => `Removed “${tag}” from ${n}.`,
  list_add: (n) => `Added ${n} to the list.`,
  list_remove: (n) => `Removed ${n} from the list.`,
  unsubscribe: (n) => `Unsubscribed ${n}.`,
  reactivate: (n) => `Reactivated ${n}: campaigns reach them again.`,
  delete: (n) => `Deleted ${n}. Restore them from Recently deleted within 30 days.`,
};

export async function action(args: ActionFunctionArgs) {
  const api = userApi(args);
  return formAction<StartedJob>(args, async (form, intent) => {
    switch (intent) {
      case 'create': {
        const contact = await api.post<Contact>('/v1/contacts', {
          email: field(form, 'email'),
          first_name: field(form, 'first_name') || undefined,
          last_name: field(form, 'last_name') || undefined,
          tags: parseTags(field(form, 'tags')),
          consent: form.get('consent') === 'on' ? { source: MANUAL_CONSENT_SOURCE, at: new Date().toISOString() } : undefined,
        });
        const listId = field(form, 'list_id');
        if (listId) await api.post(`/v1/lists/${encodeURIComponent(listId)}/members`, { contact_ids: [contact.id] });
        return { toast: `${contact.email} added.`, redirectTo: `/contacts/${encodeURIComponent(contact.id)}` };
      }
      case 'restore': {
        const contact = await api.post<Contact>(`/v1/contacts/${encodeURIComponent(field(form, 'id'))}/restore`);
        return { toast: `${contact.email} restored.` };
      }
      case 'bulk': {
        const action = field(form, 'action') as BulkAction;
        const selection = selectionFromForm(form);
        if (!selection) throw new Response('Choose the contacts first.', { status: 400 });
        const tag = field(form, 'tag');
        const outcome = await api.post<BulkOutcome>('/v1/contacts/bulk', { action, tag: tag || undefined, list_id: field(form, 'list_id') || undefined, selection });
        if ('affected' in outcome) return { toast: BULK_DONE[action](plural(outcome.affected, 'contact'), tag) };
        return { toast: 'That is a large selection: it runs in the background.', data: { jobId: outcome.id, label: 'Bulk action', kind: 'bulk' } };
      }
      case 'export': {
        const selection = selectionFromForm(form);
        const job = await api.post<Job>('/v1/contacts/export', selection ? { selection } : {});
        return { toast: 'Export started.', data: { jobId: job.id, label: 'Contacts export', kind: 'export' } };
      }
      default:
        throw new Response(`Unknown intent ${intent}`, { status: 400 });
    }
  });
}

export default function Contacts() {
  const { filters, contacts, nextCursor, error, lists, tags, segments, fields } = useLoaderData<typeof loader>();
  const me = useMe();
  const canWrite = can(me, 'contacts:write');
  const [jobs, setJobs] = useState<StartedJob[]>([]);
  const revalidator = useRevalidator();
  const filtered = isFiltered(filters);
  const addJob = (job: StartedJob) => setJobs((all) => [job, ...all.filter((j) => j.jobId !== job.jobId)]);

  const listName = new Map(lists.map((l) => [l.id, l.name]));
  const columns: Column<Contact>[] = filters.deleted ? deletedColumns(canWrite) : liveColumns;
  const matching = selectionFilter(filters);
  // What the list shows first: the current filter, when the API can express it.
  const exportChoices: ExportChoice[] = [
    ...(filtered && matching ? [{ label: 'Contacts matching the current filter', selection: { filter: matching } }] : []),
    { label: 'All contacts', selection: null },
  ];

  const addButton = canWrite ? <AddContactDialog lists={lists} tags={tags} /> : null;
  const importLink = canWrite ? (
    <Link to="/contacts/import" className="btn btn--secondary btn--md">
      Import contacts
    </Link>
  ) : null;

  return (
    <>
      <PageHeader
        title="Contacts"
        description="Everyone you can email, with their consent, tags and lists."
        breadcrumb={[{ label: 'Audience', to: '/contacts' }]}
        actions={
          <>
            {!filters.deleted && contacts.length > 0 && <ExportContactsDialog choices={exportChoices} segments={segments} onJob={addJob} />}
            <Link to="/settings/fields" className="btn btn--ghost btn--md">
              Custom fields
            </Link>
            {importLink}
            {addButton}
          </>
        }
      />
      <nav className="tabs" aria-label="Contact views">
        <Link to="/contacts" className="tabs__tab" aria-current={filters.deleted ? undefined : 'page'}>
          All contacts
        </Link>
        <Link to="/contacts?deleted=true" className="tabs__tab" aria-current={filters.deleted ? 'page' : undefined}>
          Recently deleted
        </Link>
      </nav>
      <ContactFilters filters={filters} lists={lists} tags={tags} fields={fields} />
      <FormAlert message={error ?? undefined} />
      {jobs.map((job) => (
        <JobProgress
          key={job.jobId}
          jobId={job.jobId}
          label={job.label}
          unit="contacts"
          onFinished={() => revalidator.revalidate()}
          details={(j) =>
            job.kind === 'export' ? (
              <JobDownload job={j} label="Download CSV" />
            ) : typeof j.result?.affected === 'number' ? (
              <p>{plural(j.result.affected, 'contact')} changed.</p>
            ) : null
          }
        />
      ))}
      <DataTable
        label="Contacts"
        rows={contacts}
        columns={columns}
        rowId={(c) => c.id}
        rowLabel={(c) => c.email}
        bulkActions={
          canWrite && !filters.deleted
            ? (selected, allMatching) => (
                <ContactBulkActions
                  selection={allMatching && matching ? { filter: matching } : { ids: selected.map((c) => c.id) }}
                  subject={allMatching ? (filtered ? 'all contacts matching the filter' : 'all contacts') : plural(selected.length, 'contact')}
                  lists={lists}
                  tags={tags}
                  onJob={addJob}
                />
              )
            : undefined
        }
        selectAllMatching={
          nextCursor || filters.cursor
            ? {
                label: filtered ? 'Select all contacts matching the filter' : 'Select all contacts',
                selected: filtered ? 'All contacts matching the filter are selected' : 'All contacts are selected',
                unavailable: matching ? null : 'Clear the creation dates to act on every matching contact.',
              }
            : undefined
        }
        empty={
          filters.deleted ? (
            <EmptyState icon="trash" title="Nothing deleted recently" description="Deleted contacts stay here for 30 days, so you can restore them." />
          ) : filtered ? (
            <EmptyState
              icon="search"
              title="No contacts match"
              description="Try another search or fewer filters."
              action={
                <Link to="/contacts" className="btn btn--secondary btn--md">
                  Clear filters
                </Link>
              }
            />
          ) : (
            <EmptyState
              icon="book"
              title="No contacts yet"
              description={canWrite ? 'Import a CSV or Excel file, or add your first contact by hand.' : 'Ask an editor to import your contacts.'}
              action={
                canWrite && (
                  <div className="row">
                    {importLink}
                    {addButton}
                  </div>
                )
              }
            />
          )
        }
        footer={
          <CursorPager
            label="Contact pages"
            firstUrl={filters.cursor ? `/contacts${contactsSearch(filters, { cursor: '' })}` : null}
            nextUrl={nextCursor ? `/contacts${contactsSearch(filters, { cursor: nextCursor })}` : null}
          />
        }
      />
      {filters.list && listName.has(filters.list) && (
        <p className="text-muted filter-note">
          Showing subscribers of <strong>{listName.get(filters.list)}</strong>.
        </p>
      )}
    </>
  );
}

const liveColumns: Column<Contact>[] = [
  ...contactIdentityColumns,
  {
    id: 'consent',
    header: 'Consent',
    cell: (c) =>
      c.consent ? (
        <div className="cell-person">
          <span>{c.consent.source}</span>
          <span className="text-muted cell-nowrap">{formatDate(c.consent.at)}</span>
        </div>
      ) : (
        <span className="text-muted">None recorded</span>
      ),
  },
  { id: 'tags', header: 'Tags', cell: (c) => <TagList tags={c.tags} /> },
  { id: 'created', header: 'Created', cell: (c) => <span className="cell-nowrap">{formatDate(c.created_at)}</span> },
];

function deletedColumns(canWrite: boolean): Column<Contact>[] {
  return [
    { id: 'email', header: 'Contact', cell: (c) => <strong>{c.email}</strong> },
    { id: 'deleted', header: 'Deleted', cell: (c) => (c.deleted_at ? formatDate(c.deleted_at) : '—') },
    { id: 'purge', header: 'Removed for good on', cell: (c) => (c.purge_after ? formatDate(c.purge_after) : '—') },
    ...(canWrite
      ? [
          {
            id: 'actions',
            header: 'Actions',
            numeric: true,
            cell: (c: Contact) => (
              <FormDialog trigger={{ label: 'Restore', icon: 'undo', variant: 'secondary', size: 'sm' }} title={`Restore ${c.email}?`} intent="restore" submitLabel="Restore contact">
                {() => (
                  <>
                    <input type="hidden" name="id" value={c.id} />
                    <p>The contact comes back with its tags, lists and history.</p>
                  </>
                )}
              </FormDialog>
            ),
          },
        ]
      : []),
  ];
}

function TagList({ tags }: { tags: string[] }) {
  if (tags.length === 0) return <span className="text-muted">—</span>;
  const shown = tags.slice(0, 3);
  return (
    <span className="tag-list">
      {shown.map((tag) => (
        <Badge key={tag} tone="info">
          {tag}
        </Badge>
      ))}
      {tags.length > shown.length && <span className="text-muted">+{tags.length - shown.length}</span>}
    </span>
  );
}

function ContactFilters({ filters, lists, tags, fields }: { filters: ContactListFilters; lists: ContactList[]; tags: Tag[]; fields: Pick<CustomField, 'key' | 'label'>[] }) {
  return (
    <Form method="get" className="filters" aria-label="Search and filter contacts">
      {filters.deleted && <input type="hidden" name="deleted" value="true" />}
      <TextField label="Search" name="q" type="search" defaultValue={filters.q} placeholder="Email or name starts with…" />
      <FormField label="Status">
        {(control) => (
          <Select name="status" defaultValue={filters.status} options={[{ value: '', label: 'Any status' }, ...CONTACT_STATUSES.map((s) => ({ value: s, label: STATUS_LABELS[s] }))]} {...control} />
        )}
      </FormField>
      <FormField label="Tag">
        {(control) => <Select name="tag" defaultValue={filters.tag} options={[{ value: '', label: 'Any tag' }, ...tags.map((t) => ({ value: t.name, label: t.name }))]} {...control} />}
      </FormField>
      <FormField label="List">
        {(control) => <Select name="list" defaultValue={filters.list} options={[{ value: '', label: 'Any list' }, ...lists.map((l) => ({ value: l.id, label: l.name }))]} {...control} />}
      </FormField>
      <FormField label="Field">{(control) => <Select name="field" defaultValue={filters.field} groups={valueFilterGroups(fields)} {...control} />}</FormField>
      <TextField label="Field value" name="value" defaultValue={filters.value} placeholder="Empty: has no value" />
      <FormField label="Created from">{(control) => <Input type="date" name="from" defaultValue={filters.from} {...control} />}</FormField>
      <FormField label="Created until">{(control) => <Input type="date" name="to" defaultValue={filters.to} {...control} />}</FormField>
      <div className="filters__actions">
        <SubmitButton variant="secondary">Apply</SubmitButton>
        {isFiltered(filters) && (
          <Link to={filters.deleted ? '/contacts?deleted=true' : '/contacts'} className="btn btn--ghost btn--md">
            Clear
          </Link>
        )}
      </div>
    </Form>
  );
}

function AddContactDialog({ lists, tags }: { lists: ContactList[]; tags: Tag[] }) {
  return (
    <FormDialog trigger={{ label: 'Add contact', icon: 'plus' }} title="Add a contact" intent="create" submitLabel="Add contact">
      {(errors) => <AddContactFields errors={errors} lists={lists} tags={tags} />}
    </FormDialog>
  );
}

function AddContactFields({ errors, lists, tags }: { errors: FormErrors | undefined; lists: ContactList[]; tags: Tag[] }) {
  const [email, setEmail] = useState('');
  const suggestion = errors?.suggestion?.field === 'email' && errors.suggestion.value !== email ? errors.suggestion.value : null;
  return (
    <>
      <div className="stack stack--tight">
        <TextField label="Email" name="email" type="email" required autoComplete="off" value={email} onChange={(e) => setEmail(e.currentTarget.value)} error={errors?.fields.email} />
        {suggestion && (
          <p className="field__suggestion">
            Did you mean{' '}
            <button type="button" className="link-button" onClick={() => setEmail(suggestion)}>
              {suggestion}
            </button>
            ?
          </p>
        )}
      </div>
      <div className="form-grid">
        <TextField label="First name" name="first_name" maxLength={100} error={errors?.fields.first_name} />
        <TextField label="Last name" name="last_name" maxLength={100} error={errors?.fields.last_name} />
      </div>
      <TagField label="Tags (optional)" name="tags" tags={tags} multiple hint="Separate several with commas." error={errors?.fields.tags} />
      {lists.length > 0 && (
        <FormField label="Add to list (optional)" error={errors?.fields.list_id}>
          {(control) => <Select name="list_id" options={[{ value: '', label: 'No list' }, ...lists.map((l) => ({ value: l.id, label: l.name }))]} {...control} />}
        </FormField>
      )}
      <Checkbox name="consent" label="They agreed to receive email from us (recorded as consent, source “dashboard”)" />
    </>
  );
}
