import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/cloudflare';
import { Form, Link, useLoaderData } from '@remix-run/react';
import { Badge } from '~/components/atoms/Badge';
import { CursorPager } from '~/components/molecules/CursorPager';
import { EmptyState } from '~/components/molecules/EmptyState';
import { TextField } from '~/components/molecules/FormField';
import { PageHeader } from '~/components/molecules/PageHeader';
import { SubmitButton } from '~/components/molecules/SubmitButton';
import { ConfirmSubmit } from '~/components/organisms/ConfirmSubmit';
import { DataTable, type Column } from '~/components/organisms/DataTable';
import { RowAction } from '~/components/organisms/RowAction';
import { userApi } from '~/lib/api.server';
import { TEMPLATE_CATEGORIES, type Page, type Template, type TemplateCategory, type TemplateCategoryCount, type TemplateSummary } from '~/lib/api-types';
import { field, formAction } from '~/lib/form-action.server';
import { formatDate } from '~/lib/format';
import { listHref } from '~/lib/list-url';
import { useMe } from '~/lib/me';
import { can } from '~/lib/permissions';
import { reply } from '~/lib/respond.server';
import { CATEGORY_LABELS } from '~/lib/template-categories';
import { templatePath } from '~/lib/templates.server';
import templatesCss from '~/styles/templates.css?url';

// Errors of this page render inside the app layout, so the navigation stays.
export { RouteError as ErrorBoundary } from '~/components/organisms/RouteError';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: templatesCss }];

export const meta: MetaFunction = () => [{ title: 'Templates · Edgepost' }];

const PAGE_SIZE = 50;

interface ListFilters {
  category: TemplateCategory | '';
  q: string;
  deleted: boolean;
  cursor: string;
}

function filtersOf(url: URL): ListFilters {
  const category = url.searchParams.get('category') ?? '';
  return {
    category: (TEMPLATE_CATEGORIES as readonly string[]).includes(category) ? (category as TemplateCategory) : '',
    q: url.searchParams.get('q')?.trim() ?? '',
    deleted: url.searchParams.get('deleted') === 'true',
    cursor: url.searchParams.get('cursor') ?? '',
  };
}

/** This list's URL with some filters changed (a changed filter starts again at the first page). */
function listUrl(filters: ListFilters, change: Partial<ListFilters>): string {
  const next = { ...filters, cursor: '', ...change };
  return listHref('/templates', { deleted: next.deleted, category: next.category, q: next.q, cursor: next.cursor });
}

export async function loader(args: LoaderFunctionArgs) {
  const filters = filtersOf(new URL(args.request.url));
  const api = userApi(args);
  const [page, categories] = await Promise.all([
    api.get<Page<TemplateSummary>>('/v1/templates', {
      category: filters.category,
      q: filters.q,
      deleted: filters.deleted ? 'true' : undefined,
      cursor: filters.cursor,
      limit: PAGE_SIZE,
    }),
    api.get<{ data: TemplateCategoryCount[] }>('/v1/templates/categories'),
  ]);
  return reply(args, { filters, templates: page.data, nextCursor: page.next_cursor, categories: categories.data });
}

export async function action(args: ActionFunctionArgs) {
  const api = userApi(args);
  return formAction(args, async (form, intent) => {
    const id = field(form, 'id');
    switch (intent) {
      case 'duplicate': {
        const copy = await api.post<Template>(`${templatePath(id)}/duplicate`);
        return { toast: `Copy created: “${copy.name}”.` };
      }
      case 'delete':
        await api.delete(templatePath(id));
        return { toast: 'Template deleted. You can restore it for 30 days.', toastAction: { label: 'Undo', to: '/templates', intent: 'restore', fields: { id } } };
      case 'restore': {
        const template = await api.post<Template>(`${templatePath(id)}/restore`);
        return { toast: `“${template.name}” restored.` };
      }
      default:
        throw new Response(`Unknown intent ${intent}`, { status: 400 });
    }
  });
}

