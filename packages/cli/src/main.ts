#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { audit, AuditFailure } from './audit.js';
import { auditOptionsFrom } from './audit-cli.js';
import type { AuditReport } from './audit.js';
import { HttpError } from './fetch-log.js';
import { dayBounds, JURISDICTION_SLUG } from '@porchlight/tlog';
import type { DashboardRange, DashboardScope } from '@porchlight/tlog';
import { formatDashboard, formatRecords, formatStats } from './stats.js';
import { evidenceMain } from './evidence.js';
import { reportMain } from './report.js';
import { proofMain } from './proof.js';
import { witnessMain } from './witness.js';

const EXIT = { ok: 0, failed: 1, unreachable: 2, internal: 3, usage: 64 } as const;
const MAX_PROBLEMS_SHOWN = 50;

const HELP = `usage: porchlight audit <url> [options]

Audits a Porchlight transparency log (C2SP tlog-tiles) served under <url>, e.g.
https://porchlight.example.org/log. It:

  - fetches <url>/checkpoint and verifies its Ed25519 signature with the log's
    verifier key, and that the checkpoint's origin is the key's name;
  - verifies a cosignature from every --witness key;
  - downloads every hash tile and entry bundle, recomputes each entry's leaf
    hash and the whole tree from the entries, and checks every tile hash and
    the checkpoint root against it (an edited entry or an edited tile is
    caught, and reported where it is);
  - validates every entry against its schema and checks seq strictly increases;
  - fetches <url>/boundary/<hash> for every policy.changed entry that logs a
    boundarySha256 and checks the served boundary hashes to it;
  - checks the log is consistent with the last checkpoint this machine saw:
    a smaller tree is a truncation, a different old root is a fork;
  - only if all of that passes, remembers the new checkpoint, and prints
    statistics recomputed from the entries: counts by type and by month.

options:
  --key <vkey>          the log's verifier key (<name>+<id>+<base64>), obtained
                        from a source you trust. Without --key or --key-file the
                        key is fetched from <url>/key: trust on first use, with a
                        warning. Either way the key is remembered, and a later
                        run fails if the log's key has changed, unless the
                        log rotated it: a log.key_rotated entry naming the new
                        key, in a transition checkpoint signed by the old key
                        and the new one (<url>/checkpoints/<size>).
  --key-file <file>     read the verifier key from a file
  --witness <vkey>      require a valid cosignature by this witness key
                        (repeatable; cosignature/v1 or Ed25519 keys)
  --state-dir <dir>     where to remember keys and checkpoints
                        (default ~/.porchlight/audit; one subdirectory per log)
  --concurrency <n>     downloads in flight at once (default 8)
  --json                print the result as JSON on stdout
  --stats               also recompute the transparency dashboard's figures
                        (the server's /dashboard and GET /api/dashboard) from
                        the verified entries alone; printed only if the audit
                        passes, with its legal holds and delayed owner
                        notices. With --json they are under "dashboard",
                        "holds" and "notices".
  --scope <kind>        with --stats: instance (default), jurisdiction or agency
  --id <id>             with --scope: a jurisdiction's slug or an agency's id
  --from <YYYY-MM[-DD]> with --stats: first month or day counted (UTC)
  --to <YYYY-MM[-DD]>   with --stats: last month or day counted (UTC)
  --progress            show download progress on stderr even when it is not
                        a terminal (shown by default on a terminal)
  -h, --help            show this help

exit status:
  0   the log verified
  1   the log is wrong: every problem is printed (signature, key change,
      tampered entry or tile, truncation, fork, invalid entry)
  2   the log could not be read (network error or HTTP status; the URL is
      printed) or local state could not be written
  3   internal error
  64  bad command line

Run an independent witness that cosigns a log's checkpoints: porchlight witness --help
Fetch or check an inclusion proof (c2sp.org/tlog-proof) for one entry:
  porchlight proof <url> <index> [--out <file>]
  porchlight verify-proof <file> --key <vkey|file> [--entry <file>]   (see porchlight proof --help)
Recompute an agency's annual surveillance report from the verified log (HTML, JSON, CSV, PDF):
  porchlight report <url> --agency <id> --year <YYYY> [--pdf <file>] [--csv <file>] [--json]   (see porchlight report --help)
Verify a footage request's evidence archive offline:
  porchlight evidence verify <archive.tar> --key <vkey|file>   (see porchlight evidence --help)
`;

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  // `witness` has its own options and help (witness.ts).
  if (argv[0] === 'witness') return witnessMain(argv.slice(1));
  // `proof` and `verify-proof` too (proof.ts).
  if (argv[0] === 'proof' || argv[0] === 'verify-proof') return proofMain(argv);
  // `evidence verify` checks a footage request's evidence archive offline (evidence.ts).
  if (argv[0] === 'evidence') return evidenceMain(argv.slice(1));
  // `report` recomputes an agency's annual surveillance report from the verified log (report.ts).
  if (argv[0] === 'report') return reportMain(argv.slice(1));
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        key: { type: 'string' },
        'key-file': { type: 'string' },
        witness: { type: 'string', multiple: true, default: [] },
        'state-dir': { type: 'string' },
        concurrency: { type: 'string', default: '8' },
        json: { type: 'boolean', default: false },
        stats: { type: 'boolean', default: false },
        scope: { type: 'string' },
        id: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        progress: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    return usage(err instanceof Error ? err.message : String(err));
  }
  const { values, positionals } = parsed;
  if (values.help || positionals[0] === 'help') {
    process.stdout.write(HELP);
    return EXIT.ok;
  }
  const [command, url, ...extra] = positionals;
  if (command !== 'audit')
    return usage(command === undefined ? 'missing command' : `unknown command ${command}`);
  if (url === undefined) return usage('missing <url>');
  if (extra.length > 0) return usage(`unexpected argument ${extra[0]!}`);
  if (!/^https?:\/\//.test(url)) return usage(`<url> must be an http or https URL, got ${url}`);
  const options = await auditOptionsFrom(url, values);
  if (typeof options === 'string') return usage(options);
  const dashboard = dashboardOptions(values);
  if (typeof dashboard === 'string') return usage(dashboard);

  const showProgress = values.progress || process.stderr.isTTY;
  try {
    const report = await audit({
      ...options,
      ...(dashboard && { dashboard }),
      ...(showProgress && { onProgress: progressBar() }),
    });
    process.stdout.write(
      values.json ? `${JSON.stringify({ ok: true, url, ...report }, null, 2)}\n` : formatReport(report),
    );
    return EXIT.ok;
  } catch (err) {
    return reportError(err, url, values.json);
  }
}

