import type { AbTest, AbTestReport, CampaignLiveProgress } from '~/lib/api-types';
import { formatDateTime } from '~/lib/format';
import { formatRate } from '~/lib/sender-health';
import { significanceText } from '~/lib/significance';
import { Badge } from '../atoms/Badge';
import { Verdict } from '../molecules/Verdict';

/**
 * An A/B test's state: the variants with their rates, the winner, and when it is (or was) decided;
 * with the report, whether each variant's gap to the leader on the test's metric is more than chance.
 */
export function AbTestResults({ test, live, report = null, templateNames }: { test: AbTest; live: CampaignLiveProgress['ab_test']; report?: AbTestReport | null; templateNames: Map<string, string> }) {
  const metric = test.metric === 'clicks' ? 'click rate' : 'open rate';
  const winner = live?.winner ?? test.winner ?? null;
  const phase = winner
    ? `Variant ${winner} won on ${metric}; the rest of the audience gets it.`
    : live?.phase === 'waiting' && live.decides_at
    ? `The variants went to ${test.test_percent} % of the audience. The winner on ${metric} is chosen at ${formatDateTime(live.decides_at)}.`
    : `The variants go to ${test.test_percent} % of the audience first; ${test.wait_hours} h later the best ${metric} wins.`;
  const results = new Map((report?.variants ?? live?.variants ?? []).map((v) => [v.key, v]));
  const significance = new Map((report?.variants ?? []).map((v) => [v.key, significanceText(test.metric === 'clicks' ? v.click_significance : v.open_significance)]));
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
              {report && <th scope="col">Significance ({metric})</th>}
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
                  {report && <td>{significance.has(v.key) ? <Verdict tone={significance.get(v.key)!.tone}>{significance.get(v.key)!.text}</Verdict> : '—'}</td>}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {report && <p className="text-muted">Each variant is compared with the leader by a two-proportion z-test; a gap is significant when p &lt; 0.05.</p>}
    </section>
  );
}
