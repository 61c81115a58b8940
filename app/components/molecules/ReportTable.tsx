import type { ReactNode } from 'react';

/** A row label and its numbers: the shape of every table in the reports (and of every chart's data). */
export function ReportTable({ headers, rows, caption }: { headers: [string, ...string[]]; rows: { key: string; label: ReactNode; values: ReactNode[] }[]; caption?: string }) {
  const [first, ...numeric] = headers;
  return (
    <table className="table">
      {caption && <caption className="visually-hidden">{caption}</caption>}
      <thead>
        <tr>
          <th scope="col">{first}</th>
          {numeric.map((h) => (
            <th key={h} scope="col" className="table__numeric">
              {h}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.key}>
            <th scope="row">{r.label}</th>
            {r.values.map((v, i) => (
              <td key={numeric[i]} className="table__numeric">
                {v}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
