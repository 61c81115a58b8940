import { useFetcher } from '@remix-run/react';
import type { ActionResult } from '~/lib/action-result';
import { FormAlert } from '../molecules/FormAlert';
import { HiddenFields } from '../molecules/HiddenFields';
import { PostForm } from '../molecules/PostForm';
import { SubmitButton } from '../molecules/SubmitButton';

/**
 * Names under the testing TLDs (RFC 2606) never resolve publicly and the API refuses them in
 * production: such a domain means the local stack, whose DNS zone Edgepost can publish into.
 */
export const isLocalTestDomain = (domain: string) => /\.(test|example)$/.test(domain);

/** A one-click domain action (verify, publish to the local DNS zone) with its own spinner and its error next to it. */
export function DomainAction({
  intent,
  label,
  domain,
  fields = {},
  variant,
}: {
  intent: string;
  label: string;
  /** The hostname the action is about, for the button's accessible name. */
  domain: string;
  fields?: Record<string, string>;
  variant: 'primary' | 'secondary';
}) {
  const fetcher = useFetcher<ActionResult>();
  const error = fetcher.data && !fetcher.data.ok ? fetcher.data.errors.form : undefined;
  return (
    <PostForm fetcher={fetcher} className="domain-card__action">
      <HiddenFields fields={fields} />
      <SubmitButton intent={intent} variant={variant} icon={variant === 'primary' ? 'check' : 'upload'} busy={fetcher.state !== 'idle'} aria-label={`${label}: ${domain}`}>
        {label}
      </SubmitButton>
      <FormAlert message={error} />
    </PostForm>
  );
}

/** The local stack's two buttons for a `.test` name: publish its records, then verify; elsewhere just verify. */
export function VerifyActions({ domain, intents, fields }: { domain: string; intents: { publish: string; verify: string }; fields?: Record<string, string> }) {
  return (
    <div className="row">
      {isLocalTestDomain(domain) && <DomainAction domain={domain} intent={intents.publish} label="Publish to local DNS" variant="secondary" fields={fields} />}
      <DomainAction domain={domain} intent={intents.verify} label="Verify" variant="primary" fields={fields} />
    </div>
  );
}
