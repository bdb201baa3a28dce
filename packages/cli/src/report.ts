import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import {
  annotationByline,
  annualReport,
  annualReportCsv,
  annualReportHtml,
  REPORT_YEAR,
  type AnnualReport,
  type DashboardTotals,
} from '@porchlight/tlog';
import { audit, AuditFailure } from './audit.js';
import { auditOptionsFrom } from './audit-cli.js';
import { HttpError } from './fetch-log.js';

const execFileAsync = promisify(execFile);

const EXIT = { ok: 0, failed: 1, unreachable: 2, internal: 3, noAgency: 4, usage: 64 } as const;

export const REPORT_HELP = `usage: porchlight report <url> --agency <id> --year <YYYY> [options]

Audits the Porchlight transparency log under <url> (e.g. https://porchlight.example.org/log) exactly as
"porchlight audit" does and, only if it verifies, recomputes one agency's annual surveillance report for a
calendar year (UTC) from the verified entries alone: how footage requests were used and what was obtained
(by category and legal basis, clips and bytes), sharing (none: Porchlight forbids re-sharing) and the legal
demands the operator received, retention and holds, refusals by policy rule, exigent requests and missed
justifications, requests per coarse H3 cell, the breaches, effectiveness, cost and requested policy changes
people entered (logged report annotations, with their role and time), and the jurisdiction's policy versions
in force. The numbers are those of the server's
/dashboard/agencies/<id>/report/<year> page and GET /api/dashboard/agencies/<id>/report/<year>.

options:
  --agency <id>         the agency's numeric id (required)
  --year <YYYY>         the calendar year (required)
  --json                print the report as JSON on stdout
  --html <file>         also write the report as a standalone HTML page
  --csv <file>          also write the report as CSV (one row per number and per annotation), byte for
                        byte the server's ?format=csv at the same checkpoint
  --pdf <file>          also print the report to a PDF with Chromium (CHROMIUM_PATH,
                        default /usr/bin/chromium)
  --key <vkey>, --key-file <file>, --witness <vkey>, --state-dir <dir>, --concurrency <n>
                        as for porchlight audit (see porchlight --help)
  -h, --help            show this help

exit status: 0 report printed; 1 the log is wrong (nothing is reported); 2 the log could not be read;
3 internal error (e.g. Chromium failed); 4 the log names no such agency; 64 bad command line
`;

export interface ReportResult {
  readonly size: number;
  readonly root: string;
  readonly report: AnnualReport;
}

/** Recomputes the report from a verified log: the agency and year's views, then `annualReport`. */
export function reportFromTotals(
  totals: DashboardTotals,
  agencyId: number,
  year: string,
): AnnualReport | undefined {
  const agency = totals.agency(agencyId);
  if (!agency) return undefined;
  const range = { from: `${year}-01`, to: `${year}-12` };
  return annualReport({
    agency: { id: agencyId, ...agency },
    year,
    agencyView: totals.view({ kind: 'agency', id: agencyId }, range),
    instanceView: totals.view({ kind: 'instance' }, range),
    policyVersions: totals.policyVersions(agency.jurisdiction),
    annotations: totals.annotations(agencyId, year),
    holds: totals.holds({ kind: 'agency', id: agencyId }, range),
  });
}

/**
 * Prints an HTML page to a PDF with the system's Chromium (`CHROMIUM_PATH`, default `/usr/bin/chromium`) from
 * its own command line (`--headless --print-to-pdf`), so the packed, bundled CLI needs no browser library. Page
 * size and margins come from the page's `@page` rule.
 */
