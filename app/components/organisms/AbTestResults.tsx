import type { AbTest, CampaignLiveProgress } from '~/lib/api-types';
import { formatDateTime } from '~/lib/format';
import { formatRate } from '~/lib/sender-health';
import { Badge } from '../atoms/Badge';

/** An A/B test's state: the variants with their rates, the winner, and when it is (or was) decided. */
export function AbTestResults({ test, live, templateNames }: { test: AbTest; live: CampaignLiveProgress['ab_test']; templateNames: Map<string, string> }) {
  const metric = test.metric === 'clicks' ? 'click rate' : 'open rate';
  const winner = live?.winner ?? test.winner ?? null;
  const phase = winner
    ? `Variant ${winner} won on ${metric}; the rest of the audience gets it.`
    : live?.phase === 'waiting' && live.decides_at
    ? `The variants went to ${test.test_percent} % of the audience. The winner on ${metric} is chosen at ${formatDateTime(live.decides_at)}.`
    : `The variants go to ${test.test_percent} % of the audience first; ${test.wait_hours} h later the best ${metric} wins.`;
  const results = new Map((live?.variants ?? []).map((v) => [v.key, v]));
  return (
    <section className="card stack" aria-labelledby="ab-title" data-testid="ab-test">
      <h2 id="ab-title" className="section__title">
        A/B test
      </h2>
      <p>{phase}</p>
      <div className="data-table__scroll" role="region" aria-label="A/B variants" tabIndex={0}>
        <table className="table ab-table">
          <caption className="visually-hidden">A/B variants and their results</caption>
          <thead>
            <tr>
              <th scope="col">Variant</th>
              <th scope="col">{test.variants.some((v) => v.template_id) ? 'Template' : 'Subject'}</th>
              <th scope="col" className="table__numeric">
                Sent
              </th>
              <th scope="col" className="table__numeric">
                Open rate
              </th>
              <th scope="col" className="table__numeric">
                Click rate
              </th>
            </tr>
          </thead>
          <tbody>
            {test.variants.map((v) => {
              const r = results.get(v.key);
              return (
                <tr key={v.key}>
                  <th scope="row">
                    {v.key} {winner === v.key && <Badge tone="success">Winner</Badge>}
                  </th>
                  <td>{v.template_id ? templateNames.get(v.template_id) ?? v.template_id : v.subject ?? '—'}</td>
                  <td className="table__numeric">{r ? r.sent.toLocaleString('en') : '—'}</td>
                  <td className="table__numeric">{r ? formatRate(r.open_rate) : '—'}</td>
                  <td className="table__numeric">{r ? formatRate(r.click_rate) : '—'}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}
