import type { DomainStatus, SendingDomain } from '~/lib/api-types';
import { formatDate, formatDateTime } from '~/lib/format';
import { Badge, type BadgeTone } from '../atoms/Badge';
import { ConfirmSubmit } from './ConfirmSubmit';
import { DnsRecordsTable } from './DnsRecordsTable';
import { isLocalTestDomain, VerifyActions } from './DomainAction';

const STATUS: Record<DomainStatus, { tone: BadgeTone; label: string }> = {
  pending: { tone: 'warning', label: 'Pending' },
  verified: { tone: 'success', label: 'Verified' },
  failing: { tone: 'danger', label: 'Failing' },
};

/** One sending domain: its state, the records to publish with what each check found, and its actions. */
export function DomainCard({ domain, canWrite }: { domain: SendingDomain; canWrite: boolean }) {
  const status = STATUS[domain.status];
  const headingId = `domain-${domain.id}`;
  const activeKey = domain.dkim_keys.find((k) => k.status === 'active');
  return (
    <section className="card domain-card" aria-labelledby={headingId} data-domain={domain.domain}>
      <div className="domain-card__header">
        <div className="stack stack--tight">
          <h2 id={headingId} className="domain-card__title">
            {domain.domain} <Badge tone={status.tone}>{status.label}</Badge>
          </h2>
          <p className="text-muted domain-card__meta">{describe(domain)}</p>
        </div>
        {canWrite && <VerifyActions domain={domain.domain} intents={{ publish: 'publish-local', verify: 'verify' }} fields={{ id: domain.id }} />}
      </div>
      {domain.status !== 'verified' && (
        <p>
          Add these records at your DNS provider, then press Verify. DNS changes can take from a few minutes to a few hours to show up.
          {isLocalTestDomain(domain.domain) && ' This is a local test domain: “Publish to local DNS” adds them to the development DNS zone for you.'}
        </p>
      )}
      <DnsRecordsTable domain={domain.domain} records={domain.records} />
      {domain.dkim_keys.length > 0 && (
        <div className="domain-card__keys">
          <h3 className="settings-card__subtitle">DKIM keys</h3>
          <ul className="plain-list">
            {domain.dkim_keys.map((key) => (
              <li key={key.selector} className="plain-list__item">
                <span>
                  Selector <code>{key.selector}</code>{' '}
                  <Badge tone={key.status === 'active' ? 'success' : key.status === 'pending' ? 'warning' : 'neutral'}>{key.status}</Badge>
                </span>
                <span className="text-muted">{key.activated_at ? `active since ${formatDate(key.activated_at)}` : `created ${formatDate(key.created_at)}`}</span>
              </li>
            ))}
          </ul>
        </div>
      )}
      {canWrite && (
        <div className="domain-card__footer row">
          <ConfirmSubmit
            trigger={{ label: 'Rotate DKIM key', icon: 'key', variant: 'secondary', ariaLabel: `Rotate DKIM key of ${domain.domain}` }}
            title={`Rotate the DKIM key of ${domain.domain}?`}
            confirmLabel="Create a new key"
            fields={{ intent: 'rotate-dkim', id: domain.id }}
          >
            <p>
              Edgepost creates a new key under a new selector and shows its TXT record here. Publish that record: mail stays signed with the current key
              {activeKey ? (
                <>
                  {' '}
                  (<code>{activeKey.selector}</code>)
                </>
              ) : null}{' '}
              until a check finds the new one, and then the old key is retired.
            </p>
          </ConfirmSubmit>
          <ConfirmSubmit
            trigger={{ label: 'Delete', icon: 'trash', variant: 'danger', ariaLabel: `Delete ${domain.domain}` }}
            title={`Delete ${domain.domain}?`}
            confirmLabel="Delete domain"
            fields={{ intent: 'delete', id: domain.id }}
          >
            <p>Edgepost stops sending from addresses at {domain.domain}. Adding it again later means publishing new DKIM records.</p>
          </ConfirmSubmit>
        </div>
      )}
    </section>
  );
}

function describe(domain: SendingDomain): string {
  const checked = domain.last_checked_at ? `Last checked ${formatDateTime(domain.last_checked_at)}.` : 'Not checked yet.';
  if (domain.status === 'verified' && domain.verified_at) return `Verified ${formatDate(domain.verified_at)}: you can send from any address at it. ${checked}`;
  if (domain.status === 'failing')
    return `Records missing since ${
      domain.failing_since ? formatDateTime(domain.failing_since) : 'the last check'
    }: put them back so mail from it keeps passing DKIM and SPF checks. ${checked}`;
  return `Waiting for its DNS records. ${checked}`;
}