export async function printPdf(html: string, out: string): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'porchlight-report-'));
  const target = path.resolve(out);
  try {
    const page = path.join(dir, 'report.html');
    await writeFile(page, html);
    await rm(target, { force: true });
    await execFileAsync(
      process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
        `--user-data-dir=${path.join(dir, 'profile')}`,
        '--no-pdf-header-footer',
        `--print-to-pdf=${target}`,
        pathToFileURL(page).href,
      ],
      { timeout: 120_000 },
    );
    const head = await readFile(target).then(
      (b) => b.subarray(0, 5).toString('latin1'),
      () => '',
    );
    if (head !== '%PDF-') throw new Error(`Chromium did not write a PDF to ${target}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** `porchlight report …`: returns the exit code. */
export async function reportMain(argv: readonly string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        agency: { type: 'string' },
        year: { type: 'string' },
        json: { type: 'boolean', default: false },
        html: { type: 'string' },
        csv: { type: 'string' },
        pdf: { type: 'string' },
        key: { type: 'string' },
        'key-file': { type: 'string' },
        witness: { type: 'string', multiple: true, default: [] },
        'state-dir': { type: 'string' },
        concurrency: { type: 'string', default: '8' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    return usage(err instanceof Error ? err.message : String(err));
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(REPORT_HELP);
    return EXIT.ok;
  }
  const [url, ...extra] = positionals;
  if (url === undefined) return usage('missing <url>');
  if (extra.length > 0) return usage(`unexpected argument ${extra[0]!}`);
  if (!/^https?:\/\//.test(url)) return usage(`<url> must be an http or https URL, got ${url}`);
  if (values.agency === undefined) return usage('--agency <id> is required');
  if (!/^[1-9][0-9]{0,15}$/.test(values.agency) || !Number.isSafeInteger(Number(values.agency)))
    return usage('--agency must be an agency id (a positive integer)');
  if (values.year === undefined) return usage('--year <YYYY> is required');
  if (!REPORT_YEAR.test(values.year)) return usage(`--year must be a year YYYY, got ${values.year}`);
  const options = await auditOptionsFrom(url, values);
  if (typeof options === 'string') return usage(options);
  const agencyId = Number(values.agency);
  const year = values.year;

  let result: ReportResult;
  try {
    let report: AnnualReport | undefined;
    const audited = await audit({
      ...options,
      onVerified: (totals) => {
        report = reportFromTotals(totals, agencyId, year);
      },
    });
    if (!report) {
      process.stderr.write(`porchlight: the log verified, but no entry names agency ${agencyId}\n`);
      return EXIT.noAgency;
    }
    result = { size: audited.size, root: audited.root, report };
  } catch (err) {
    return failure(err, url, values.json);
  }

  const html = annualReportHtml(
    result.report,
    { size: result.size, root: result.root },
    `recomputed by porchlight report from the verified log at ${url}`,
  );
  try {
    if (values.html !== undefined) await writeFile(values.html, html);
    if (values.csv !== undefined) await writeFile(values.csv, annualReportCsv(result.report, result.size));
    if (values.pdf !== undefined) await printPdf(html, values.pdf);
  } catch (err) {
    process.stderr.write(
      `porchlight: cannot write the report: ${err instanceof Error ? err.message : String(err)}\n`,
    );
    return EXIT.internal;
  }
  process.stdout.write(
    values.json
      ? `${JSON.stringify({ ok: true, url, size: result.size, root: result.root, ...result.report }, null, 2)}\n`
      : formatAnnualReport(result),
  );
  return EXIT.ok;
}

/** The report as text: each section's title, its sentences and its numbers. */
export function formatAnnualReport({ size, root, report }: ReportResult): string {
  const lines = [
    `Annual surveillance report ${report.year}: ${report.agency.name} (agency ${report.agency.id}, ${report.agency.jurisdiction})`,
    `recomputed from the verified log at checkpoint ${size} (root ${root})`,
  ];
  for (const s of report.sections) {
    lines.push('', s.title, ...s.text.map((t) => `  ${t}`));
    const width = Math.max(0, ...s.rows.map((r) => r.label.length));
    for (const r of s.rows) lines.push(`  ${r.label.padEnd(width)}  ${String(r.value).padStart(12)}`);
    for (const [i, n] of s.annotations.entries())
      lines.push(`  ${annotationByline(n, i === 0)}:`, ...n.text.split('\n').map((l) => `    ${l}`));
  }
  return `${lines.join('\n')}\n`;
}

function usage(problem: string): number {
  process.stderr.write(`porchlight report: ${problem}\n\n${REPORT_HELP}`);
  return EXIT.usage;
}

function failure(err: unknown, url: string, json: boolean): number {
  if (err instanceof AuditFailure) {
    if (json)
      process.stdout.write(`${JSON.stringify({ ok: false, url, problems: err.problems }, null, 2)}\n`);
    else
      process.stderr.write(
        `audit FAILED for ${url}; no report:\n${err.problems
          .slice(0, 50)
          .map((p) => `  - ${p}\n`)
          .join('')}`,
      );
    return EXIT.failed;
  }
  const message = err instanceof Error ? err.message : String(err);
  if (
    err instanceof HttpError ||
    (err instanceof Error && typeof (err as NodeJS.ErrnoException).code === 'string')
  ) {
    process.stderr.write(`porchlight: cannot read the log: ${message}\n`);
    return EXIT.unreachable;
  }
  process.stderr.write(`porchlight: internal error: ${message}\n`);
  return EXIT.internal;
}
