import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/cloudflare';
import { useActionData, useLoaderData } from '@remix-run/react';
import { CopyableCode } from '~/components/molecules/CopyableCode';
import { FormAlert } from '~/components/molecules/FormAlert';
import { PageHeader } from '~/components/molecules/PageHeader';
import { PostForm } from '~/components/molecules/PostForm';
import { SubmitButton } from '~/components/molecules/SubmitButton';
import { ConfirmSubmit } from '~/components/organisms/ConfirmSubmit';
import { SubscribeFormFields } from '~/components/organisms/SubscribeFormFields';
import { SwitchForm } from '~/components/organisms/SwitchForm';
import { userApi } from '~/lib/api.server';
import type { SubscribeForm } from '~/lib/api-types';
import { audience } from '~/lib/audience.server';
import { formAction } from '~/lib/form-action.server';
import { submittedForm } from '~/lib/forms.server';
import { useMe } from '~/lib/me';
import { can } from '~/lib/permissions';
import { ApiProblem } from '~/lib/problem';
import { reply } from '~/lib/respond.server';

// Errors of this page render inside the app layout, so the navigation stays.
export { RouteError as ErrorBoundary } from '~/components/organisms/RouteError';

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.form.name ?? 'Form'} · Edgepost` }];

const formPath = (id: string) => `/v1/forms/${encodeURIComponent(id)}`;

export async function loader(args: LoaderFunctionArgs) {
  const api = userApi(args);
  const [form, lists] = await Promise.all([
    api.get<SubscribeForm>(formPath(args.params.id ?? '')).catch((error: unknown) => {
      if (error instanceof ApiProblem && error.status === 404) throw new Response('This form does not exist.', { status: 404 });
      throw error;
    }),
    audience.lists(api),
  ]);
  return reply(args, { form, lists });
}

export async function action(args: ActionFunctionArgs) {
  const api = userApi(args);
  const path = formPath(args.params.id ?? '');
  return formAction(args, async (form, intent) => {
    switch (intent) {
      case 'save': {
        const saved = await api.patch<SubscribeForm>(path, submittedForm(form));
        return { toast: `Form “${saved.name}” saved.` };
      }
      case 'enable': {
        const enabled = form.get('enabled') === 'on';
        await api.patch(path, { enabled });
        return { toast: enabled ? 'The form accepts sign-ups again.' : 'The form is disabled: it accepts no sign-ups.' };
      }
      case 'delete':
        await api.delete(path);
        return { toast: 'Form deleted. Its subscribers stay.', redirectTo: '/forms' };
      default:
        throw new Response(`Unknown intent ${intent}`, { status: 400 });
    }
  });
}

export default function FormDetail() {
  const { form, lists } = useLoaderData<typeof loader>();
  const canWrite = can(useMe(), 'contacts:write');
  const result = useActionData<typeof action>();
  const errors = result && !result.ok && result.intent === 'save' ? result.errors : undefined;
  return (
    <>
      <PageHeader
        title={form.name}
        description={form.double_opt_in ? 'New subscribers confirm by email before they count as subscribed.' : 'New subscribers are subscribed at once.'}
        breadcrumb={[
          { label: 'Audience', to: '/contacts' },
          { label: 'Forms', to: '/forms' },
        ]}
        actions={
          canWrite && (
            <ConfirmSubmit trigger={{ label: 'Delete', icon: 'trash', variant: 'danger', size: 'md' }} title={`Delete the form “${form.name}”?`} confirmLabel="Delete form" fields={{ intent: 'delete' }}>
              <p>Websites that embed it can no longer subscribe anyone through it. Its subscribers stay.</p>
            </ConfirmSubmit>
          )
        }
      />
      <div className="settings-sections">
        <section className="card settings-card" aria-label="Availability">
          <SwitchForm intent="enable" name="enabled" checked={form.enabled} disabled={!canWrite} label="Accept sign-ups through this form" />
        </section>
        <section className="card settings-card" aria-labelledby="embed-title">
          <div className="settings-card__header">
            <h2 id="embed-title" className="section__title">
              Put it on your website
            </h2>
            <p className="text-muted">Paste this HTML where the form should appear. It works without JavaScript and carries its own spam protection.</p>
          </div>
          <CopyableCode value={form.embed_html} copyLabel="Copy the snippet" multiline label="Embed snippet" testId="embed-snippet" />
          <div className="settings-card__header">
            <h3 className="settings-card__subtitle">Subscribe URL</h3>
            <p className="text-muted">For your own form or code: post form fields (or JSON) with at least an email.</p>
          </div>
          <CopyableCode value={form.subscribe_url} copyLabel="Copy the URL" />
        </section>
        <section className="card settings-card" aria-labelledby="settings-title">
          <h2 id="settings-title" className="section__title">
            Settings
          </h2>
          {/* Remounted after each save, so the fields show what was stored. */}
          <PostForm key={form.updated_at ?? form.created_at} preventScrollReset>
            <fieldset className="fieldset-reset stack" disabled={!canWrite}>
              <FormAlert message={errors?.form} />
              <SubscribeFormFields form={form} lists={lists} errors={errors} />
              <p className="text-muted">Consent version {form.consent_version}.</p>
              {canWrite && (
                <div className="settings-actions">
                  <SubmitButton intent="save">Save form</SubmitButton>
                </div>
              )}
            </fieldset>
          </PostForm>
        </section>
      </div>
    </>
  );
}
