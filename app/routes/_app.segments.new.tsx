import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/cloudflare';
import { useLoaderData } from '@remix-run/react';
import { PageHeader } from '~/components/molecules/PageHeader';
import { SegmentForm } from '~/components/organisms/SegmentForm';
import { userApi } from '~/lib/api.server';
import type { Segment } from '~/lib/api-types';
import { audience } from '~/lib/audience.server';
import { formAction } from '~/lib/form-action.server';
import { useMe } from '~/lib/me';
import { can } from '~/lib/permissions';
import { reply } from '~/lib/respond.server';
import { submittedSegment } from '~/lib/segments.server';

// Errors of this page render inside the app layout, so the navigation stays.
export { RouteError as ErrorBoundary } from '~/components/organisms/RouteError';

export const meta: MetaFunction = () => [{ title: 'New segment · Edgepost' }];

export async function loader(args: LoaderFunctionArgs) {
  const api = userApi(args);
  const [lists, tags, fields] = await Promise.all([audience.lists(api), audience.tags(api), audience.fields(api)]);
  return reply(args, { lists, tags, fields });
}

export async function action(args: ActionFunctionArgs) {
  const api = userApi(args);
  return formAction(args, async (form, intent) => {
    if (intent !== 'save') throw new Response(`Unknown intent ${intent}`, { status: 400 });
    const segment = await api.post<Segment>('/v1/segments', submittedSegment(form));
    return { toast: `Segment “${segment.name}” created.`, redirectTo: `/segments/${encodeURIComponent(segment.id)}` };
  });
}

export default function NewSegment() {
  const { lists, tags, fields } = useLoaderData<typeof loader>();
  return (
    <>
      <PageHeader
        title="New segment"
        description="A segment is a saved audience: the contacts that match its conditions at the moment you use it."
        breadcrumb={[
          { label: 'Audience', to: '/contacts' },
          { label: 'Segments', to: '/segments' },
        ]}
      />
      <SegmentForm segment={null} lists={lists} tags={tags} customFields={fields} canWrite={can(useMe(), 'contacts:write')} />
    </>
  );
}
