import { useEffect, useState } from 'react';
import { Link } from '../router';
import '../styles/dashboard.css';
import { ReportAnnotationForm } from './ReportAnnotationForm';
import { cellCounts, RequestCells } from './RequestCells';

/** What a person entered into a section (a logged `report.annotated` entry). */
export interface ReportAnnotation {
  section: string;
  text: string;
  author: 'admin' | 'agency';
  time: string;
}

/** The annual report as `GET /api/dashboard/agencies/{id}/report/{year}` serves it. */
export interface AnnualReport {
  agency: { id: number; name: string; jurisdiction: string };
  year: string;
  sections: {
    id: string;
    title: string;
    text: string[];
    rows: { figure: string; breakdown: string; label: string; value: number }[];
    /** Latest first. */
    annotations: ReportAnnotation[];
  }[];
  checkpoint: { size: number; rootHash: string | null; href: string };
  recompute: string;
}

export const reportUrl = (agencyId: number, year: string, format: 'json' | 'csv' = 'json'): string =>
  `/api/dashboard/agencies/${agencyId}/report/${year}${format === 'csv' ? '?format=csv' : ''}`;

/**
 * An agency's annual surveillance report for one calendar year: the fields surveillance-oversight ordinances
 * ask for, every number computed from the transparency log at a checkpoint, with CSV and JSON downloads, a
 * print (PDF) button and the command that recomputes it.
 */
export function AnnualReportPage({ agencyId, year }: { agencyId: number; year: string }) {
  const [report, setReport] = useState<AnnualReport | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [reloads, setReloads] = useState(0);

  useEffect(() => {
    fetch(reportUrl(agencyId, year), { headers: { accept: 'application/json' } })
      .then(async (res) => {
        if (res.ok) {
          setReport((await res.json()) as AnnualReport);
          return;
        }
        const body = (await res.json().catch(() => ({}))) as { detail?: string; title?: string };
        setProblem(
          res.status === 404
            ? `No agency ${agencyId} appears in the transparency log.`
            : (body.detail ?? body.title ?? `The report could not be loaded (${res.status}).`),
        );
      })
      .catch((err: unknown) => {
        setProblem(err instanceof Error ? err.message : String(err));
      });
  }, [agencyId, year, reloads]);

  if (problem)
    return (
      <p role="alert" className="alert alert--error">
        {problem}
      </p>
    );
  if (!report) return <p className="muted">Loading…</p>;
  return (
    <article className="stack annual-report">
      <div className="page-head">
        <h1>
          Annual surveillance report {report.year}: {report.agency.name}
        </h1>
        <p className="lead">
          Agency {report.agency.id} in {report.agency.jurisdiction}, calendar year {report.year} (UTC).
          Computed from the <Link to="/transparency">transparency log</Link> at checkpoint{' '}
          <a href={report.checkpoint.href}>{report.checkpoint.size}</a>.
        </p>
        <p className="no-print">
          <a href={reportUrl(agencyId, year, 'csv')} download>
            Download CSV
          </a>{' '}
          · <a href={reportUrl(agencyId, year)}>JSON</a> ·{' '}
          <button
            type="button"
            className="button button--secondary"
            onClick={() => {
              window.print();
            }}
          >
            Print or save as PDF
          </button>{' '}
          · <Link to={`/dashboard/agencies/${agencyId}`}>Agency page</Link>
        </p>
      </div>
      {report.sections.map((s) =>
        s.id === 'where' ? (
          <RequestCells key={s.id} id={`report-${s.id}`} title={s.title} counts={cellCounts(s.rows)}>
            {s.text.map((t) => (
              <p key={t}>{t}</p>
            ))}
          </RequestCells>
        ) : (
          <section key={s.id} className="card" aria-labelledby={`report-${s.id}`}>
            <h2 id={`report-${s.id}`}>{s.title}</h2>
            {s.text.map((t) => (
              <p key={t}>{t}</p>
            ))}
            {s.rows.length > 0 ? (
              <table className="figure-table">
                <thead>
                  <tr>
                    <th scope="col">Figure</th>
                    <th scope="col">Count</th>
                  </tr>
                </thead>
                <tbody>
                  {s.rows.map((r) => (
                    <tr
                      key={`${r.figure}:${r.breakdown}`}
                      data-figure={r.figure}
                      data-breakdown={r.breakdown}
                    >
                      <th scope="row">{r.label}</th>
                      <td>{r.value}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : null}
            {s.annotations.map((n, i) => (
              <figure key={`${n.time}:${String(i)}`} className="report-annotation" data-author={n.author}>
                <blockquote style={{ whiteSpace: 'pre-wrap' }}>{n.text}</blockquote>
                <figcaption className="muted">
                  {i === 0 ? 'Latest entry' : 'Earlier entry'}, by{' '}
                  {n.author === 'admin' ? 'an admin of this instance' : 'the agency'}, logged{' '}
                  <time dateTime={n.time}>{n.time}</time>
                </figcaption>
              </figure>
            ))}
          </section>
        ),
      )}
      <ReportAnnotationForm
        agencyId={agencyId}
        year={year}
        onLogged={() => {
          // The sequencer checkpoints within seconds; look again shortly after.
          window.setTimeout(() => {
            setReloads((n) => n + 1);
          }, 3000);
        }}
      />
      <section className="card">
        <h2>Recompute it yourself</h2>
        <p>This command audits the whole log and recomputes this report from the verified entries alone:</p>
        <pre>
          <code>{report.recompute}</code>
        </pre>
      </section>
    </article>
  );
}
