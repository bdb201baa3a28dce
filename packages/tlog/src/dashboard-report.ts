/**
 * The annual surveillance report of one agency for one calendar year, in the shape surveillance-oversight
 * ordinances ask for (Oakland OMC 9.64, San Francisco 19B, Seattle SMC 14.18, NYC POST Act). Every number is a
 * dashboard figure (dashboard.ts) for the agency and year, so the server's report and `porchlight report`, which
 * recomputes it from the verified log, agree exactly. Pure: the same views give the same report.
 */
import type {
  AgencyRecord,
  DashboardFigure,
  DashboardFigureId,
  DashboardView,
  PolicyVersionRecord,
  ReportAnnotation,
} from './dashboard.js';
import type { HeldDisclosure } from './dashboard-records.js';
import type { ReportAnnotationSection } from './entries.js';

export const REPORT_YEAR = /^(19|20)\d{2}$/;

export interface AnnualReportInput {
  readonly agency: { readonly id: number } & AgencyRecord;
  /** `YYYY`. */
  readonly year: string;
  /** The agency's figures for the year (scope agency, months `YYYY-01` to `YYYY-12`). */
  readonly agencyView: DashboardView;
  /** The instance's figures for the year: legal demands name no agency, so all the operator received are listed. */
  readonly instanceView: DashboardView;
  /** The agency's jurisdiction's policy versions, every one logged (in log order). */
  readonly policyVersions: readonly PolicyVersionRecord[];
  /** The `report.annotated` entries for this agency and year, in log order. */
  readonly annotations: readonly ReportAnnotation[];
  /** The legal holds the agency filed in the year (dashboard-records.ts), in log order. */
  readonly holds: readonly HeldDisclosure[];
}

export interface ReportRow {
  /** The dashboard figure behind the number, and the breakdown (`dimension=value`) or '' for its total. */
  readonly figure: DashboardFigureId | 'policies.in_force' | 'holds.beyond_policy';
  readonly breakdown: string;
  readonly label: string;
  readonly value: number;
}

export interface ReportSection {
  readonly id: string;
  readonly title: string;
  /** Plain sentences that explain the section; what the log cannot say is said here. */
  readonly text: readonly string[];
  readonly rows: readonly ReportRow[];
  /** What people entered (sections breaches, effectiveness, cost, policy_changes): the latest first, all kept. */
  readonly annotations: readonly ReportAnnotation[];
}

export interface AnnualReport {
  readonly agency: { readonly id: number; readonly name: string; readonly jurisdiction: string };
  readonly year: string;
  readonly sections: readonly ReportSection[];
}

