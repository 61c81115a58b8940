import { Link } from '@remix-run/react';
import type { CampaignWithProgress } from '~/lib/api-types';
import { campaignDate } from '~/lib/campaign-status';
import { campaignUrl } from '~/lib/campaign-wizard';
import { CampaignStatusBadge } from '../molecules/CampaignStatusBadge';

/** A few campaigns on the overview (upcoming, recent), each with its date and a link to its page. */
export function CampaignShortList({ title, campaigns, empty, id }: { title: string; campaigns: CampaignWithProgress[]; empty: string; id: string }) {
  return (
    <section className="card stack" aria-labelledby={id}>
      <h2 id={id} className="section__title">
        {title}
      </h2>
      {campaigns.length === 0 ? (
        <p className="text-muted">{empty}</p>
      ) : (
        <ul className="short-list">
          {campaigns.map((c) => (
            <li key={c.id} className="short-list__item">
              <Link to={campaignUrl(c)}>{c.name}</Link>
              <span className="short-list__meta">
                <CampaignStatusBadge status={c.status} /> <span className="text-muted">{campaignDate(c).label}</span>
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
