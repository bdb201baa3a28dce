import { LEGAL_BASIS_LABELS, OFFENSE_CATEGORY_LABELS } from '@porchlight/policy';
import type { DashboardFigure } from '../api/dashboard';
import { Link } from '../router';
import { BarChart, formatNumber, type Bar } from './BarChart';

const DIMENSION_LABELS: Record<string, string> = {
  category: 'By offense category',
  legal_basis: 'By legal basis',
  rule: 'By policy rule broken',
  kind: 'By kind of demand',
  produced: 'By what was produced',
  outcome: 'By outcome',
  to: 'By new role',
};

function valueLabel(dimension: string, value: string): string {
  if (dimension === 'category') return (OFFENSE_CATEGORY_LABELS as Record<string, string>)[value] ?? value;
  if (dimension === 'legal_basis')
    return value === 'none' ? 'None cited' : ((LEGAL_BASIS_LABELS as Record<string, string>)[value] ?? value);
  return value.replaceAll('_', ' ');
}

/** Every month from `first` to `last` (YYYY-MM), so a time series shows quiet months as zero. */
export function monthsBetween(first: string, last: string): string[] {
  const out: string[] = [];
  let [y, m] = first.split('-').map(Number) as [number, number];
  for (let i = 0; i < 240; i++) {
    const month = `${y}-${String(m).padStart(2, '0')}`;
    out.push(month);
    if (month >= last) break;
    m = m === 12 ? 1 : m + 1;
    if (m === 1) y++;
  }
  return out;
}

function download(type: string, text: string): string {
  return `data:${type};charset=utf-8,${encodeURIComponent(text)}`;
}

function figureCsv(f: DashboardFigure): string {
  const rows = [
    ['figure', 'dimension', 'key', 'value'],
    [f.id, 'total', '', String(f.total)],
  ];
  for (const [m, n] of Object.entries(f.byMonth)) rows.push([f.id, 'month', m, String(n)]);
  for (const [d, counts] of Object.entries(f.breakdowns))
    for (const [k, n] of Object.entries(counts)) rows.push([f.id, d, k, String(n)]);
  return `${rows.map((r) => r.join(',')).join('\r\n')}\r\n`;
}

/** One figure: its total, a chart per month and per breakdown, the same numbers as a table, and downloads. */
export function FigureCard({ figure: f, months }: { figure: DashboardFigure; months: readonly string[] }) {
  const unit = f.unit === 'bytes' ? 'bytes' : 'entries';
  const series: Bar[] = months.map((m) => ({ key: m, label: m, value: f.byMonth[m] ?? 0 }));
  // Cells are drawn on the request-area map (RequestCells), not as bars; the downloads keep them.
  const dims = Object.entries(f.breakdowns).filter(
    ([dimension, counts]) => dimension !== 'cell' && Object.keys(counts).length > 0,
  );
  const slug = f.id.replace('.', '-');
  return (
    <article className="card figure-card" aria-labelledby={`fig-${slug}`} data-figure={f.id}>
      <header className="figure-card__head">
        <h3 id={`fig-${slug}`}>{f.label}</h3>
        <p className="figure-card__total" data-total={f.total}>
          {formatNumber(f.total, unit)}
        </p>
      </header>
      {f.total > 0 && series.length > 1 ? (
        <BarChart title={`${f.label} per month`} bars={series} unit={unit} />
      ) : null}
      {dims.map(([d, counts]) => (
        <BarChart
          key={d}
          title={`${f.label}, ${(DIMENSION_LABELS[d] ?? d).toLowerCase()}`}
          horizontal
          bars={Object.entries(counts)
            .sort(([, a], [, b]) => b - a)
            .map(([k, n]) => ({ key: k, label: valueLabel(d, k), value: n }))}
        />
      ))}
      <details>
        <summary>Table</summary>
        <table className="figure-table">
          <caption className="visually-hidden">{f.label}</caption>
          <thead>
            <tr>
              <th scope="col">Month or group</th>
              <th scope="col">{unit === 'bytes' ? 'Bytes' : 'Count'}</th>
            </tr>
          </thead>
          <tbody>
            {Object.entries(f.byMonth).map(([m, n]) => (
              <tr key={m}>
                <th scope="row">{m}</th>
                <td>{n}</td>
              </tr>
            ))}
            {dims.flatMap(([d, counts]) =>
              Object.entries(counts).map(([k, n]) => (
                <tr key={`${d}=${k}`}>
                  <th scope="row">
                    {DIMENSION_LABELS[d] ?? d}: {valueLabel(d, k)}
                  </th>
                  <td>{n}</td>
                </tr>
              )),
            )}
            <tr>
              <th scope="row">Total</th>
              <td>{f.total}</td>
            </tr>
          </tbody>
        </table>
      </details>
      <p className="figure-card__links">
        <Link to={f.entries.href}>
          {f.entries.exact ? 'The entries behind it' : 'Entries of this type and time'}
        </Link>
        {' · '}
        <a href={download('text/csv', figureCsv(f))} download={`${f.id}.csv`}>
          CSV
        </a>
        {' · '}
        <a href={download('application/json', `${JSON.stringify(f, null, 2)}\n`)} download={`${f.id}.json`}>
          JSON
        </a>
      </p>
      {!f.entries.exact ? (
        <p className="field__hint">
          The search lists every entry of this type in these months, which can be more than this figure
          counts: the search cannot tell the entries behind it apart (they name their request, not the agency
          or place, or differ only in a field the search cannot match).
        </p>
      ) : null}
    </article>
  );
}
