import { useActionData } from '@remix-run/react';
import { useState } from 'react';
import type { ActionResult } from '~/lib/action-result';
import type { Transport } from '~/lib/api-types';
import { MAIL_STREAMS, type TransportRoute } from '~/lib/transport-kinds';
import { Button, IconButton } from '../atoms/Button';
import { Select } from '../atoms/Select';
import { FormAlert } from '../molecules/FormAlert';
import { FormField } from '../molecules/FormField';
import { PostForm } from '../molecules/PostForm';
import { SubmitButton } from '../molecules/SubmitButton';

const STREAM_LABELS = { marketing: 'Marketing (campaigns)', transactional: 'Transactional (API sends)' } as const;

interface RoutingTableProps {
  routes: TransportRoute[];
  transports: Transport[];
  /** The workspace's sending domains: a route may serve one of them only. */
  domains: string[];
  canWrite: boolean;
}

/**
 * Which transport carries which stream, for all domains or one, with an optional fallback for
 * when the primary keeps failing. Saved as a whole (the API replaces the table in one go).
 */
export function RoutingTable({ routes, transports, domains, canWrite }: RoutingTableProps) {
  const result = useActionData<ActionResult>();
  const errors = result && !result.ok && result.intent === 'routes' ? result.errors : undefined;
  const [rows, setRows] = useState(() => routes.map((r, i) => ({ ...r, key: i })));
  const [nextKey, setNextKey] = useState(routes.length);
  const transportOptions = transports.map((t) => ({ value: t.id, label: t.name }));
  const e = (i: number, name: string) => errors?.fields[`routes[${i}].${name}`] ?? errors?.fields[`routes.${i}.${name}`];
  const rowError = (i: number) => errors?.fields[`routes[${i}]`] ?? errors?.fields[`routes.${i}`];

  return (
    <PostForm className="stack" preventScrollReset>
      <FormAlert message={errors?.form} />
      {rows.length === 0 ? (
        <p className="text-muted">No routes: all mail goes through the Edgepost platform relay.</p>
      ) : (
        <ol className="route-rows">
          {rows.map((row, i) => {
            const update = (change: Partial<TransportRoute>) => setRows((all) => all.map((r) => (r.key === row.key ? { ...r, ...change } : r)));
            return (
              <li key={row.key} className="route-row" aria-label={`Route ${i + 1}`}>
                <FormField label="Mail" error={e(i, 'stream')}>
                  {(control) => (
                    <Select name="route_stream" value={row.stream} onChange={(event) => update({ stream: event.currentTarget.value as TransportRoute['stream'] })} options={MAIL_STREAMS.map((s) => ({ value: s, label: STREAM_LABELS[s] }))} {...control} />
                  )}
                </FormField>
                <FormField label="From domain" error={e(i, 'domain')}>
                  {(control) => (
                    <Select
                      name="route_domain"
                      value={row.domain}
                      onChange={(event) => update({ domain: event.currentTarget.value })}
                      options={[{ value: '*', label: 'Any domain' }, ...domains.map((d) => ({ value: d, label: d }))]}
                      {...control}
                    />
                  )}
                </FormField>
                <FormField label="Transport" error={e(i, 'transport_id')}>
                  {(control) => <Select name="route_transport" value={row.transport_id} onChange={(event) => update({ transport_id: event.currentTarget.value })} options={transportOptions} {...control} />}
                </FormField>
                <FormField label="Fallback" error={e(i, 'fallback_transport_id')}>
                  {(control) => (
                    <Select
                      name="route_fallback"
                      value={row.fallback_transport_id ?? ''}
                      onChange={(event) => update({ fallback_transport_id: event.currentTarget.value || null })}
                      options={[{ value: '', label: 'None' }, ...transportOptions]}
                      {...control}
                    />
                  )}
                </FormField>
                {canWrite && <IconButton icon="trash" label={`Remove route ${i + 1}`} onClick={() => setRows((all) => all.filter((r) => r.key !== row.key))} />}
                {rowError(i) && <p className="field__error route-row__error">{rowError(i)}</p>}
              </li>
            );
          })}
        </ol>
      )}
      {canWrite && (
        <div className="row">
          <Button
            icon="plus"
            disabled={transports.length === 0}
            onClick={() => {
              setRows((all) => [...all, { stream: 'marketing', domain: '*', transport_id: transports[0]?.id ?? '', fallback_transport_id: null, key: nextKey }]);
              setNextKey((k) => k + 1);
            }}
          >
            Add route
          </Button>
          <SubmitButton intent="routes" icon="check">
            Save routing
          </SubmitButton>
        </div>
      )}
    </PostForm>
  );
}
