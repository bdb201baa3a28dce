import { useEffect, useState } from 'react';
import { LazyCellsMap } from '../requests/LazyRequestMaps';
import { Link } from '../router';
import { reportUrl, type AnnualReport } from './AnnualReportPage';

/**
 * Where an agency's requests were, as coarsely as the log holds it: the year's requests per H3 resolution-8
 * cell (about 0.7 km²), from its annual report's "where" section, so the page and `porchlight report` agree.
 */
export function RequestCells({ agencyId, year }: { agencyId: number; year: string }) {
  const [rows, setRows] = useState<AnnualReport['sections'][number]['rows'] | null>(null);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    let live = true;
    setRows(null);
    setFailed(false);
    fetch(reportUrl(agencyId, year), { headers: { accept: 'application/json' } })
      .then(async (res) => {
        if (!res.ok) throw new Error(String(res.status));
        const report = (await res.json()) as AnnualReport;
        if (live) setRows(report.sections.find((s) => s.id === 'where')?.rows ?? []);
      })
      .catch(() => {
        if (live) setFailed(true);
      });
    return () => {
      live = false;
    };
  }, [agencyId, year]);

  return (
    <section aria-labelledby="dash-cells" className="card">
      <h2 id="dash-cells">Where: requests per coarse cell in {year}</h2>
      <p>
        A request logs only the H3 resolution-8 cells (about 0.7 km² each) covering its area, never the area
        drawn; a request counts once in every cell it covers. From the{' '}
        <Link to={`/dashboard/agencies/${agencyId}/report/${year}`}>annual report {year}</Link>.
      </p>
      {failed ? (
        <p className="muted">The cells could not be loaded.</p>
      ) : rows === null ? (
        <p className="muted">Loading…</p>
      ) : rows.length === 0 ? (
        <p className="muted">No requests published in {year}.</p>
      ) : (
        <>
          <LazyCellsMap
            label={`Cells the ${year} requests covered`}
            cells={rows.map((r) => r.breakdown.slice('cell='.length))}
          />
          <table className="figure-table" aria-labelledby="dash-cells">
            <thead>
              <tr>
                <th scope="col">H3 cell</th>
                <th scope="col">Requests</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.breakdown} data-cell={r.breakdown.slice('cell='.length)}>
                  <th scope="row" className="mono">
                    {r.breakdown.slice('cell='.length)}
                  </th>
                  <td>{r.value}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
