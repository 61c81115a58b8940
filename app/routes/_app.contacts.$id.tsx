import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/cloudflare';
import { Link, useActionData, useLoaderData } from '@remix-run/react';
import { Badge } from '~/components/atoms/Badge';
import { Checkbox } from '~/components/atoms/Checkbox';
import { Icon } from '~/components/atoms/Icon';
import { IconButton } from '~/components/atoms/Button';
import { Input } from '~/components/atoms/Input';
import { Select } from '~/components/atoms/Select';
import { ContactStatusBadge, STATUS_LABELS } from '~/components/molecules/ContactStatusBadge';
import { EmptyState } from '~/components/molecules/EmptyState';
import { CursorPager } from '~/components/molecules/CursorPager';
import { FormAlert } from '~/components/molecules/FormAlert';
import { FormField, TextField } from '~/components/molecules/FormField';
import { PageHeader } from '~/components/molecules/PageHeader';
import { PostForm } from '~/components/molecules/PostForm';
import { SubmitButton } from '~/components/molecules/SubmitButton';
import { TagField } from '~/components/molecules/TagField';
import { ConfirmSubmit } from '~/components/organisms/ConfirmSubmit';
import { userApi } from '~/lib/api.server';
import { CONTACT_STATUSES, type Contact, type ContactActivity, type ContactList, type CustomField, type Page } from '~/lib/api-types';
import { audience, subscribedLists } from '~/lib/audience.server';
import { describeActivity } from '~/lib/contact-activity';
import { contactPatch, customInputName, customInputValue } from '~/lib/contact-form';
import { contactName, parseTags } from '~/lib/contacts';
import { field, formAction } from '~/lib/form-action.server';
import { formatDate, formatDateTime } from '~/lib/format';
import { useMe } from '~/lib/me';
import { can } from '~/lib/permissions';
import { ApiProblem, type FormErrors } from '~/lib/problem';
import { countryOptions, timeZoneOptions } from '~/lib/regions';
import { reply } from '~/lib/respond.server';

