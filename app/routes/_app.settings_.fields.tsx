import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/cloudflare';
import { useLoaderData } from '@remix-run/react';
import { Badge } from '~/components/atoms/Badge';
import { Select } from '~/components/atoms/Select';
import { EmptyState } from '~/components/molecules/EmptyState';
import { FormField, TextField } from '~/components/molecules/FormField';
import { PageHeader } from '~/components/molecules/PageHeader';
import { ConfirmSubmit } from '~/components/organisms/ConfirmSubmit';
import { DataTable, type Column } from '~/components/organisms/DataTable';
import { FormDialog } from '~/components/organisms/FormDialog';
import { userApi } from '~/lib/api.server';
import { CUSTOM_FIELD_TYPES, type CustomField, type CustomFieldType } from '~/lib/api-types';
import { audience } from '~/lib/audience.server';
import { field, formAction } from '~/lib/form-action.server';
import { formatDate } from '~/lib/format';
import { useMe } from '~/lib/me';
import { can } from '~/lib/permissions';
import { reply } from '~/lib/respond.server';

// Errors of this page render inside the app layout, so the navigation stays.
export { RouteError as ErrorBoundary } from '~/components/organisms/RouteError';

export const meta: MetaFunction = () => [{ title: 'Custom fields · Edgepost' }];

const TYPE_LABELS: Record<CustomFieldType, string> = { text: 'Text', number: 'Number', date: 'Date', boolean: 'Yes / no' };

export async function loader(args: LoaderFunctionArgs) {
  return reply(args, { fields: await audience.fields(userApi(args)) });
}

export async function action(args: ActionFunctionArgs) {
  const api = userApi(args);
  return formAction(args, async (form, intent) => {
    switch (intent) {
      case 'create': {
        const created = await api.post<CustomField>('/v1/fields', { key: field(form, 'key'), label: field(form, 'label'), type: field(form, 'type') });
        return { toast: `Field “${created.label}” added.` };
      }
      case 'delete':
        await api.delete(`/v1/fields/${encodeURIComponent(field(form, 'id'))}`);
        return { toast: 'Field deleted.' };
      default:
        throw new Response(`Unknown intent ${intent}`, { status: 400 });
    }
  });
}

export default function CustomFields() {
  const { fields } = useLoaderData<typeof loader>();
  const canWrite = can(useMe(), 'contacts:write');

  const columns: Column<CustomField>[] = [
    { id: 'label', header: 'Label', sortValue: (f) => f.label.toLowerCase(), cell: (f) => <strong>{f.label}</strong> },
    { id: 'key', header: 'Key', sortValue: (f) => f.key, cell: (f) => <code>{f.key}</code> },
    { id: 'type', header: 'Type', sortValue: (f) => f.type, cell: (f) => <Badge>{TYPE_LABELS[f.type]}</Badge> },
    { id: 'created', header: 'Created', sortValue: (f) => f.created_at, cell: (f) => formatDate(f.created_at) },
  ];
  if (canWrite) {
    columns.push({
      id: 'actions',
      header: 'Actions',
      numeric: true,
      cell: (f) => (
        <ConfirmSubmit trigger={{ label: 'Delete', icon: 'trash', ariaLabel: `Delete ${f.label}` }} title={`Delete the field “${f.label}”?`} confirmLabel="Delete field" fields={{ intent: 'delete', id: f.id }}>
          <p>
            The field disappears from contact pages, imports and segments. Segments that test <code>custom.{f.key}</code> stop matching on it.
          </p>
        </ConfirmSubmit>
      ),
    });
  }

  const createButton = canWrite ? (
    <FormDialog trigger={{ label: 'Add field', icon: 'plus' }} title="Add a custom field" intent="create" submitLabel="Add field">
      {(errors) => (
        <>
          <TextField label="Label" name="label" required maxLength={100} placeholder="e.g. Plan" error={errors?.fields.label} />
          <TextField
            label="Key"
            name="key"
            required
            maxLength={40}
            pattern="[a-z][a-z0-9_]{0,39}"
            autoComplete="off"
            spellCheck={false}
            placeholder="e.g. plan"
            hint="Used in imports, segments and merge tags: lower-case letters, digits and _, starting with a letter."
            error={errors?.fields.key}
          />
          <FormField label="Type" error={errors?.fields.type}>
            {(control) => <Select name="type" defaultValue="text" options={CUSTOM_FIELD_TYPES.map((t) => ({ value: t, label: TYPE_LABELS[t] }))} {...control} />}
          </FormField>
        </>
      )}
    </FormDialog>
  ) : null;

  return (
    <>
      <PageHeader
        title="Custom fields"
        description="Extra facts you keep about contacts (a plan, a birthday, a customer number), each with a type."
        breadcrumb={[
          { label: 'Audience', to: '/contacts' },
          { label: 'Contacts', to: '/contacts' },
        ]}
        actions={createButton}
      />
      <DataTable
        label="Custom fields"
        rows={fields}
        columns={columns}
        rowId={(f) => f.id}
        rowLabel={(f) => f.label}
        searchText={(f) => `${f.label} ${f.key}`}
        pageSize={25}
        empty={<EmptyState icon="columns" title="No custom fields yet" description="Add a field to keep more than name and address about your contacts." action={createButton} />}
      />
    </>
  );
}
