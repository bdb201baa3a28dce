import { DASHBOARD_FIGURE_IDS, NOTICE_GRACE_HOURS, REPORT_ANNOTATION_SECTIONS } from '@porchlight/tlog';
import { Type } from 'typebox';
import { Literals, Obj } from '../../http/schema.js';

const MONTH_OR_DAY = '^[0-9]{4}-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?$';
const Counts = Type.Record(Type.String(), Type.Integer({ minimum: 0 }));

export const DashboardQuery = Obj({
  scope: Type.Optional(
    Literals(['instance', 'jurisdiction', 'agency'], {
      description: 'Whose figures: the whole instance (default), one jurisdiction or one agency',
    }),
  ),
  id: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 64,
      description: 'With scope=jurisdiction its slug; with scope=agency its numeric id',
    }),
  ),
  from: Type.Optional(
    Type.String({
      pattern: MONTH_OR_DAY,
      description:
        'First month (YYYY-MM) or day (YYYY-MM-DD) counted, UTC; a day counts from the daily counters',
    }),
  ),
  to: Type.Optional(
    Type.String({
      pattern: MONTH_OR_DAY,
      description: 'Last month (YYYY-MM) or day (YYYY-MM-DD) counted, UTC',
    }),
  ),
  format: Type.Optional(
    Literals(['json', 'csv'], { description: 'csv: the same figures as text/csv, one row per number' }),
  ),
});

export const DashboardFigureSchema = Obj({
  id: Type.String({ description: `One of ${DASHBOARD_FIGURE_IDS.join(', ')}` }),
  label: Type.String(),
  entryType: Type.String({ description: 'The log entry type the figure counts' }),
  unit: Literals(['entries', 'bytes']),
  total: Type.Integer({ minimum: 0 }),
  byMonth: Counts,
  breakdowns: Type.Record(Type.String(), Counts, {
    description: 'Per dimension (category, legal_basis, rule, kind, produced, outcome, to): value → count',
  }),
  entries: Obj({
    href: Type.String({
      description: 'The transparency page’s entry search for the entries behind the figure',
    }),
    exact: Type.Boolean({
      description:
        'True when the search lists exactly those entries; false when it lists the type and months only ' +
        '(the entries name their request, not the agency or jurisdiction)',
    }),
  }),
});

const Time = Type.String({ description: 'RFC 3339 UTC, as logged' });

const HeldDisclosureSchema = Obj({
  entry: Type.Integer({ minimum: 0, description: 'The disclosure.held entry’s index in the log' }),
  time: Time,
  disclosure: Type.String(),
  request: Type.String(),
  agency: Type.Integer({ minimum: 0, description: 'The request’s agency (0 if the log does not name it)' }),
  jurisdiction: Type.String(),
  caseNumber: Type.String(),
  justification: Type.String(),
  until: Time,
  policyLimit: Type.Union([Time, Type.Null()], {
    description: 'The latest until the policy in force when the hold was filed allowed (legalHoldMaxDays)',
  }),
  beyondPolicy: Type.Boolean({ description: 'until is later than policyLimit' }),
  href: Type.String({ description: 'The transparency page’s search for the hold’s entry' }),
});

const DelayedNoticeSchema = Obj({
  demand: Type.String(),
  delays: Type.Array(
    Obj({ entry: Type.Integer({ minimum: 0 }), time: Time, until: Time, reason: Type.String() }),
    { description: 'Each legal.notice_delayed entry (extensions included), in log order' },
  ),
  until: Type.String({ description: 'The last delay’s end: when the owner was due to be told' }),
  sent: Type.Union([Obj({ entry: Type.Integer({ minimum: 0 }), time: Time }), Type.Null()], {
    description: 'The legal.notice_sent entry, once the owner was told',
  }),
  lapse: Literals(['sent_on_time', 'sent_late', 'not_sent'], {
    description: `sent_on_time: within ${NOTICE_GRACE_HOURS} hours of until; sent_late: later; not_sent: not yet`,
  }),
  href: Type.String({ description: 'The transparency page’s search for the notice’s delays' }),
});

