import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/cloudflare';
import { useLoaderData } from '@remix-run/react';
import { useState } from 'react';
import { EmptyState } from '~/components/molecules/EmptyState';
import { PageHeader } from '~/components/molecules/PageHeader';
import { ConfirmSubmit } from '~/components/organisms/ConfirmSubmit';
import { ExportContactsDialog, type StartedJob } from '~/components/organisms/ContactBulkActions';
import { contactIdentityColumns } from '~/components/organisms/contact-columns';
import { DataTable, type Column } from '~/components/organisms/DataTable';
import { JobDownload, JobProgress } from '~/components/organisms/JobProgress';
import { SegmentForm } from '~/components/organisms/SegmentForm';
import { userApi } from '~/lib/api.server';
import type { Contact, Page, Segment } from '~/lib/api-types';
import { audience } from '~/lib/audience.server';
import { formAction } from '~/lib/form-action.server';
import { formatDate, plural } from '~/lib/format';
import { useMe } from '~/lib/me';
import { can } from '~/lib/permissions';
import { ApiProblem } from '~/lib/problem';
import { reply } from '~/lib/respond.server';
import { submittedSegment } from '~/lib/segments.server';

// Errors of this page render inside the app layout, so the navigation stays.
export { RouteError as ErrorBoundary } from '~/components/organisms/RouteError';

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.segment.name ?? 'Segment'} · Edgepost` }];

const PREVIEW_SIZE = 10;

const segmentPath = (id: string) => `/v1/segments/${encodeURIComponent(id)}`;

export async function loader(args: LoaderFunctionArgs) {
  const api = userApi(args);
  const path = segmentPath(args.params.id ?? '');
  const [segment, count, preview, lists, tags, fields] = await Promise.all([
    api.get<Segment>(path).catch((error: unknown) => {
      if (error instanceof ApiProblem && error.status === 404) throw new Response('This segment does not exist.', { status: 404 });
      throw error;
    }),
    api.get<{ count: number }>(`${path}/count`),
    api.get<Page<Contact>>(`${path}/contacts`, { limit: PREVIEW_SIZE }),
    audience.lists(api),
    audience.tags(api),
    audience.fields(api),
  ]);
  return reply(args, { segment, count: count.count, preview: preview.data, lists, tags, fields });
}

export async function action(args: ActionFunctionArgs) {
  const api = userApi(args);
  const path = segmentPath(args.params.id ?? '');
  return formAction(args, async (form, intent) => {
    switch (intent) {
      case 'save': {
        const segment = await api.patch<Segment>(path, submittedSegment(form));
        return { toast: `Segment “${segment.name}” saved.` };
      }
      case 'delete':
        await api.delete(path);
        return { toast: 'Segment deleted. Its contacts are untouched.', redirectTo: '/segments' };
      default:
        throw new Response(`Unknown intent ${intent}`, { status: 400 });
    }
  });
}

const previewColumns: Column<Contact>[] = [
  ...contactIdentityColumns,
  { id: 'created', header: 'Created', cell: (c) => formatDate(c.created_at) },
];

export default function SegmentDetail() {
  const { segment, count, preview, lists, tags, fields } = useLoaderData<typeof loader>();
  const canWrite = can(useMe(), 'contacts:write');
  const [exportJob, setExportJob] = useState<StartedJob | null>(null);
  return (
    <>
      <PageHeader
        title={segment.name}
        description={segment.description ?? `${plural(count, 'contact')} match right now.`}
        breadcrumb={[
          { label: 'Audience', to: '/contacts' },
          { label: 'Segments', to: '/segments' },
        ]}
        actions={
          <>
            <ExportContactsDialog choices={[{ label: `This segment (${plural(count, 'contact')})`, selection: { segment_id: segment.id } }]} onJob={setExportJob} />
            {canWrite && (
              <ConfirmSubmit trigger={{ label: 'Delete', icon: 'trash', variant: 'danger', size: 'md' }} title={`Delete the segment “${segment.name}”?`} confirmLabel="Delete segment" fields={{ intent: 'delete' }}>
                <p>Only the saved conditions go; no contact is changed or deleted.</p>
              </ConfirmSubmit>
            )}
          </>
        }
      />
      {exportJob && (
        <JobProgress key={exportJob.jobId} jobId={exportJob.jobId} label={exportJob.label} unit="contacts" details={(job) => <JobDownload job={job} label="Download CSV" />} />
      )}
      {/* Remounted after each save, so the builder starts from the rules as stored. */}
      <SegmentForm key={segment.updated_at ?? segment.created_at} segment={segment} lists={lists} tags={tags} customFields={fields} canWrite={canWrite} />
      <section className="section" aria-labelledby="preview-title">
        <h2 id="preview-title" className="section__title">
          Preview: {count === 0 ? 'no contacts match' : `the newest ${Math.min(count, PREVIEW_SIZE)} of ${plural(count, 'contact')}`}
        </h2>
        <DataTable
          label="Contacts in this segment"
          rows={preview}
          columns={previewColumns}
          rowId={(c) => c.id}
          rowLabel={(c) => c.email}
          empty={<EmptyState icon="layers" title="No contacts match yet" description="Loosen the conditions, or wait for contacts that fit them." />}
        />
      </section>
    </>
  );
}
