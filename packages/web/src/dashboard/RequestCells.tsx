import { lazy, Suspense, type ReactNode } from 'react';
import { cellShades, shadeLabel, shadeOf } from './cellShades';
import './requestCells.css';

// MapLibre is a megabyte: loaded only when there are cells to draw.
const CellCountMap = lazy(() => import('./CellCountMap'));

/**
 * Where requests were, as coarsely as the log holds it: requests per H3 resolution-8 cell (about 0.7 km²),
 * each cell shaded by its count on a map, with the legend's ranges and the same counts as a table. The
 * dashboard passes its view's `cell` breakdown of requests published (same scope and months as its other
 * figures and its download); the annual report passes its "where" section.
 */
export function RequestCells({
  id,
  title,
  counts,
  children,
}: {
  id: string;
  title: string;
  counts: Readonly<Record<string, number>>;
  children?: ReactNode;
}) {
  const shades = cellShades(counts);
  // Busiest first, so the table reads like the map's darkest cells.
  const rows = Object.entries(counts).sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1));
  const label = `${title}: each cell shaded by its number of requests`;
  return (
    <section aria-labelledby={id} className="card request-cells">
      <h2 id={id}>{title}</h2>
      {children}
      {rows.length === 0 ? (
        <p className="muted">No requests published in this period.</p>
      ) : (
        <div className="request-cells__body">
          <div className="request-cells__map">
            <Suspense
              fallback={<div className="map map--loading request-map" role="region" aria-label={label} />}
            >
              <CellCountMap label={label} counts={counts} shades={shades} />
            </Suspense>
            <ul className="cell-legend" aria-label="Legend: requests per cell">
              {shades.map((s) => (
                <li key={s.from} data-from={s.from} data-to={s.to}>
                  <span className="cell-legend__swatch" style={{ background: s.colour }} aria-hidden="true" />
                  {shadeLabel(s)}
                </li>
              ))}
            </ul>
          </div>
          <table className="figure-table" aria-labelledby={id}>
            <thead>
              <tr>
                <th scope="col">H3 cell</th>
                <th scope="col">Requests</th>
              </tr>
            </thead>
            <tbody>
              {rows.map(([cell, n]) => (
                <tr
                  key={cell}
                  data-cell={cell}
                  data-shade={shadeOf(shades, n)}
                  data-figure="requests.published"
                  data-breakdown={`cell=${cell}`}
                >
                  <th scope="row" className="mono">
                    <span
                      className="cell-legend__swatch"
                      style={{ background: shadeOf(shades, n) }}
                      aria-hidden="true"
                    />
                    {cell}
                  </th>
                  <td>{n}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/** A view's or report's cell counts from `cell=…` breakdown keys. */
export function cellCounts(
  rows: readonly { breakdown: string; value: number }[],
): Readonly<Record<string, number>> {
  return Object.fromEntries(
    rows
      .filter((r) => r.breakdown.startsWith('cell='))
      .map((r) => [r.breakdown.slice('cell='.length), r.value]),
  );
}
