import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/cloudflare';
import { useLoaderData } from '@remix-run/react';
import { useState } from 'react';
import { TemplateEditor, type SourceTab } from '~/components/organisms/TemplateEditor';
import { userApi } from '~/lib/api.server';
import type { Member, MergeTags, Page, Template, TemplatePreview, TemplateVersionSummary, TestSend } from '~/lib/api-types';
import { field, formAction } from '~/lib/form-action.server';
import { useMe } from '~/lib/me';
import { can } from '~/lib/permissions';
import { ApiProblem } from '~/lib/problem';
import { reply } from '~/lib/respond.server';
import { parseRecipients } from '~/lib/template-draft';
import { submittedTemplate, templatePath } from '~/lib/templates.server';
import type { ContactChoice } from '~/routes/templates.contact-search';
import grapesCss from 'grapesjs/dist/css/grapes.min.css?url';
import templatesCss from '~/styles/templates.css?url';

// Errors of this page render inside the app layout, so the navigation stays.
export { RouteError as ErrorBoundary } from '~/components/organisms/RouteError';

// GrapesJS's stylesheet is only its own UI (every rule under .gjs-); its script loads with the Visual tab.
export const links: LinksFunction = () => [
  { rel: 'stylesheet', href: templatesCss },
  { rel: 'stylesheet', href: grapesCss },
];

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.template.name ?? 'Template'} · Edgepost` }];

/** The history drawer lists this many of the newest versions. */
const VERSIONS_SHOWN = 100;

export async function loader(args: LoaderFunctionArgs) {
  const api = userApi(args);
  const path = templatePath(args.params.id ?? '');
  const [template, mergeTags, versions, members, preview] = await Promise.all([
    api.get<Template>(path).catch((error: unknown) => {
      if (error instanceof ApiProblem && error.status === 404) throw new Response('This template does not exist, or it was deleted.', { status: 404 });
      throw error;
    }),
    api.get<MergeTags>('/v1/templates/merge-tags'),
    api.get<Page<TemplateVersionSummary>>(`${path}/versions`, { limit: VERSIONS_SHOWN }),
    // Versions name their author by user id; the history shows people.
    api.get<Page<Member>>('/v1/members', { limit: 100 }).then(
      (page) => page.data,
      (error: unknown) => {
        if (error instanceof ApiProblem) return [];
        throw error;
      },
    ),
    // The page is usable without it: the editor asks again as soon as anything changes.
    api.post<TemplatePreview>(`${path}/preview`, {}).catch((error: unknown) => {
      if (error instanceof ApiProblem) return null;
      throw error;
    }),
  ]);
  const author = new Map(members.map((m) => [m.user_id, m.name || m.email]));
  const history = versions.data.map((v) => ({ ...v, created_by: v.created_by && (author.get(v.created_by) ?? null) }));
  return reply(args, { template, mergeTags, versions: history, preview });
}

export async function action(args: ActionFunctionArgs) {
  const api = userApi(args);
  const id = args.params.id ?? '';
  const path = templatePath(id);
  return formAction(args, async (form, intent) => {
    switch (intent) {
      case 'save': {
        const template = await api.patch<Template>(path, submittedTemplate(form));
        return { toast: `Saved as version ${template.version}.` };
      }
      case 'restore-version': {
        const version = Number(field(form, 'version'));
        const template = await api.post<Template>(`${path}/versions/${version}/restore`);
        return { toast: `Version ${version} restored as version ${template.version}.` };
      }
      case 'send-test': {
        const sent = await api.post<TestSend>(`${path}/test`, { to: parseRecipients(field(form, 'to')), contact_id: field(form, 'contact_id') || undefined });
        return { toast: `Test email sent to ${sent.to.join(', ')}.` };
      }
      case 'duplicate': {
        const copy = await api.post<Template>(`${path}/duplicate`);
        return { toast: `Copy created: “${copy.name}”.`, redirectTo: `/templates/${encodeURIComponent(copy.id)}` };
      }
      case 'delete':
        await api.delete(path);
        return {
          toast: 'Template deleted. You can restore it for 30 days.',
          toastAction: { label: 'Undo', to: '/templates', intent: 'restore', fields: { id } },
          redirectTo: '/templates',
        };
      default:
        throw new Response(`Unknown intent ${intent}`, { status: 400 });
    }
  });
}

export default function TemplatePage() {
  const { template, mergeTags, versions, preview } = useLoaderData<typeof loader>();
  const me = useMe();
  const [tab, setTab] = useState<SourceTab>(template.editor === 'visual' ? 'visual' : 'code');
  const [contact, setContact] = useState<ContactChoice | null>(null);
  return (
    <TemplateEditor
      // A new version (saved or restored) starts the editor over from what the API stored.
      key={`${template.id}:${template.version}`}
      template={template}
      mergeTags={mergeTags}
      versions={versions}
      initialPreview={preview}
      canWrite={can(me, 'templates:write')}
      userEmail={me.user.email}
      tab={tab}
      onTabChange={setTab}
      contact={contact}
      onContactChange={setContact}
    />
  );
}