const MONTH_OR_DAY = /^\d{4}-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?$/;

/** The dashboard scope and range asked for with --stats; a usage problem as a string. */
function dashboardOptions(values: {
  stats: boolean;
  scope?: string | undefined;
  id?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}): { scope: DashboardScope; range: DashboardRange } | string | undefined {
  const { stats, scope: kind = 'instance', id, from, to } = values;
  if (!stats) {
    const stray = (['scope', 'id', 'from', 'to'] as const).find((k) => values[k] !== undefined);
    return stray ? `--${stray} needs --stats` : undefined;
  }
  for (const [name, month] of [
    ['from', from],
    ['to', to],
  ] as const)
    if (
      month !== undefined &&
      (!MONTH_OR_DAY.test(month) ||
        (month.length === 10 && new Date(`${month}T00:00:00Z`).toISOString().slice(0, 10) !== month))
    )
      return `--${name} must be a month YYYY-MM or a day YYYY-MM-DD, got ${month}`;
  const bounds = dayBounds({ ...(from !== undefined && { from }), ...(to !== undefined && { to }) });
  if (bounds.from !== undefined && bounds.to !== undefined && bounds.from > bounds.to)
    return '--to must not be before --from';
  const range = { ...(from !== undefined && { from }), ...(to !== undefined && { to }) };
  if (kind === 'instance') return id === undefined ? { scope: { kind }, range } : '--id needs --scope';
  if (id === undefined) return `--scope ${kind} needs --id`;
  if (kind === 'jurisdiction')
    return JURISDICTION_SLUG.test(id) ? { scope: { kind, id }, range } : `--id must be a jurisdiction slug`;
  if (kind === 'agency')
    return /^[1-9][0-9]{0,15}$/.test(id) && Number.isSafeInteger(Number(id))
      ? { scope: { kind, id: Number(id) }, range }
      : '--id must be an agency id (a positive integer)';
  return `--scope must be instance, jurisdiction or agency, got ${kind}`;
}

