import type { DnsRecord } from '~/lib/api-types';
import { Badge, type BadgeTone } from '../atoms/Badge';
import { Icon, type IconName } from '../atoms/Icon';
import { CopyButton } from '../molecules/CopyButton';

const PURPOSE: Record<DnsRecord['kind'], string> = {
  dkim: 'DKIM: signs your mail',
  spf: 'SPF: allows Edgepost to send for you',
  dmarc: 'DMARC: tells receivers what to do with mail that fails',
  return_path: 'Return path: receives bounces',
};

/**
 * The records to publish at the DNS provider, each with copy buttons and what the last check
 * found: a tick when it matches, a cross with the values found and what to fix when it does not.
 */
export function DnsRecordsTable({ domain, records }: { domain: string; records: DnsRecord[] }) {
  return (
    <div className="data-table__scroll" role="region" aria-label={`DNS records for ${domain}`} tabIndex={0}>
      <table className="table dns-records">
        <caption className="visually-hidden">DNS records for {domain}</caption>
        <thead>
          <tr>
            <th scope="col">State</th>
            <th scope="col">Type</th>
            <th scope="col">Name</th>
            <th scope="col">Value</th>
          </tr>
        </thead>
        <tbody>
          {records.map((record) => (
            <tr key={`${record.kind}:${record.name}`} data-record={record.kind} data-ok={record.ok}>
              <td data-label="State">
                <RecordState record={record} />
                <span className="dns-records__purpose text-muted">
                  {PURPOSE[record.kind]}
                  {!record.required && ' (recommended)'}
                </span>
              </td>
              <td data-label="Type">
                <code>{record.type}</code>
              </td>
              <td data-label="Name">
                <CopyableValue value={record.name} label="Copy name" />
              </td>
              <td data-label="Value">
                <CopyableValue value={record.expected} label="Copy value" />
                {record.state === 'mismatch' && record.found.length > 0 && (
                  <div className="dns-records__found">
                    <span className="text-muted">Found instead:</span>
                    {record.found.map((value) => (
                      <code key={value}>{value}</code>
                    ))}
                  </div>
                )}
                {record.detail && !record.ok && <p className="dns-records__detail">{record.detail}</p>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Long values (a DKIM key is 400 characters) wrap anywhere; the button copies them whole. */
function CopyableValue({ value, label }: { value: string; label: string }) {
  return (
    <div className="dns-records__value">
      <code>{value}</code>
      <CopyButton value={value} label={label} />
    </div>
  );
}

const STATES: Record<DnsRecord['state'], { icon: IconName | null; label: string }> = {
  unchecked: { icon: null, label: 'Not checked yet' },
  ok: { icon: 'check', label: 'Found' },
  missing: { icon: 'close', label: 'Not found' },
  mismatch: { icon: 'close', label: 'Wrong value' },
  error: { icon: 'alert', label: 'Lookup failed' },
};

function RecordState({ record }: { record: DnsRecord }) {
  const { icon, label } = STATES[record.state];
  const tone: BadgeTone =
    record.state === 'ok' ? 'success' : record.state === 'unchecked' ? 'neutral' : record.required && record.state !== 'error' ? 'danger' : 'warning';
  return (
    <Badge tone={tone}>
      {icon && <Icon name={icon} size={14} />} {label}
    </Badge>
  );
}
