import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/cloudflare';
import { useFetcher, useLoaderData } from '@remix-run/react';
import { Badge } from '~/components/atoms/Badge';
import { Icon, type IconName } from '~/components/atoms/Icon';
import { EmptyState } from '~/components/molecules/EmptyState';
import { PageHeader } from '~/components/molecules/PageHeader';
import { PostForm } from '~/components/molecules/PostForm';
import { SandboxedPreview } from '~/components/molecules/SandboxedPreview';
import { SubmitButton } from '~/components/molecules/SubmitButton';
import { userApi } from '~/lib/api.server';
import type { StarterTemplate, Template, TemplatePreview } from '~/lib/api-types';
import { field, formAction } from '~/lib/form-action.server';
import { useMe } from '~/lib/me';
import { can } from '~/lib/permissions';
import { ApiProblem } from '~/lib/problem';
import { reply } from '~/lib/respond.server';
import { CATEGORY_LABELS } from '~/lib/template-categories';
import { emailDocument } from '~/lib/template-draft';
import templatesCss from '~/styles/templates.css?url';

// Errors of this page render inside the app layout, so the navigation stays.
export { RouteError as ErrorBoundary } from '~/components/organisms/RouteError';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: templatesCss }];

export const meta: MetaFunction = () => [{ title: 'New template · Edgepost' }];

export async function loader(args: LoaderFunctionArgs) {
  const api = userApi(args);
  const starters = await api.get<{ data: StarterTemplate[] }>('/v1/templates/starters');
  // Thumbnails show each starter as sent (merge tags filled with sample data and this workspace's
  // brand): raw, `<img src="{{ brand.logo_url }}">` would be a broken link to a dashboard page.
  const rendered = await Promise.all(
    starters.data.map((starter) =>
      api
        .post<TemplatePreview>('/v1/templates/preview', { subject: starter.subject, preheader: starter.preheader || undefined, html: starter.html })
        .then((preview) => ({ ...starter, html: preview.html }))
        .catch((error: unknown) => {
          if (error instanceof ApiProblem) return starter;
          throw error;
        }),
    ),
  );
  return reply(args, { starters: rendered });
}

/** Where a blank template starts: one paragraph to overwrite, in a whole email document. */
const BLANK = {
  subject: 'Your subject line',
  html: emailDocument('<p>Write your message here.</p>'),
};

export async function action(args: ActionFunctionArgs) {
  const api = userApi(args);
  return formAction(args, async (form, intent) => {
    let template: Template;
    switch (intent) {
      case 'starter':
        template = await api.post<Template>('/v1/templates/from-starter', { starter_id: field(form, 'starter_id') });
        break;
      case 'blank': {
        const editor = field(form, 'editor') === 'visual' ? 'visual' : 'code';
        template = await api.post<Template>('/v1/templates', { name: editor === 'visual' ? 'Untitled visual template' : 'Untitled template', editor, ...BLANK });
        break;
      }
      default:
        throw new Response(`Unknown intent ${intent}`, { status: 400 });
    }
    return { toast: `“${template.name}” created: make it yours, then save.`, redirectTo: `/templates/${encodeURIComponent(template.id)}` };
  });
}

export default function NewTemplate() {
  const { starters } = useLoaderData<typeof loader>();
  const canWrite = can(useMe(), 'templates:write');
  return (
    <>
      <PageHeader
        title="New template"
        description="Start from a design and change what you like, or from a blank page."
        breadcrumb={[{ label: 'Templates', to: '/templates' }]}
      />
      {!canWrite && <p className="banner banner--info">Your role can look at templates but not create them.</p>}
      <section className="section" aria-labelledby="blank-title">
        <h2 id="blank-title" className="section__title">
          Blank
        </h2>
        <ul className="gallery gallery--blank">
          <BlankCard
            editor="code"
            icon="columns"
            title="Blank code template"
            description="Write or paste your own HTML, with merge tags and a live preview."
            disabled={!canWrite}
          />
          <BlankCard
            editor="visual"
            icon="layers"
            title="Blank visual template"
            description="Drag and drop blocks: text, images, buttons, columns. Exports Outlook-safe HTML."
            disabled={!canWrite}
          />
        </ul>
      </section>
      <section className="section" aria-labelledby="starters-title">
        <h2 id="starters-title" className="section__title">
          Starter templates
        </h2>
        {starters.length === 0 ? (
          <EmptyState icon="mail" title="No starter templates" description="Start from a blank template instead." />
        ) : (
          <ul className="gallery">
            {starters.map((starter) => (
              <StarterCard key={starter.id} starter={starter} disabled={!canWrite} />
            ))}
          </ul>
        )}
      </section>
    </>
  );
}

function StarterCard({ starter, disabled }: { starter: StarterTemplate; disabled: boolean }) {
  const fetcher = useFetcher();
  return (
    <li className="card gallery__card">
      <SandboxedPreview html={starter.html} title={`Preview of the ${starter.name} starter`} thumbnail />
      <div className="gallery__text">
        <h3 className="gallery__title">{starter.name}</h3>
        <Badge tone="info">{CATEGORY_LABELS[starter.category]}</Badge>
        <p className="text-muted">{starter.description}</p>
      </div>
      <PostForm fetcher={fetcher}>
        <input type="hidden" name="starter_id" value={starter.id} />
        <SubmitButton
          intent="starter"
          variant="secondary"
          className="btn--block"
          busy={fetcher.state !== 'idle'}
          disabled={disabled}
          aria-label={`Use this starter: ${starter.name}`}
        >
          Use this starter
        </SubmitButton>
      </PostForm>
    </li>
  );
}

function BlankCard({ editor, icon, title, description, disabled }: { editor: 'code' | 'visual'; icon: IconName; title: string; description: string; disabled: boolean }) {
  const fetcher = useFetcher();
  return (
    <li className="card gallery__card gallery__card--blank">
      <span className="empty-state__icon">
        <Icon name={icon} size={24} />
      </span>
      <div className="gallery__text">
        <h3 className="gallery__title">{title}</h3>
        <p className="text-muted">{description}</p>
      </div>
      <PostForm fetcher={fetcher}>
        <input type="hidden" name="editor" value={editor} />
        <SubmitButton intent="blank" variant="primary" className="btn--block" busy={fetcher.state !== 'idle'} disabled={disabled}>
          Start {editor === 'visual' ? 'in the visual editor' : 'in code'}
        </SubmitButton>
      </PostForm>
    </li>
  );
}
