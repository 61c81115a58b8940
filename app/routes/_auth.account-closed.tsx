import type { MetaFunction } from '@remix-run/cloudflare';
import { Link } from '@remix-run/react';
import { AuthCard } from '~/components/molecules/AuthCard';

export const meta: MetaFunction = () => [{ title: 'Account closed · Edgepost' }];

/** Where closing a workspace lands: the session has ended, so this page needs none. */
export default function AccountClosed() {
  return (
    <AuthCard title="Your account is closed" description="Nobody can sign in to the workspace or send from it any more.">
      <div className="stack">
        <p>All of its data — contacts, campaigns, templates and reports — will be deleted for good after 30 days.</p>
        <p>Changed your mind? Contact support within those 30 days and we can restore the workspace as it was.</p>
        <Link className="btn btn--secondary btn--md btn--block" to="/login">
          Go to sign in
        </Link>
      </div>
    </AuthCard>
  );
}