/** The sections people write into, and whose role may. */
export const ANNOTATED_SECTIONS: readonly {
  id: ReportAnnotationSection;
  title: string;
  by: 'admin' | 'agency';
}[] = [
  { id: 'breaches', title: 'Breaches or unauthorised access', by: 'admin' },
  { id: 'effectiveness', title: 'Effectiveness', by: 'agency' },
  { id: 'cost', title: 'Cost', by: 'agency' },
  { id: 'policy_changes', title: 'Requested policy changes', by: 'agency' },
];

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** The annual report: sections with the ordinance's headings, each number a dashboard figure. */
export function annualReport(input: AnnualReportInput): AnnualReport {
  const { agencyView, instanceView, year } = input;
  const fig = (view: DashboardView, id: DashboardFigureId): DashboardFigure => {
    const f = view.figures.find((x) => x.id === id);
    if (!f) throw new Error(`annual report: figure ${id} missing from the ${view.scope.kind} view`);
    return f;
  };
  const a = (id: DashboardFigureId) => fig(agencyView, id);
  const total = (f: DashboardFigure, label = f.label): ReportRow => ({
    figure: f.id,
    breakdown: '',
    label,
    value: f.total,
  });
  const split = (f: DashboardFigure, dimension: string, name: (v: string) => string): ReportRow[] =>
    Object.entries(f.breakdowns[dimension] ?? {}).map(([v, n]) => ({
      figure: f.id,
      breakdown: `${dimension}=${v}`,
      label: name(v),
      value: n,
    }));

  const published = a('requests.published');
  const demands = fig(instanceView, 'legal.demands');
  const answered = fig(instanceView, 'legal.answered');
  const yearEnd = `${year}-12-31T23:59:59Z`;
  const yearStart = `${year}-01-01T00:00:00Z`;
  const versions = input.policyVersions;
  // In force during the year: the last version logged before the year began, and every one logged in it.
  const before = versions.filter((v) => v.time < yearStart).at(-1);
  const inYear = versions.filter((v) => v.time >= yearStart && v.time <= yearEnd);
  const inForce = [...(before ? [before] : []), ...inYear];
  const beyond = input.holds.filter((h) => h.beyondPolicy);

  const sections: (Omit<ReportSection, 'annotations'> & { annotations?: readonly ReportAnnotation[] })[] = [
    {
      id: 'use',
      title: 'How the technology was used and the data obtained',
      text: [
        `${input.agency.name} asks residents of ${input.agency.jurisdiction} for footage through public, ` +
          'logged requests. Residents choose whether to share; every shared clip is logged with its size.',
        `In ${year} it published ${plural(published.total, 'request')} and received ` +
          `${plural(a('disclosures.shared').total, 'clip')} (${a('disclosures.bytes').total} bytes).`,
      ],
      rows: [
        total(published),
        ...split(published, 'category', (v) => `Requests for ${v.replaceAll('_', ' ')}`),
        ...split(published, 'legal_basis', (v) =>
          v === 'none' ? 'Requests with no legal basis stated' : `Requests with legal basis: ${v}`,
        ),
        total(a('requests.exigent')),
        total(a('disclosures.shared')),
        total(a('disclosures.bytes')),
        total(a('disclosures.accessed')),
      ],
    },
    {
      id: 'sharing',
      title: 'Sharing with other entities',
      text: [
        'None: Porchlight forbids re-sharing. A shared clip is encrypted to the requesting agency alone, and ' +
          'no other agency or entity can obtain it through Porchlight.',
        `Legal demands name their authority as free text, not an agency, so every demand the operator received in ${year} is listed. ` +
          'The operator holds no plaintext footage to produce.',
      ],
      rows: [
        total(demands, 'Legal demands received by the operator'),
        ...split(demands, 'kind', (v) => `Legal demands: ${v.replaceAll('_', ' ')}`),
        total(answered, 'Legal demands answered'),
        ...split(answered, 'produced', (v) => `Answered, produced: ${v.replaceAll('_', ' ')}`),
        total(fig(instanceView, 'legal.notices_delayed')),
      ],
    },
    {
      id: 'retention',
      title: 'Retention of the data obtained',
      text: [
        'Shared clips are deleted when the jurisdiction’s retention period ends, unless held for a case; ' +
          'owners may revoke a share before the agency downloads it.',
        ...input.holds.map(
          (h) =>
            `Legal hold on clip ${h.disclosure} for case ${h.caseNumber}, logged ${h.time.slice(0, 10)} ` +
            `(entry ${h.entry}), kept until ${h.until.slice(0, 10)}: ${h.justification}`,
        ),
      ],
      rows: [
        total(a('disclosures.expired')),
        total(a('disclosures.held')),
        total(a('disclosures.revoked')),
        total(a('requests.closed')),
        total(a('requests.expired')),
      ],
    },
    {
      id: 'audit',
      title: 'Internal audit results and policy violations',
      text: [
        'Requests outside the jurisdiction’s policy are refused and logged, never sent. Exigent requests ' +
          'owe a written justification by their deadline; a missed one is logged.',
        'A hold beyond policy keeps a clip later than the legalHoldMaxDays of the policy in force in the ' +
          'jurisdiction when the hold was filed allows.',
        ...beyond.map(
          (h) =>
            `Hold beyond policy: clip ${h.disclosure}, case ${h.caseNumber} (entry ${h.entry}), kept until ` +
            `${h.until.slice(0, 10)}, policy allowed until ${h.policyLimit?.slice(0, 10) ?? 'no limit'}.`,
        ),
      ],
      rows: [
        total(a('requests.refused')),
        ...split(a('requests.refused'), 'rule', (v) => `Refused by rule: ${v.replaceAll('_', ' ')}`),
        total(a('requests.exigent')),
        total(a('requests.justified')),
        total(a('requests.justification_missed')),
        {
          figure: 'holds.beyond_policy',
          breakdown: '',
          label: 'Legal holds beyond policy',
          value: beyond.length,
        },
        total(a('agencies.suspended')),
        total(a('agencies.reinstated')),
      ],
    },
    {
      id: 'where',
      title: 'Where it was used',
      text: [
        `Every request is limited to ${input.agency.jurisdiction}. Requests log only the coarse H3 ` +
          'resolution-8 cells (about 0.7 km² each) covering their area; the table counts the year’s requests ' +
          'covering each cell, so one request counts once in every cell it covers.',
      ],
      rows: split(published, 'cell', (v) => `Requests covering cell ${v}`),
    },
    {
      id: 'complaints',
      title: 'Complaints',
      text: [
        'Moderation entries name a post, never where it was written or an agency, so complaints are not ' +
          'counted per agency; the instance dashboard lists moderation actions and appeals.',
      ],
      rows: [],
    },
    ...ANNOTATED_SECTIONS.map(({ id, title, by }) => {
      const notes = input.annotations.filter((n) => n.section === id).reverse();
      return {
        id,
        title,
        text: [
          `Entered by ${by === 'admin' ? 'the instance’s admins' : input.agency.name} and logged as report ` +
            'annotations (report.annotated), with the author’s role and time; the log cannot compute this.',
          ...(notes.length === 0 ? [`Nothing was entered for ${year}.`] : []),
        ],
        rows: [],
        annotations: notes,
      };
    }),
    {
      id: 'policy',
      title: 'Policy versions in force',
      text: inForce.map(
        (v) =>
          `Version ${v.version} (logged ${v.time.slice(0, 10)}, sha256 ${v.sha256.slice(0, 16)}…): ${v.reason}`,
      ),
      rows: [
        {
          figure: 'policies.in_force',
          breakdown: '',
          label: 'Policy versions in force during the year',
          value: inForce.length,
        },
        ...inForce.map((v) => ({
          figure: 'policies.in_force' as const,
          breakdown: `version=${v.version}`,
          label: `Policy version ${v.version}`,
          value: 1,
        })),
      ],
    },
  ];
  return {
    agency: { id: input.agency.id, name: input.agency.name, jurisdiction: input.agency.jurisdiction },
    year,
    sections: sections.map((x) => ({ ...x, annotations: x.annotations ?? [] })),
  };
}