export default function Templates() {
  const { filters, templates, nextCursor, categories } = useLoaderData<typeof loader>();
  const canWrite = can(useMe(), 'templates:write');
  const total = categories.reduce((sum, c) => sum + c.count, 0);
  const filtered = filters.category !== '' || filters.q !== '';
  const newLink = canWrite ? (
    <Link to="/templates/new" className="btn btn--primary btn--md">
      New template
    </Link>
  ) : null;

  return (
    <>
      <PageHeader title="Templates" description="The emails you send: designed once, reused by campaigns, with every version kept." actions={newLink} />
      <nav className="tabs" aria-label="Template categories">
        <Link to={listUrl(filters, { category: '', deleted: false })} className="tabs__tab" aria-current={!filters.deleted && !filters.category ? 'page' : undefined}>
          All <span className="tabs__count">{total}</span>
        </Link>
        {categories
          .filter((c) => c.count > 0)
          .map((c) => (
            <Link
              key={c.category}
              to={listUrl(filters, { category: c.category, deleted: false })}
              className="tabs__tab"
              aria-current={!filters.deleted && filters.category === c.category ? 'page' : undefined}
            >
              {CATEGORY_LABELS[c.category]} <span className="tabs__count">{c.count}</span>
            </Link>
          ))}
        <Link to={listUrl(filters, { category: '', q: '', deleted: true })} className="tabs__tab" aria-current={filters.deleted ? 'page' : undefined}>
          Recently deleted
        </Link>
      </nav>
      <Form method="get" className="filters filters--inline" role="search" aria-label="Search templates">
        {filters.deleted && <input type="hidden" name="deleted" value="true" />}
        {filters.category && <input type="hidden" name="category" value={filters.category} />}
        <TextField label="Search" name="q" type="search" defaultValue={filters.q} placeholder="Name or subject…" />
        <div className="filters__actions">
          <SubmitButton variant="secondary">Search</SubmitButton>
          {filters.q && (
            <Link to={listUrl(filters, { q: '' })} className="btn btn--ghost btn--md">
              Clear
            </Link>
          )}
        </div>
      </Form>
      <DataTable
        label="Templates"
        rows={templates}
        columns={filters.deleted ? deletedColumns(canWrite) : liveColumns(canWrite)}
        rowId={(t) => t.id}
        rowLabel={(t) => t.name}
        empty={
          filters.deleted ? (
            <EmptyState icon="trash" title="Nothing deleted recently" description="Deleted templates stay here for 30 days, so you can restore them." />
          ) : filtered ? (
            <EmptyState
              icon="search"
              title="No templates match"
              description="Try another search or category."
              action={
                <Link to="/templates" className="btn btn--secondary btn--md">
                  Show all templates
                </Link>
              }
            />
          ) : (
            <EmptyState
              icon="mail"
              title="No templates yet"
              description={
                canWrite
                  ? 'Start from a ready-made design in the gallery, or from a blank page in code or the visual editor.'
                  : 'Ask an editor to create the first template.'
              }
              action={
                canWrite && (
                  <Link to="/templates/new" className="btn btn--primary btn--md">
                    Choose a starting point
                  </Link>
                )
              }
            />
          )
        }
        footer={<CursorPager label="Template pages" firstUrl={filters.cursor ? listUrl(filters, { cursor: '' }) : null} nextUrl={nextCursor ? listUrl(filters, { cursor: nextCursor }) : null} />}
      />
    </>
  );
}

function liveColumns(canWrite: boolean): Column<TemplateSummary>[] {
  return [
    {
      id: 'name',
      header: 'Template',
      cell: (t) => (
        <div className="cell-person">
          <Link to={`/templates/${encodeURIComponent(t.id)}`}>
            <strong>{t.name}</strong>
          </Link>
          <span className="text-muted">{t.subject}</span>
        </div>
      ),
    },
    { id: 'category', header: 'Category', cell: (t) => <Badge tone="info">{CATEGORY_LABELS[t.category]}</Badge> },
    { id: 'editor', header: 'Editor', cell: (t) => (t.editor === 'visual' ? 'Visual' : 'Code') },
    { id: 'version', header: 'Version', numeric: true, cell: (t) => t.version },
    { id: 'updated', header: 'Last changed', cell: (t) => <span className="cell-nowrap">{formatDate(t.updated_at ?? t.created_at)}</span> },
    ...(canWrite
      ? [
          {
            id: 'actions',
            header: 'Actions',
            numeric: true,
            cell: (t: TemplateSummary) => (
              <div className="row-actions">
                <RowAction intent="duplicate" label="Duplicate" icon="copy" name={t.name} fields={{ id: t.id }} />
                <ConfirmSubmit
                  trigger={{ label: 'Delete', icon: 'trash', ariaLabel: `Delete ${t.name}` }}
                  title={`Delete “${t.name}”?`}
                  confirmLabel="Delete template"
                  fields={{ intent: 'delete', id: t.id }}
                >
                  <p>It moves to Recently deleted, where you can restore it for 30 days.</p>
                </ConfirmSubmit>
              </div>
            ),
          },
        ]
      : []),
  ];
}

function deletedColumns(canWrite: boolean): Column<TemplateSummary>[] {
  return [
    { id: 'name', header: 'Template', cell: (t) => <strong>{t.name}</strong> },
    { id: 'category', header: 'Category', cell: (t) => CATEGORY_LABELS[t.category] },
    { id: 'deleted', header: 'Deleted', cell: (t) => (t.deleted_at ? formatDate(t.deleted_at) : '—') },
    { id: 'purge', header: 'Removed for good on', cell: (t) => (t.purge_at ? formatDate(t.purge_at) : '—') },
    ...(canWrite
      ? [{ id: 'actions', header: 'Actions', numeric: true, cell: (t: TemplateSummary) => <RowAction intent="restore" label="Restore" icon="undo" name={t.name} fields={{ id: t.id }} /> }]
      : []),
  ];
}