function usage(problem: string): number {
  process.stderr.write(`porchlight: ${problem}\n\n${HELP}`);
  return EXIT.usage;
}

function reportError(err: unknown, url: string, json: boolean): number {
  if (err instanceof AuditFailure) {
    if (json) {
      process.stdout.write(`${JSON.stringify({ ok: false, url, problems: err.problems }, null, 2)}\n`);
    } else {
      const shown = err.problems.slice(0, MAX_PROBLEMS_SHOWN);
      const more = err.problems.length - shown.length;
      process.stderr.write(
        `audit FAILED for ${url}:\n${shown.map((p) => `  - ${p}\n`).join('')}` +
          (more > 0 ? `  … and ${more} more problems (use --json to see all)\n` : ''),
      );
    }
    return EXIT.failed;
  }
  const io = err instanceof HttpError || isSystemError(err);
  const error = err instanceof Error ? err.message : String(err);
  if (json) {
    const status = err instanceof HttpError ? err.status : undefined;
    process.stdout.write(`${JSON.stringify({ ok: false, url, error, status }, null, 2)}\n`);
  } else {
    process.stderr.write(`porchlight: ${io ? 'cannot read the log: ' : 'internal error: '}${error}\n`);
  }
  return io ? EXIT.unreachable : EXIT.internal;
}

function isSystemError(err: unknown): boolean {
  return err instanceof Error && typeof (err as NodeJS.ErrnoException).code === 'string';
}

function formatReport(report: AuditReport): string {
  const lines = [
    `audit passed: ${report.origin}`,
    `  tree size   ${report.size}`,
    `  root        ${report.root}`,
    `  key         ${report.key}${report.keySource === 'server' ? ' (from the server: trust on first use)' : ''}`,
    `  witnesses   ${report.witnesses.length > 0 ? report.witnesses.join(', ') : 'none required'}`,
    report.previous
      ? `  consistent  with size ${report.previous.size} seen on ${report.previous.seenAt}`
      : '  consistent  first audit of this log here; checkpoint remembered',
    ...(report.rotations ?? []).map(
      (r) => `  key rotated at entry ${r.index}: ${r.from} -> ${r.to} (signed by both; new key now trusted)`,
    ),
    `  entries     ${report.stats.total}`,
  ];
  const dashboard = report.dashboard
    ? `${formatDashboard(report.dashboard)}${formatRecords(report.holds ?? [], report.notices ?? [])}`
    : '';
  return `${lines.join('\n')}\n${formatStats(report.stats)}${dashboard}`;
}

/** Renders "tiles fetched / total" on stderr: rewritten in place on a terminal, every 10% otherwise. */
function progressBar(): (done: number, total: number) => void {
  const tty = process.stderr.isTTY;
  let lastDecile = -1;
  return (done, total) => {
    if (total === 0) return;
    const text = `fetched ${done}/${total} tiles and entry bundles`;
    if (tty) {
      process.stderr.write(`\r${text}${done === total ? '\n' : ''}`);
      return;
    }
    const decile = Math.floor((done * 10) / total);
    if (decile !== lastDecile) {
      lastDecile = decile;
      process.stderr.write(`${text}\n`);
    }
  };
}

process.exitCode = await main(process.argv.slice(2));