// Errors of this page render inside the app layout, so the navigation stays.
export { RouteError as ErrorBoundary } from '~/components/organisms/RouteError';

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data ? contactName(data.contact) : 'Contact'} · Edgepost` }];

const ACTIVITY_PAGE = 20;

const contactPath = (id: string) => `/v1/contacts/${encodeURIComponent(id)}`;

export async function loader(args: LoaderFunctionArgs) {
  const id = args.params.id ?? '';
  const api = userApi(args);
  const activityCursor = new URL(args.request.url).searchParams.get('activity') ?? '';
  const [contact, fields, lists, tags, activity] = await Promise.all([
    api.get<Contact>(contactPath(id)).catch((error: unknown) => {
      if (error instanceof ApiProblem && error.status === 404) throw new Response('This contact does not exist, or was removed for good.', { status: 404 });
      throw error;
    }),
    audience.fields(api),
    audience.lists(api),
    audience.tags(api),
    // The timeline is part of the page, not the page: an API without it yet shows an empty one.
    api.get<Page<ContactActivity>>(`${contactPath(id)}/activity`, { limit: ACTIVITY_PAGE, cursor: activityCursor }).catch((error: unknown) => {
      if (error instanceof ApiProblem && error.status === 404) return { data: [] as ContactActivity[], next_cursor: null };
      throw error;
    }),
  ]);
  const memberships = contact.deleted_at ? [] : await subscribedLists(api, contact, lists);
  return reply(args, {
    contact,
    fields,
    lists,
    memberships: memberships.map((l) => l.id),
    tags,
    activity: activity.data,
    activityCursor,
    nextActivityCursor: activity.next_cursor,
    countries: countryOptions(),
    timeZones: timeZoneOptions(contact.timezone ?? 'UTC'),
  });
}

export async function action(args: ActionFunctionArgs) {
  const id = args.params.id ?? '';
  const api = userApi(args);
  const path = contactPath(id);
  return formAction(args, async (form, intent) => {
    switch (intent) {
      case 'save': {
        const [current, fields] = await Promise.all([api.get<Contact>(path), audience.fields(api)]);
        const patch = contactPatch(form, current, fields);
        if (Object.keys(patch).length === 0) return { toast: 'Nothing to save: no field was changed.' };
        await api.patch(path, patch);
        return { toast: 'Contact saved.' };
      }
      case 'tag':
      case 'untag': {
        const current = await api.get<Contact>(path);
        const named = parseTags(field(form, 'tag'));
        const tags = intent === 'tag' ? [...new Set([...current.tags, ...named])] : current.tags.filter((t) => !named.includes(t));
        await api.patch(path, { tags });
        return { toast: intent === 'tag' ? `Tagged “${named.join(', ')}”.` : `Tag “${named.join(', ')}” removed.` };
      }
      case 'list-add':
      case 'list-remove': {
        const listId = encodeURIComponent(field(form, 'list_id'));
        await api.post(`/v1/lists/${listId}/members${intent === 'list-remove' ? '/remove' : ''}`, { contact_ids: [id] });
        return { toast: intent === 'list-add' ? 'Added to the list.' : 'Removed from the list.' };
      }
      case 'anonymize':
        await api.post(`${path}/anonymize`);
        return { toast: 'Contact anonymized: no personal data is left.' };
      case 'delete': {
        const contact = await api.get<Contact>(path);
        await api.delete(path);
        return {
          toast: `${contact.email} deleted. You can restore it for 30 days.`,
          toastAction: { label: 'Undo', to: `/contacts/${encodeURIComponent(id)}`, intent: 'restore' },
          redirectTo: '/contacts',
        };
      }
      case 'restore': {
        const contact = await api.post<Contact>(`${path}/restore`);
        return { toast: `${contact.email} restored.`, redirectTo: `/contacts/${encodeURIComponent(id)}` };
      }
      default:
        throw new Response(`Unknown intent ${intent}`, { status: 400 });
    }
  });
}

export default function ContactDetail() {
  const { contact, lists, memberships } = useLoaderData<typeof loader>();
  const me = useMe();
  const canWrite = can(me, 'contacts:write') && !contact.deleted_at;
  const name = contactName(contact);
  return (
    <>
      <PageHeader
        title={name}
        description={name === contact.email ? undefined : contact.email}
        breadcrumb={[
          { label: 'Audience', to: '/contacts' },
          { label: 'Contacts', to: '/contacts' },
        ]}
        actions={
          <>
            <a className="btn btn--secondary btn--md" href={`/contacts/${encodeURIComponent(contact.id)}/data-export`} download>
              <Icon name="download" />
              <span>Download data</span>
            </a>
            {canWrite && <DangerActions contact={contact} />}
          </>
        }
      />
      {contact.deleted_at && <DeletedBanner contact={contact} canRestore={can(me, 'contacts:write')} />}
      <div className="detail-layout">
        <DetailsForm canWrite={canWrite} />
        <div className="detail-aside">
          <ConsentCard contact={contact} />
          <TagsCard canWrite={canWrite} />
          <ListsCard lists={lists} memberships={memberships} canWrite={canWrite} />
        </div>
      </div>
      <ActivityTimeline />
    </>
  );
}

function DeletedBanner({ contact, canRestore }: { contact: Contact; canRestore: boolean }) {
  return (
    <div className="banner" role="note">
      <Icon name="trash" />
      <p>
        Deleted on {formatDate(contact.deleted_at!)}. It is removed for good on {formatDate(contact.purge_after!)} unless you restore it.
      </p>
      {canRestore && (
        <PostForm>
          <SubmitButton intent="restore" icon="undo" variant="secondary" size="sm">
            Restore
          </SubmitButton>
        </PostForm>
      )}
    </div>
  );
}

function DangerActions({ contact }: { contact: Contact }) {
  return (
    <>
      <ConfirmSubmit
        trigger={{ label: 'Anonymize', icon: 'shield', variant: 'secondary', size: 'md' }}
        title={`Anonymize ${contact.email}?`}
        confirmLabel="Anonymize for good"
        fields={{ intent: 'anonymize' }}
        typedConfirmation="anonymize"
      >
        <p>
          For an erasure request (GDPR Art. 17): the address, name and every other personal field are replaced, tags and lists are dropped. The contact
          still counts in past campaign statistics, without anything that identifies the person. <strong>This cannot be undone.</strong>
        </p>
      </ConfirmSubmit>
      <ConfirmSubmit trigger={{ label: 'Delete', icon: 'trash', variant: 'danger', size: 'md' }} title={`Delete ${contact.email}?`} confirmLabel="Delete contact" fields={{ intent: 'delete' }}>
        <p>The contact gets no more email and moves to Recently deleted. You can restore it for 30 days; after that it is removed for good.</p>
      </ConfirmSubmit>
    </>
  );
}

function useErrorsFor(intent: string): FormErrors | undefined {
  const result = useActionData<typeof action>();
  return result && !result.ok && result.intent === intent ? result.errors : undefined;
}

function DetailsForm({ canWrite }: { canWrite: boolean }) {
  const { contact, fields, countries, timeZones } = useLoaderData<typeof loader>();
  const errors = useErrorsFor('save');
  const e = (name: string) => errors?.fields[name];
  const text = (name: 'first_name' | 'last_name' | 'phone' | 'company' | 'city', label: string, max: number, autoComplete?: string) => (
    <TextField label={label} name={name} maxLength={max} autoComplete={autoComplete ?? 'off'} defaultValue={contact[name] ?? ''} error={e(name)} />
  );
  return (
    <section className="card settings-card" aria-labelledby="details-title">
      <h2 id="details-title" className="section__title">
        Details
      </h2>
      {/* Remounted after each save, so the inputs show what was stored (normalized) rather than what was typed. */}
      <PostForm key={contact.updated_at ?? contact.created_at} preventScrollReset>
        <fieldset className="fieldset-reset stack" disabled={!canWrite}>
          <FormAlert message={errors?.form} />
          <TextField label="Email" name="email" type="email" required defaultValue={contact.email} autoComplete="off" error={e('email')} />
          {(contact.flags.disposable || contact.flags.role) && (
            <p className="row">
              {contact.flags.disposable && <Badge tone="warning">Disposable address</Badge>}
              {contact.flags.role && <Badge tone="warning">Role address (e.g. info@)</Badge>}
            </p>
          )}
          <div className="form-grid">
            {text('first_name', 'First name', 100)}
            {text('last_name', 'Last name', 100)}
            {text('phone', 'Phone', 40)}
            {text('company', 'Company', 200)}
            {text('city', 'City', 100)}
            <FormField label="Country" error={e('country')}>
              {(control) => <Select name="country" defaultValue={contact.country ?? ''} options={[{ value: '', label: 'Not set' }, ...countries]} {...control} />}
            </FormField>
            <TextField label="Language" name="language" maxLength={10} defaultValue={contact.language ?? ''} hint="A code such as en or pt-BR." error={e('language')} />
            <FormField label="Time zone" error={e('timezone')}>
              {(control) => (
                <Select name="timezone" defaultValue={contact.timezone ?? ''} options={[{ value: '', label: 'Not set' }, ...timeZones.map((tz) => ({ value: tz, label: tz.replaceAll('_', ' ') }))]} {...control} />
              )}
            </FormField>
            <FormField label="Status" hint="Only the contact can re-subscribe after unsubscribing or a complaint." error={e('status')}>
              {(control) => <Select name="status" defaultValue={contact.status} options={CONTACT_STATUSES.map((s) => ({ value: s, label: STATUS_LABELS[s] }))} {...control} />}
            </FormField>
          </div>
          {fields.length > 0 && (
            <fieldset className="fieldset">
              <legend className="settings-card__subtitle">Custom fields</legend>
              <div className="form-grid">
                {fields.map((f) => (
                  <CustomInput key={f.id} field={f} value={contact.custom[f.key]} error={e(customInputName(f.key))} />
                ))}
              </div>
            </fieldset>
          )}
          {canWrite && (
            <div className="settings-actions">
              <SubmitButton intent="save">Save contact</SubmitButton>
            </div>
          )}
        </fieldset>
      </PostForm>
      <p className="text-muted">
        Created {formatDateTime(contact.created_at)}
        {contact.updated_at ? ` · last changed ${formatDateTime(contact.updated_at)}` : ''}
      </p>
    </section>
  );
}

/** A custom field's input by its type; a yes/no field is a checkbox. */
function CustomInput({ field: f, value, error }: { field: CustomField; value: Contact['custom'][string] | undefined; error?: string }) {
  const name = customInputName(f.key);
  if (f.type === 'boolean') return <Checkbox name={name} label={f.label} defaultChecked={value === true} />;
  return (
    <FormField label={f.label} error={error}>
      {(control) => (
        <Input
          name={name}
          type={f.type === 'number' ? 'number' : f.type === 'date' ? 'date' : 'text'}
          step={f.type === 'number' ? 'any' : undefined}
          maxLength={f.type === 'text' ? 1000 : undefined}
          defaultValue={customInputValue(f, value)}
          {...control}
        />
      )}
    </FormField>
  );
}

function ConsentCard({ contact }: { contact: Contact }) {
  const consent = contact.consent;
  return (
    <section className="card settings-card" aria-labelledby="consent-title">
      <div className="settings-card__header">
        <h2 id="consent-title" className="section__title">
          Consent
        </h2>
        <p className="row">
          <ContactStatusBadge status={contact.status} />
        </p>
      </div>
      {consent ? (
        <dl className="facts">
          <dt>Source</dt>
          <dd>{consent.source}</dd>
          <dt>Given</dt>
          <dd>{formatDateTime(consent.at)}</dd>
          {consent.ip && (
            <>
              <dt>IP address</dt>
              <dd>{consent.ip}</dd>
            </>
          )}
          {consent.wording_version && (
            <>
              <dt>Wording version</dt>
              <dd>{consent.wording_version}</dd>
            </>
          )}
        </dl>
      ) : (
        <p className="text-muted">No consent recorded. Contacts who subscribe through a form or confirm by email have it recorded here.</p>
      )}
    </section>
  );
}

function TagsCard({ canWrite }: { canWrite: boolean }) {
  const { contact, tags } = useLoaderData<typeof loader>();
  const errors = useErrorsFor('tag');
  return (
    <section className="card settings-card" aria-labelledby="tags-title">
      <h2 id="tags-title" className="section__title">
        Tags
      </h2>
      {contact.tags.length === 0 ? (
        <p className="text-muted">No tags.</p>
      ) : (
        <ul className="chips" aria-labelledby="tags-title">
          {contact.tags.map((tag) => (
            <li key={tag} className="chip">
              <span>{tag}</span>
              {canWrite && (
                <PostForm preventScrollReset>
                  <input type="hidden" name="tag" value={tag} />
                  <IconButton type="submit" name="intent" value="untag" icon="close" label={`Remove tag ${tag}`} className="chip__remove" />
                </PostForm>
              )}
            </li>
          ))}
        </ul>
      )}
      {canWrite && (
        <PostForm className="inline-form" preventScrollReset>
          <TagField label="Add a tag" name="tag" tags={tags.filter((t) => !contact.tags.includes(t.name))} required error={errors?.fields.tags} />
          <SubmitButton intent="tag" variant="secondary">
            Add tag
          </SubmitButton>
        </PostForm>
      )}
    </section>
  );
}

function ListsCard({ lists, memberships, canWrite }: { lists: ContactList[]; memberships: string[]; canWrite: boolean }) {
  const subscribed = lists.filter((l) => memberships.includes(l.id));
  const others = lists.filter((l) => !memberships.includes(l.id));
  return (
    <section className="card settings-card" aria-labelledby="lists-title">
      <h2 id="lists-title" className="section__title">
        Lists
      </h2>
      {subscribed.length === 0 ? (
        <p className="text-muted">Not subscribed to any list.</p>
      ) : (
        <ul className="plain-list">
          {subscribed.map((list) => (
            <li key={list.id} className="plain-list__item">
              <Link to={`/contacts?list=${encodeURIComponent(list.id)}`}>{list.name}</Link>
              {canWrite && (
                <ConfirmSubmit
                  trigger={{ label: 'Remove', ariaLabel: `Remove from ${list.name}` }}
                  title={`Remove from ${list.name}?`}
                  confirmLabel="Remove from list"
                  fields={{ intent: 'list-remove', list_id: list.id }}
                >
                  <p>They stop getting campaigns sent to this list. You can add them again later.</p>
                </ConfirmSubmit>
              )}
            </li>
          ))}
        </ul>
      )}
      {canWrite && others.length > 0 && (
        <PostForm className="inline-form" preventScrollReset>
          <FormField label="Add to a list">
            {(control) => <Select name="list_id" required options={[{ value: '', label: 'Choose a list' }, ...others.map((l) => ({ value: l.id, label: l.name }))]} {...control} />}
          </FormField>
          <SubmitButton intent="list-add" variant="secondary">
            Add to list
          </SubmitButton>
        </PostForm>
      )}
    </section>
  );
}

function ActivityTimeline() {
  const { activity, activityCursor, nextActivityCursor, lists } = useLoaderData<typeof loader>();
  const listNames = new Map(lists.map((l) => [l.id, l.name]));
  return (
    <section className="section" aria-labelledby="activity-title">
      <h2 id="activity-title" className="section__title">
        Activity
      </h2>
      {activity.length === 0 ? (
        <EmptyState icon="clock" title="No activity yet" description="Sign-ups, list changes, campaigns sent, opens and clicks show up here as they happen." />
      ) : (
        <ol className="timeline">
          {activity.map((event) => (
            <li key={event.id} className="timeline__item">
              <time className="timeline__time" dateTime={event.created_at}>
                {formatDateTime(event.created_at)}
              </time>
              <span>{describeActivity(event, listNames)}</span>
            </li>
          ))}
        </ol>
      )}
      <CursorPager
        label="Activity pages"
        firstUrl={activityCursor ? '?' : null}
        nextUrl={nextActivityCursor ? `?activity=${encodeURIComponent(nextActivityCursor)}` : null}
        firstLabel="Newest activity"
        nextLabel="Older activity"
        preventScrollReset
      />
    </section>
  );
}
