import { Link, useActionData } from '@remix-run/react';
import type { ActionResult } from '~/lib/action-result';
import type { TrackingDomain } from '~/lib/api-types';
import { formatDate, formatDateTime } from '~/lib/format';
import { Badge, type BadgeTone } from '../atoms/Badge';
import { CopyableCode } from '../molecules/CopyableCode';
import { FormAlert } from '../molecules/FormAlert';
import { TextField } from '../molecules/FormField';
import { PostForm } from '../molecules/PostForm';
import { SubmitButton } from '../molecules/SubmitButton';
import { ConfirmSubmit } from './ConfirmSubmit';
import { isLocalTestDomain, VerifyActions } from './DomainAction';

const STATUS: Record<TrackingDomain['status'], { tone: BadgeTone; label: string }> = {
  pending: { tone: 'warning', label: 'Pending' },
  active: { tone: 'success', label: 'Active' },
  failing: { tone: 'danger', label: 'Failing' },
};

/** The page's action intents for the link domain. */
export const LINK_DOMAIN_INTENTS = { add: 'link-domain-add', verify: 'link-domain-verify', publish: 'link-domain-publish-local', remove: 'link-domain-delete' } as const;

interface TrackingDomainCardProps {
  domain: TrackingDomain | null;
  /** The plan includes domains of the workspace's own (the same plans as sending domains). */
  allowed: boolean;
  canWrite: boolean;
}

/**
 * The workspace's own hostname for tracking, unsubscribe and preference links: the CNAME to publish,
 * its state, and verify, publish locally (development) and delete.
 */
export function TrackingDomainCard({ domain, allowed, canWrite }: TrackingDomainCardProps) {
  return (
    <section className="card domain-card" aria-labelledby="link-domain-title" data-testid="link-domain">
      <div className="domain-card__header">
        <div className="stack stack--tight">
          <h2 id="link-domain-title" className="domain-card__title">
            Custom link domain {domain && <Badge tone={STATUS[domain.status].tone}>{STATUS[domain.status].label}</Badge>}
          </h2>
          <p className="text-muted domain-card__meta">
            Links in your mail (clicks, unsubscribe, preferences) on a subdomain of yours, such as links.example.com, instead of the shared Edgepost address: no other
            sender’s reputation rides on your links.
          </p>
        </div>
        {domain && canWrite && <VerifyActions domain={domain.hostname} intents={LINK_DOMAIN_INTENTS} />}
      </div>
      {domain ? <LinkDomainDetails domain={domain} canWrite={canWrite} /> : <AddLinkDomain allowed={allowed} canWrite={canWrite} />}
    </section>
  );
}

function LinkDomainDetails({ domain, canWrite }: { domain: TrackingDomain; canWrite: boolean }) {
  return (
    <>
      <p data-testid="link-domain-state">
        <strong className="report-link">{domain.hostname}</strong>: {describe(domain)}
        {domain.detail && <span className="text-muted"> Last check: {domain.detail}</span>}
      </p>
      {domain.status !== 'active' && (
        <p>
          Add this record at your DNS provider, then press Verify.
          {isLocalTestDomain(domain.hostname) && ' This is a local test domain: “Publish to local DNS” adds it to the development DNS zone for you.'}
        </p>
      )}
      <dl className="facts link-domain__record">
        <dt>Type</dt>
        <dd>
          <code>{domain.record.type}</code>
        </dd>
        <dt>Name</dt>
        <dd>
          <CopyableCode value={domain.record.name} copyLabel="Copy name" />
        </dd>
        <dt>Value</dt>
        <dd>
          <CopyableCode value={domain.record.value} copyLabel="Copy value" />
        </dd>
      </dl>
      {canWrite && (
        <div className="domain-card__footer row">
          <ConfirmSubmit
            trigger={{ label: 'Delete', icon: 'trash', variant: 'danger', ariaLabel: `Delete link domain ${domain.hostname}` }}
            title={`Stop using ${domain.hostname} for links?`}
            confirmLabel="Delete link domain"
            fields={{ intent: LINK_DOMAIN_INTENTS.remove }}
          >
            <p>
              New mail links to the Edgepost address again at once. Links in mail already sent keep pointing at {domain.hostname}: leave its CNAME in place for a while so
              they keep working.
            </p>
          </ConfirmSubmit>
        </div>
      )}
    </>
  );
}

function describe(domain: TrackingDomain): string {
  const checked = domain.last_checked_at ? `last checked ${formatDateTime(domain.last_checked_at)}.` : 'not checked yet.';
  if (domain.status === 'active') return `links in new mail use it${domain.verified_at ? ` (verified ${formatDate(domain.verified_at)})` : ''}; ${checked}`;
  if (domain.status === 'failing') return `its CNAME no longer points at Edgepost, so links use the Edgepost address until it is fixed; ${checked}`;
  return `waiting for its CNAME record; ${checked}`;
}

function AddLinkDomain({ allowed, canWrite }: { allowed: boolean; canWrite: boolean }) {
  const result = useActionData<ActionResult>();
  const errors = result && !result.ok && result.intent === LINK_DOMAIN_INTENTS.add ? result.errors : undefined;
  if (!allowed) {
    return (
      <p className="text-muted">
        Your plan uses the Edgepost address for links. <Link to="/settings/plan">Upgrade your plan</Link> to use a link domain of your own.
      </p>
    );
  }
  if (!canWrite) return <p className="text-muted">No link domain yet: links use the Edgepost address.</p>;
  return (
    <>
      <PostForm className="inline-form" preventScrollReset>
        <TextField
          label="Link hostname"
          name="hostname"
          required
          autoComplete="off"
          autoCapitalize="off"
          spellCheck={false}
          placeholder="links.example.com"
          hint="A subdomain you do not use for anything else: it gets one CNAME record."
          error={errors?.fields.hostname}
        />
        <SubmitButton intent={LINK_DOMAIN_INTENTS.add} icon="plus">
          Add link domain
        </SubmitButton>
      </PostForm>
      <FormAlert message={errors?.form} />
    </>
  );
}
