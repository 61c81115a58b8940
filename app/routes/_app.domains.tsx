import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/cloudflare';
import { useActionData, useLoaderData } from '@remix-run/react';
import { Icon } from '~/components/atoms/Icon';
import { EmptyState } from '~/components/molecules/EmptyState';
import { FormAlert } from '~/components/molecules/FormAlert';
import { TextField } from '~/components/molecules/FormField';
import { PageHeader } from '~/components/molecules/PageHeader';
import { PostForm } from '~/components/molecules/PostForm';
import { SubmitButton } from '~/components/molecules/SubmitButton';
import { DomainCard } from '~/components/organisms/DomainCard';
import { LINK_DOMAIN_INTENTS, TrackingDomainCard } from '~/components/organisms/TrackingDomainCard';
import type { ActionResult } from '~/lib/action-result';
import { userApi } from '~/lib/api.server';
import type { DomainList, PlatformSender, SendingDomain, TrackingDomain } from '~/lib/api-types';
import { field, formAction } from '~/lib/form-action.server';
import { plural } from '~/lib/format';
import { useMe } from '~/lib/me';
import { can } from '~/lib/permissions';
import { ApiProblem } from '~/lib/problem';
import { reply } from '~/lib/respond.server';
import domainsCss from '~/styles/domains.css?url';

// Errors of this page render inside the app layout, so the navigation stays.
export { RouteError as ErrorBoundary } from '~/components/organisms/RouteError';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: domainsCss }];

export const meta: MetaFunction = () => [{ title: 'Sending domains · Edgepost' }];

const domainPath = (id: string) => `/v1/domains/${encodeURIComponent(id)}`;
const LINK_DOMAIN = '/v1/tracking-domain';

export async function loader(args: LoaderFunctionArgs) {
  const api = userApi(args);
  const [domains, linkDomain] = await Promise.all([
    api.get<DomainList>('/v1/domains'),
    // 404: the workspace has no link domain of its own.
    api.get<TrackingDomain>(LINK_DOMAIN).catch((error: unknown) => {
      if (error instanceof ApiProblem && error.status === 404) return null;
      throw error;
    }),
  ]);
  return reply(args, { ...domains, link_domain: linkDomain });
}

/** `publish-local` exists only in local development: elsewhere the API answers 404, which this explains. */
async function publishLocally<T>(publish: () => Promise<T>): Promise<T> {
  try {
    return await publish();
  } catch (error) {
    if (error instanceof ApiProblem && error.status === 404) {
      throw new ApiProblem(404, error.type, error.title, 'Publishing to DNS from Edgepost works only in local development. Add the records at your DNS provider.');
    }
    throw error;
  }
}

export async function action(args: ActionFunctionArgs) {
  const api = userApi(args);
  return formAction(args, async (form, intent) => {
    const id = field(form, 'id');
    switch (intent) {
      case 'add': {
        const domain = await api.post<SendingDomain>('/v1/domains', { domain: field(form, 'domain') });
        return { toast: `${domain.domain} added: publish its DNS records, then verify.` };
      }
      case 'verify':
        return { toast: verifyOutcome(await api.post<SendingDomain>(`${domainPath(id)}/verify`)) };
      case 'publish-local': {
        const domain = await publishLocally(() => api.post<SendingDomain>(`${domainPath(id)}/publish-local`));
        return { toast: `The records of ${domain.domain} are in the local DNS zone: verify it now.` };
      }
      case 'rotate-dkim': {
        const domain = await api.post<SendingDomain>(`${domainPath(id)}/rotate-dkim`);
        const pending = domain.dkim_keys.find((k) => k.status === 'pending');
        return { toast: pending ? `New DKIM key ${pending.selector} created: publish its record, then verify.` : `DKIM key of ${domain.domain} rotated.` };
      }
      case 'delete':
        await api.delete(domainPath(id));
        return { toast: 'Domain deleted.' };
      case LINK_DOMAIN_INTENTS.add: {
        const link = await api.put<TrackingDomain>(LINK_DOMAIN, { hostname: field(form, 'hostname') });
        return { toast: `${link.hostname} added: publish its CNAME record, then verify.` };
      }
      case LINK_DOMAIN_INTENTS.verify: {
        const link = await api.post<TrackingDomain>(`${LINK_DOMAIN}/verify`);
        return { toast: link.status === 'active' ? `${link.hostname} is active: links in new mail use it.` : `${link.hostname} is not active yet: ${link.detail ?? 'its CNAME was not found.'}` };
      }
      case LINK_DOMAIN_INTENTS.publish: {
        const link = await publishLocally(() => api.post<TrackingDomain>(`${LINK_DOMAIN}/publish-local`));
        return { toast: `The CNAME of ${link.hostname} is in the local DNS zone: verify it now.` };
      }
      case LINK_DOMAIN_INTENTS.remove:
        await api.delete(LINK_DOMAIN);
        return { toast: 'Link domain deleted: new mail links to the Edgepost address.' };
      default:
        throw new Response(`Unknown intent ${intent}`, { status: 400 });
    }
  });
}