const csvCell = (v: string | number) => {
  const s = String(v);
  return /[",\n\r]/.test(s) || /^[=+\-@\t]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
};

/**
 * The report as CSV: one row per number, then one per annotation (figure `report.annotated`, no value) with
 * what was written, the author's role and the entry's time, in the order the report shows them.
 */
export function annualReportCsv(report: AnnualReport, checkpointSize: number): string {
  const head = 'agency,year,checkpoint,section,figure,breakdown,label,value,author,time,text';
  const fixed = [report.agency.id, report.year, checkpointSize];
  const lines = report.sections.flatMap((s) => [
    ...s.rows.map((r) => [...fixed, s.id, r.figure, r.breakdown, r.label, r.value, '', '', '']),
    ...s.annotations.map((n) => [
      ...fixed,
      s.id,
      'report.annotated',
      '',
      s.title,
      '',
      n.author,
      n.time,
      n.text,
    ]),
  ]);
  return `${[head, ...lines.map((l) => l.map(csvCell).join(','))].join('\r\n')}\r\n`;
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** Who wrote an annotation and when, in words: the role, never the person. */
export function annotationByline(n: ReportAnnotation, latest: boolean): string {
  const who = n.author === 'admin' ? 'an admin of this instance' : 'the agency';
  return `${latest ? 'Latest entry' : 'Earlier entry'}, by ${who}, logged ${n.time}`;
}

const annotationHtml = (n: ReportAnnotation, i: number) =>
  `<div class="note"><p>${escapeHtml(n.text)}</p><p class="meta">${escapeHtml(annotationByline(n, i === 0))}</p></div>`;

/** The report as a standalone HTML page (what `porchlight report --pdf` prints with Chromium). */
export function annualReportHtml(
  report: AnnualReport,
  checkpoint: { size: number; root: string | null },
  source: string,
): string {
  const title = `Annual surveillance report ${report.year}: ${report.agency.name}`;
  const body = report.sections
    .map(
      (s) => `<section><h2>${escapeHtml(s.title)}</h2>
${s.text.map((t) => `<p>${escapeHtml(t)}</p>`).join('\n')}
${s.annotations.map((n, i) => annotationHtml(n, i)).join('\n')}
${
  s.rows.length === 0
    ? ''
    : `<table><thead><tr><th>Figure</th><th class="n">Count</th></tr></thead><tbody>
${s.rows.map((r) => `<tr><td>${escapeHtml(r.label)}</td><td class="n">${r.value}</td></tr>`).join('\n')}
</tbody></table>`
}</section>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>
@page { size: A4; margin: 1.5cm 1.2cm; }
body { font: 11pt/1.4 system-ui, sans-serif; margin: 2em; color: #111; }
@media print { body { margin: 0; } }
h1 { font-size: 18pt; } h2 { font-size: 13pt; margin-top: 1.4em; }
table { border-collapse: collapse; width: 100%; } td, th { border-bottom: 1px solid #ccc; padding: 2px 6px; text-align: left; }
.n { text-align: right; font-variant-numeric: tabular-nums; } .meta { color: #444; font-size: 9pt; }
.note { border-left: 3px solid #999; margin: 0.6em 0; padding: 0 0.8em; white-space: pre-wrap; }
</style></head><body>
<h1>${escapeHtml(title)}</h1>
<p>Agency ${report.agency.id}, jurisdiction ${escapeHtml(report.agency.jurisdiction)}, calendar year ${report.year} (UTC).</p>
<p class="meta">Computed from the transparency log at checkpoint ${checkpoint.size}${
    checkpoint.root ? ` (root ${escapeHtml(checkpoint.root)})` : ''
  }, ${escapeHtml(source)}.</p>
${body}
</body></html>
`;
}
