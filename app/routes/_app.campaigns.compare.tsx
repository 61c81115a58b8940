import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/cloudflare';
import { Form, Link, useLoaderData } from '@remix-run/react';
import { Button } from '~/components/atoms/Button';
import { Checkbox } from '~/components/atoms/Checkbox';
import { EmptyState } from '~/components/molecules/EmptyState';
import { PageHeader } from '~/components/molecules/PageHeader';
import { PrintButton } from '~/components/molecules/PrintButton';
import { userApi } from '~/lib/api.server';
import type { CampaignStats, CampaignWithProgress, Page } from '~/lib/api-types';
import { COMPARE_METRICS, MAX_COMPARED, bestIndex, compareIdsOf } from '~/lib/campaign-compare';
import { campaignDate } from '~/lib/campaign-status';
import { campaignUrl } from '~/lib/campaign-wizard';
import { campaignPath, loadCampaign } from '~/lib/campaigns.server';
import { reply } from '~/lib/respond.server';
import analyticsCss from '~/styles/analytics.css?url';

// Errors of this page render inside the app layout, so the navigation stays.
export { RouteError as ErrorBoundary } from '~/components/organisms/RouteError';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: analyticsCss }];

export const meta: MetaFunction = () => [{ title: 'Compare campaigns · Edgepost' }];

export async function loader(args: LoaderFunctionArgs) {
  const api = userApi(args);
  const ids = compareIdsOf(new URL(args.request.url));
  const [sent, compared] = await Promise.all([
    api.get<Page<CampaignWithProgress>>('/v1/campaigns', { status: 'sent', limit: 50 }),
    ids.length >= 2
      ? Promise.all(ids.map(async (id) => ({ campaign: await loadCampaign(api, id), stats: await api.get<CampaignStats>(`${campaignPath(id)}/stats`) })))
      : [],
  ]);
  return reply(args, { ids, sent: sent.data, compared });
}

export default function CompareCampaigns() {
  const { ids, sent, compared } = useLoaderData<typeof loader>();
  return (
    <>
      <PageHeader
        title="Compare campaigns"
        description={`Put 2 to ${MAX_COMPARED} sent campaigns side by side. The best value of each row is marked.`}
        breadcrumb={[{ label: 'Campaigns', to: '/campaigns' }]}
        actions={compared.length > 0 ? <PrintButton label="Print comparison" /> : null}
      />
      <div className="stack">
        {compared.length > 0 && (
          <section className="card" aria-labelledby="compare-title">
            <h2 id="compare-title" className="visually-hidden">
              Comparison
            </h2>
            <div className="data-table__scroll" role="region" aria-label="Campaign comparison" tabIndex={0}>
              <table className="table compare-table" data-testid="compare-table">
                <caption className="visually-hidden">Campaigns compared; the best value of each row is marked “best”.</caption>
                <thead>
                  <tr>
                    <th scope="col">Measure</th>
                    {compared.map(({ campaign }) => (
                      <th key={campaign.id} scope="col" className="table__numeric">
                        <Link to={campaignUrl(campaign)}>{campaign.name}</Link>
                        <span className="compare-table__date text-muted">{campaignDate(campaign).label}</span>
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {COMPARE_METRICS.map((m) => {
                    const values = compared.map(({ stats }) => m.value(stats));
                    const best = bestIndex(values, m.lowerIsBetter);
                    return (
                      <tr key={m.label}>
                        <th scope="row">{m.label}</th>
                        {values.map((v, i) => (
                          <td key={compared[i]!.campaign.id} className={`table__numeric${i === best ? ' compare-table__best' : ''}`}>
                            {m.format(v)}
                            {i === best && <span className="compare-table__badge"> best</span>}
                          </td>
                        ))}
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          </section>
        )}
        <section className="card stack no-print" aria-labelledby="pick-title">
          <h2 id="pick-title" className="section__title">
            {compared.length > 0 ? 'Change the campaigns' : 'Choose campaigns'}
          </h2>
          {sent.length < 2 ? (
            <EmptyState icon="send" title="Not enough sent campaigns" description="Once two campaigns have been sent, you can compare them here." />
          ) : (
            <Form method="get" className="stack">
              <fieldset className="fieldset">
                <legend className="field__label">Sent campaigns (choose 2 to {MAX_COMPARED})</legend>
                <div className="compare-picker">
                  {sent.map((c) => (
                    <Checkbox key={c.id} name="ids" value={c.id} defaultChecked={ids.includes(c.id)} label={`${c.name} (${campaignDate(c).label})`} />
                  ))}
                </div>
              </fieldset>
              <div>
                <Button type="submit" variant="primary" icon="columns">
                  Compare
                </Button>
              </div>
            </Form>
          )}
        </section>
      </div>
    </>
  );
}