function verifyOutcome(domain: SendingDomain): string {
  if (domain.status === 'verified') return `${domain.domain} is verified: you can send from it.`;
  const required = domain.records.filter((r) => r.required);
  const missing = required.filter((r) => !r.ok).length;
  return `${domain.domain} is not verified yet: ${plural(missing, 'required record')} not found as expected. DNS changes can take a while to show up.`;
}

export default function Domains() {
  const { data: domains, platform, custom_domains_allowed: allowed, max_domains: maxDomains, link_domain: linkDomain } = useLoaderData<typeof loader>();
  const canWrite = can(useMe(), 'domains:write');
  const atLimit = domains.length >= maxDomains;
  return (
    <>
      <PageHeader
        title="Sending domains"
        description="Send from your own domain, signed with DKIM and covered by SPF, so inboxes trust your mail and show your name."
        breadcrumb={[{ label: 'Sending' }]}
      />
      <div className="stack">
        <PlatformSenderCard platform={platform} allowed={allowed} />
        {canWrite && <AddDomainForm key={domains.length} allowed={allowed} atLimit={atLimit} maxDomains={maxDomains} />}
        {domains.length === 0 ? (
          <EmptyState
            icon="mail"
            title="No domains of your own yet"
            description={
              allowed
                ? 'Add the domain you send from (e.g. example.com), publish the DNS records it shows, and verify it.'
                : `Until you upgrade, mail goes out as ${platform.from_email}.`
            }
          />
        ) : (
          domains.map((domain) => <DomainCard key={domain.id} domain={domain} canWrite={canWrite} />)
        )}
        <TrackingDomainCard domain={linkDomain} allowed={allowed} canWrite={canWrite} />
      </div>
    </>
  );
}

function PlatformSenderCard({ platform, allowed }: { platform: PlatformSender; allowed: boolean }) {
  return (
    <section className="card platform-sender" aria-labelledby="platform-sender-title">
      <span className="empty-state__icon">
        <Icon name="mail" size={24} />
      </span>
      <div className="stack stack--tight">
        <h2 id="platform-sender-title" className="settings-card__subtitle">
          Platform sender
        </h2>
        <p>
          Without a verified domain of your own, you send as <code data-testid="platform-from">{platform.from_email}</code>, signed by Edgepost.
        </p>
        {!allowed && <p className="text-muted">Your plan sends from the Edgepost domain. Upgrade your plan to send from your own domain.</p>}
      </div>
    </section>
  );
}

/** Keyed by the number of domains by its page: an added domain leaves an empty field for the next. */
function AddDomainForm({ allowed, atLimit, maxDomains }: { allowed: boolean; atLimit: boolean; maxDomains: number }) {
  const result = useActionData<ActionResult>();
  const errors = result && !result.ok && result.intent === 'add' ? result.errors : undefined;
  const blocked = !allowed
    ? 'Your plan does not include sending domains of your own: upgrade it to add one.'
    : atLimit
    ? `Your plan allows ${plural(maxDomains, 'domain')}: delete one to add another.`
    : undefined;
  return (
    <section className="card settings-card" aria-labelledby="add-domain-title">
      <h2 id="add-domain-title" className="settings-card__subtitle">
        Add a domain
      </h2>
      {blocked ? (
        <p className="text-muted">{blocked}</p>
      ) : (
        <PostForm className="inline-form" preventScrollReset>
          <TextField
            label="Domain"
            name="domain"
            required
            autoComplete="off"
            autoCapitalize="off"
            spellCheck={false}
            placeholder="example.com"
            hint="The part after @ in the addresses you send from. A subdomain (mail.example.com) works too."
            error={errors?.fields.domain}
          />
          <SubmitButton intent="add" icon="plus">
            Add domain
          </SubmitButton>
        </PostForm>
      )}
      <FormAlert message={errors?.form} />
    </section>
  );
}
