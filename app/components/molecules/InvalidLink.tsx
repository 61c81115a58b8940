import { Link } from '@remix-run/react';
import { AuthCard } from './AuthCard';

/** What an emailed link shows when its token is missing, used or expired: and how to get a new one. */
export function InvalidLink({ title, description, next }: { title: string; description: string; next: { to: string; label: string } }) {
  return (
    <AuthCard title={title} description={description}>
      <Link className="btn btn--primary btn--md btn--block" to={next.to}>
        {next.label}
      </Link>
    </AuthCard>
  );
}