export const DashboardSchema = Obj(
  {
    scope: Obj({
      kind: Literals(['instance', 'jurisdiction', 'agency']),
      id: Type.Union([Type.String(), Type.Null()]),
      name: Type.String(),
    }),
    from: Type.Union([Type.String(), Type.Null()]),
    to: Type.Union([Type.String(), Type.Null()]),
    checkpoint: Obj({
      size: Type.Integer({
        minimum: 0,
        description: 'The figures count exactly the entries of this checkpoint',
      }),
      rootHash: Type.Union([Type.String(), Type.Null()], { description: 'Its root hash, base64' }),
      href: Type.String({ description: 'The signed checkpoint note' }),
    }),
    figures: Type.Array(DashboardFigureSchema),
    holds: Type.Array(HeldDisclosureSchema, {
      description: 'Every legal hold filed in the scope and range (by the hold’s time), in log order',
    }),
    notices: Type.Array(DelayedNoticeSchema, {
      description:
        'Owner notices of legal demands delayed by order, first delayed in the range, and how each lapsed; ' +
        'instance scope only (a demand names no agency or jurisdiction)',
    }),
    notAvailable: Type.Array(Obj({ figure: Type.String(), reason: Type.String() }), {
      description: 'Figures the log cannot give, and why',
    }),
    recompute: Type.String({ description: 'The command that recomputes these figures from the log' }),
  },
  { description: 'Transparency dashboard figures, recomputable from the public log' },
);

export const ReportParams = Obj({
  id: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: 'The agency’s id' }),
  year: Type.String({ pattern: '^(19|20)[0-9]{2}$', description: 'Calendar year (UTC), YYYY' }),
});

/**
 * An annotation's address: the year is checked by the service (a past or current year), after the body, so a
 * problem names every bad field of the body too.
 */
export const AnnotationParams = Obj({
  id: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: 'The agency’s id' }),
  year: Type.String({ maxLength: 4, description: 'Calendar year (UTC), YYYY, not in the future' }),
});

export const ReportQuery = Obj({
  format: Type.Optional(
    Literals(['json', 'csv'], { description: 'csv: the same numbers as text/csv, one row per number' }),
  ),
});

const ReportRowSchema = Obj({
  figure: Type.String({
    description:
      'The dashboard figure behind the number (policies.in_force: logged versions; holds.beyond_policy: legal ' +
      'holds kept later than the policy allowed)',
  }),
  breakdown: Type.String({ description: "'' for the figure's total, else dimension=value" }),
  label: Type.String(),
  value: Type.Integer({ minimum: 0 }),
});

const ReportAnnotationSchema = Obj({
  section: Literals(REPORT_ANNOTATION_SECTIONS),
  text: Type.String(),
  author: Literals(['admin', 'agency'], { description: 'The role that wrote it; never the person' }),
  time: Type.String({ description: 'When it was logged (the report.annotated entry’s time)' }),
});

export const AnnotationBody = Obj({
  section: Literals(REPORT_ANNOTATION_SECTIONS, {
    description:
      'breaches (admins); effectiveness, cost, policy_changes (members of the agency, while it is active)',
  }),
  text: Type.String({ minLength: 1, maxLength: 2000, description: 'What the report should say' }),
});

export const AnnotationSchema = Obj(
  {
    agencyId: Type.Integer(),
    year: Type.String(),
    section: Literals(REPORT_ANNOTATION_SECTIONS),
    text: Type.String(),
    author: Literals(['admin', 'agency']),
  },
  { description: 'The annotation as it will be logged; the report shows it once a checkpoint covers it' },
);

export const AnnualReportSchema = Obj(
  {
    agency: Obj({ id: Type.Integer(), name: Type.String(), jurisdiction: Type.String() }),
    year: Type.String(),
    sections: Type.Array(
      Obj({
        id: Type.String(),
        title: Type.String(),
        text: Type.Array(Type.String()),
        rows: Type.Array(ReportRowSchema),
        annotations: Type.Array(ReportAnnotationSchema, {
          description: 'What people entered into this section (logged report annotations), latest first',
        }),
      }),
    ),
    checkpoint: Obj({
      size: Type.Integer({
        minimum: 0,
        description: 'The report counts exactly the entries of this checkpoint',
      }),
      rootHash: Type.Union([Type.String(), Type.Null()]),
      href: Type.String(),
    }),
    recompute: Type.String({ description: 'The command that recomputes this report from the verified log' }),
  },
  { description: 'An agency’s annual surveillance report, every number recomputable from the public log' },
);
