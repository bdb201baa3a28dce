/**
 * The transparency dashboard's one definition of every figure: which counters a log entry adds to. The server
 * keeps these counters as it sequences; `porchlight audit --stats` recomputes them from the verified log with
 * the same functions, so anyone can check the published figures without trusting the operator.
 */
import { DashboardRecords, type DelayedNotice, type HeldDisclosure } from './dashboard-records.js';
import type { Entry, EntryType, ReportAnnotationSection } from './entries.js';

export type DashboardScopeKind = 'instance' | 'jurisdiction' | 'agency';
export type DashboardUnit = 'entries' | 'bytes';

interface FigureSpec {
  readonly label: string;
  /** The entry type counted: the public entry search lists the entries behind the figure by it. */
  readonly entryType: EntryType;
  readonly unit: DashboardUnit;
  /** Scopes where the figure means something: entries of staff and the operator name no agency or place. */
  readonly scopes: readonly DashboardScopeKind[];
  /** Breakdowns the figure is split by (each entry counts once in each). */
  readonly breakdowns: readonly string[];
}

const ALL: readonly DashboardScopeKind[] = ['instance', 'jurisdiction', 'agency'];
const INSTANCE: readonly DashboardScopeKind[] = ['instance'];
const fig = (
  label: string,
  entryType: EntryType,
  scopes: readonly DashboardScopeKind[],
  breakdowns: readonly string[] = [],
  unit: DashboardUnit = 'entries',
): FigureSpec => ({ label, entryType, unit, scopes, breakdowns });

/** Every figure the dashboard publishes, in display order. */
export const DASHBOARD_FIGURES = {
  // `cell`: the H3 resolution-8 cells a request covers (G8's coarse grid, never its area); a request counts
  // once in every cell it covers.
  'requests.published': fig('Footage requests published', 'request.published', ALL, [
    'category',
    'legal_basis',
    'cell',
  ]),
  'requests.exigent': fig('Exigent requests (justification owed)', 'request.published', ALL),
  'requests.refused': fig('Requests refused by policy', 'request.refused', ALL, ['rule', 'category']),
  'requests.justified': fig('Exigent requests justified', 'request.justified', ALL),
  'requests.justification_missed': fig('Exigent justifications missed', 'request.justification_missed', ALL),
  'requests.closed': fig('Requests closed by the agency', 'request.closed', ALL),
  'requests.expired': fig('Requests expired at their deadline', 'request.expired', ALL),
  'disclosures.shared': fig('Clips shared with agencies', 'disclosure.created', ALL),
  'disclosures.bytes': fig('Footage shared (bytes)', 'disclosure.created', ALL, [], 'bytes'),
  'disclosures.accessed': fig('Shared clips downloaded', 'disclosure.accessed', ALL),
  'disclosures.revoked': fig('Shares revoked by owners', 'disclosure.revoked', ALL),
  'disclosures.held': fig('Legal holds on shared clips', 'disclosure.held', ALL),
  'disclosures.expired': fig('Shared clips deleted at retention', 'disclosure.expired', ALL),
  'legal.demands': fig('Legal demands received', 'legal.demand_received', INSTANCE, ['kind']),
  'legal.answered': fig('Legal demands answered', 'legal.demand_answered', INSTANCE, ['produced']),
  'legal.notices_delayed': fig('Owner notices delayed by order', 'legal.notice_delayed', INSTANCE),
  'legal.notices_sent': fig('Owners notified of a demand', 'legal.notice_sent', INSTANCE),
  'moderation.hidden': fig('Posts hidden', 'moderation.hidden', INSTANCE),
  'moderation.restored': fig('Posts restored', 'moderation.restored', INSTANCE),
  'moderation.dismissed': fig('Reports dismissed', 'moderation.dismissed', INSTANCE),
  'moderation.suspensions': fig('Accounts suspended', 'account.suspended', INSTANCE, ['rule']),
  'moderation.suspensions_lifted': fig('Suspensions lifted early', 'account.suspension_lifted', INSTANCE),
  'appeals.filed': fig('Appeals filed', 'appeal.filed', INSTANCE),
  'appeals.decided': fig('Appeals decided', 'appeal.decided', INSTANCE, ['outcome']),
  'staff.role_changes': fig('Staff role changes', 'role.changed', INSTANCE, ['to']),
  'agencies.verified': fig('Agencies verified', 'agency.verified', ALL),
  'agencies.suspended': fig('Agencies suspended', 'agency.suspended', ALL),
  'agencies.reinstated': fig('Agencies reinstated', 'agency.reinstated', ALL),
  'agencies.members_added': fig('Agency members added', 'agency.member_added', ALL),
  'agencies.members_removed': fig('Agency members removed', 'agency.member_removed', ALL),
  'policies.versions': fig('Request policy versions', 'policy.changed', ['instance', 'jurisdiction']),
  'bystander.answered': fig('Bystander requests answered', 'bystander.answered', INSTANCE, [
    'outcome',
    'kind',
  ]),
} as const satisfies Record<string, FigureSpec>;

export type DashboardFigureId = keyof typeof DASHBOARD_FIGURES;
export const DASHBOARD_FIGURE_IDS = Object.keys(DASHBOARD_FIGURES) as DashboardFigureId[];

/** Entry types the dashboard deliberately does not count, each with the reason (docs/log-entries.md lists them). */
export const NOT_COUNTED: Readonly<Partial<Record<EntryType, string>>> = {
  'instance.created': 'the log starting is not an action by an agency or staff',
  'log.key_rotated': "the operator's signing key management; the transparency page shows the key history",
  'agency.key_added': 'key management that follows membership; members added and removed are counted',
  'agency.key_removed': 'key management that follows membership; members added and removed are counted',
  'report.annotated':
    'what a person wrote, not an action to count; the annual report it annotates shows every one in full',
};

/**
 * Figures people ask for that the log cannot give, and why (the dashboard shows this list, so a missing figure
 * is explained rather than silently absent).
 */
export const NOT_AVAILABLE: readonly { figure: string; reason: string }[] = [
  {
    figure: 'Residents asked, answered or declined per request',
    reason: 'matches and declines never enter the log: it never names a resident (G2)',
  },
  {
    figure: 'Requests per neighbourhood or street',
    reason:
      'a request logs only the H3 resolution-8 cells (about 0.7 km²) covering its area (G8): requests are ' +
      'counted per cell, never per street or address',
  },
  {
    figure: 'Legal demands per agency or jurisdiction',
    reason: 'a demand logs its authority as free text, not an agency or jurisdiction',
  },
  {
    figure: 'Moderation per place',
    reason: 'moderation entries name a post, never where it was written',
  },
];

/** Who a request or disclosure belongs to, learned from its `request.published` entry. */
export interface Attribution {
  readonly agency: number;
  readonly jurisdiction: string;
}

/** Finds the attribution of a request (`rq_…`) or disclosure (`ds_…`) seen earlier in the log. */
export type AttributionLookup = (id: string) => Attribution | undefined;

/** One counter an entry adds to. `jurisdiction` is '' and `agency` 0 when the entry names neither. */
export interface DashboardContribution {
  readonly figure: DashboardFigureId;
  /** UTC month of the entry, `YYYY-MM`. */
  readonly month: string;
  /** UTC day of the entry, `YYYY-MM-DD`: counters are also kept per day, so "the last 30 days" is exact. */
  readonly day: string;
  readonly jurisdiction: string;
  readonly agency: number;
  /** '' for the figure's total, else `dimension=value` (e.g. `category=burglary`). */
  readonly breakdown: string;
  readonly amount: number;
}

/** The request and disclosure ids an entry's contributions look up, so a store can load them first. */
export function attributionNeeds(entry: Entry): string[] {
  if (entry.type === 'disclosure.accessed') return [entry.data.disclosure];
  if (entry.type === 'request.closed') return [entry.data.request];
  return BY_REQUEST.has(entry.type) ? [(entry.data as { request: string }).request] : [];
}

/** Entry types that name only their request, and count under the request's agency and jurisdiction. */
const BY_REQUEST: ReadonlySet<EntryType> = new Set([
  'disclosure.created',
  'disclosure.revoked',
  'disclosure.held',
  'disclosure.expired',
  'request.expired',
  'request.justified',
  'request.justification_missed',
]);

/** The attributions an entry establishes for later entries: a request's agency, a disclosure's request's. */
export function attributionsOf(entry: Entry, lookup: AttributionLookup): [string, Attribution][] {
  if (entry.type === 'request.published')
    return [[entry.data.request, { agency: entry.data.agency, jurisdiction: entry.data.jurisdiction }]];
  if (entry.type === 'disclosure.created') {
    const a = lookup(entry.data.request);
    return a ? [[entry.data.disclosure, a]] : [];
  }
  return [];
}

/**
 * The counters one entry adds to: its figure's total and one per breakdown, in the entry's UTC month, under
 * the agency and jurisdiction it names or (for disclosures and a request's later events) that its request
 * named. Pure: the same entry and lookup give the same contributions, on the server and in the CLI.
 */
export function dashboardContributions(entry: Entry, lookup: AttributionLookup): DashboardContribution[] {
  // Entry times are validated as `YYYY-MM-DDTHH:MM:SSZ`.
  const month = entry.time.slice(0, 7);
  const day = entry.time.slice(0, 10);
  const out: DashboardContribution[] = [];
  const add = (
    figure: DashboardFigureId,
    at: { agency?: number; jurisdiction?: string } | undefined,
    breakdowns: Record<string, string> = {},
    amount = 1,
  ) => {
    const base = {
      figure,
      month,
      day,
      jurisdiction: at?.jurisdiction ?? '',
      agency: at?.agency ?? 0,
      amount,
    };
    out.push({ ...base, breakdown: '' });
    for (const [dimension, value] of Object.entries(breakdowns))
      out.push({ ...base, breakdown: `${dimension}=${value}` });
  };
  const e = entry;
  switch (e.type) {
    case 'request.published': {
      add('requests.published', e.data, {
        category: e.data.category,
        legal_basis: e.data.legalBasis || 'none',
      });
      const base = { month, day, jurisdiction: e.data.jurisdiction, agency: e.data.agency, amount: 1 };
      for (const cell of e.data.cells)
        out.push({ ...base, figure: 'requests.published', breakdown: `cell=${cell}` });
      if (e.data.exigent) add('requests.exigent', e.data);
      break;
    }
    case 'request.refused': {
      add('requests.refused', e.data, { category: e.data.category });
      const base = { month, day, jurisdiction: e.data.jurisdiction, agency: e.data.agency, amount: 1 };
      for (const rule of e.data.rules)
        out.push({ ...base, figure: 'requests.refused', breakdown: `rule=${rule}` });
      break;
    }
    case 'request.justified':
      add('requests.justified', lookup(e.data.request));
      break;
    case 'request.justification_missed':
      add('requests.justification_missed', lookup(e.data.request));
      break;
    case 'request.closed':
      add('requests.closed', { agency: e.data.agency, ...lookupJurisdiction(lookup(e.data.request)) });
      break;
    case 'request.expired':
      add('requests.expired', lookup(e.data.request));
      break;
    case 'disclosure.created': {
      const at = lookup(e.data.request);
      add('disclosures.shared', at);
      add('disclosures.bytes', at, {}, e.data.plaintextBytes);
      break;
    }
    case 'disclosure.accessed':
      add('disclosures.accessed', {
        agency: e.data.agency,
        ...lookupJurisdiction(lookup(e.data.disclosure)),
      });
      break;
    case 'disclosure.revoked':
      add('disclosures.revoked', lookup(e.data.request));
      break;
    case 'disclosure.held':
      add('disclosures.held', lookup(e.data.request));
      break;
    case 'disclosure.expired':
      add('disclosures.expired', lookup(e.data.request));
      break;
    case 'legal.demand_received':
      add('legal.demands', undefined, { kind: e.data.kind });
      break;
    case 'legal.demand_answered':
      add('legal.answered', undefined, { produced: e.data.produced });
      break;
    case 'legal.notice_delayed':
      add('legal.notices_delayed', undefined);
      break;
    case 'legal.notice_sent':
      add('legal.notices_sent', undefined);
      break;
    case 'moderation.hidden':
      add('moderation.hidden', undefined);
      break;
    case 'moderation.restored':
      add('moderation.restored', undefined);
      break;
    case 'moderation.dismissed':
      add('moderation.dismissed', undefined);
      break;
    case 'account.suspended':
      add('moderation.suspensions', undefined, { rule: e.data.rule });
      break;
    case 'account.suspension_lifted':
      add('moderation.suspensions_lifted', undefined);
      break;
    case 'appeal.filed':
      add('appeals.filed', undefined);
      break;
    case 'appeal.decided':
      add('appeals.decided', undefined, { outcome: e.data.outcome });
      break;
    case 'role.changed':
      add('staff.role_changes', undefined, { to: e.data.to });
      break;
    case 'agency.verified':
      add('agencies.verified', e.data);
      break;
    case 'agency.suspended':
      add('agencies.suspended', e.data);
      break;
    case 'agency.reinstated':
      add('agencies.reinstated', e.data);
      break;
    case 'agency.member_added':
      add('agencies.members_added', { agency: e.data.agency });
      break;
    case 'agency.member_removed':
      add('agencies.members_removed', { agency: e.data.agency });
      break;
    case 'policy.changed':
      add('policies.versions', { jurisdiction: e.data.jurisdiction });
      break;
    case 'bystander.answered':
      add('bystander.answered', undefined, { outcome: e.data.outcome, kind: e.data.kind });
      break;
    case 'instance.created':
    case 'log.key_rotated':
    case 'agency.key_added':
    case 'agency.key_removed':
    case 'report.annotated':
      break;
    default: {
      const unknown: never = e;
      throw new Error(`dashboard: unhandled entry type ${(unknown as Entry).type}`);
    }
  }
  return out;
}

const lookupJurisdiction = (a: Attribution | undefined) => (a ? { jurisdiction: a.jurisdiction } : {});

/** Which part of the instance a view covers: `id` is a jurisdiction slug or an agency's numeric id. */
export type DashboardScope =
  | { readonly kind: 'instance' }
  | { readonly kind: 'jurisdiction'; readonly id: string }
  | { readonly kind: 'agency'; readonly id: number };

/**
 * A range of months (`YYYY-MM`) or days (`YYYY-MM-DD`), both ends inclusive, UTC; either may be open. A month
 * end may be mixed with a day end (a month then means from its first or to its last day).
 */
export interface DashboardRange {
  readonly from?: string;
  readonly to?: string;
}

/** A stored monthly counter: the contribution's key without its day, with its summed amount. */
export type DashboardCounter = Omit<DashboardContribution, 'day'>;
/** A stored daily counter. */
export type DashboardDailyCounter = DashboardContribution;

/** Whether a range names a day at either end, so it must be counted from the daily counters. */
export function isDayRange(range: DashboardRange): boolean {
  return (range.from?.length ?? 0) === 10 || (range.to?.length ?? 0) === 10;
}

/** The range's ends as days (`YYYY-MM-DD`; a month's end as `YYYY-MM-31`, which compares after its last day). */
export function dayBounds(range: DashboardRange): { from?: string; to?: string } {
  return {
    ...(range.from !== undefined && { from: range.from.length === 7 ? `${range.from}-01` : range.from }),
    ...(range.to !== undefined && { to: range.to.length === 7 ? `${range.to}-31` : range.to }),
  };
}

/**
 * The 30 UTC days ending with `today` (`YYYY-MM-DD`), both ends inclusive: the agency portal's "last 30 days".
 */
export function last30Days(today: string): { from: string; to: string } {
  const end = Date.parse(`${today}T00:00:00Z`);
  return { from: new Date(end - 29 * 86_400_000).toISOString().slice(0, 10), to: today };
}

/** One figure of a view. */
export interface DashboardFigure {
  readonly id: DashboardFigureId;
  readonly label: string;
  readonly entryType: EntryType;
  readonly unit: DashboardUnit;
  readonly total: number;
  /** Per month with any count, months in order. */
  readonly byMonth: Readonly<Record<string, number>>;
  /** Per breakdown dimension, value → count, values in order. */
  readonly breakdowns: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

export interface DashboardView {
  readonly scope: { readonly kind: DashboardScopeKind; readonly id: string | null };
  readonly from: string | null;
  readonly to: string | null;
  readonly figures: readonly DashboardFigure[];
}

/** Whether a counter belongs to a scope and range (a day range needs daily counters). */
export function counterInView(
  c: DashboardCounter | DashboardDailyCounter,
  scope: DashboardScope,
  range: DashboardRange,
): boolean {
  if (isDayRange(range)) {
    if (!('day' in c)) throw new Error('dashboard: a day range needs daily counters');
    const { from, to } = dayBounds(range);
    if (from !== undefined && c.day < from) return false;
    if (to !== undefined && c.day > to) return false;
  } else {
    if (range.from !== undefined && c.month < range.from) return false;
    if (range.to !== undefined && c.month > range.to) return false;
  }
  if (scope.kind === 'jurisdiction') return c.jurisdiction === scope.id;
  if (scope.kind === 'agency') return c.agency === scope.id;
  return true;
}

/**
 * Sums counters (already filtered to the scope and range, e.g. by SQL) into the view the API serves and the
 * CLI prints: every figure meaningful for the scope, zero when nothing was logged.
 */
export function dashboardView(
  counters: Iterable<Omit<DashboardCounter, 'jurisdiction' | 'agency'>>,
  scope: DashboardScope,
  range: DashboardRange,
): DashboardView {
  const totals = new Map<string, number>();
  const months = new Map<string, Map<string, number>>();
  const breakdowns = new Map<string, Map<string, Map<string, number>>>();
  const bump = <K>(m: Map<K, number>, k: K, n: number) => m.set(k, (m.get(k) ?? 0) + n);
  const inner = <K, V>(m: Map<K, V>, k: K, make: () => V): V => {
    let v = m.get(k);
    if (v === undefined) m.set(k, (v = make()));
    return v;
  };
  for (const c of counters) {
    if (c.breakdown === '') {
      bump(totals, c.figure, c.amount);
      bump(
        inner(months, c.figure, () => new Map<string, number>()),
        c.month,
        c.amount,
      );
    } else {
      const eq = c.breakdown.indexOf('=');
      const dims = inner(breakdowns, c.figure, () => new Map<string, Map<string, number>>());
      bump(
        inner(dims, c.breakdown.slice(0, eq), () => new Map<string, number>()),
        c.breakdown.slice(eq + 1),
        c.amount,
      );
    }
  }
  const figures = DASHBOARD_FIGURE_IDS.filter((id) =>
    (DASHBOARD_FIGURES[id].scopes as readonly string[]).includes(scope.kind),
  ).map((id): DashboardFigure => {
    const spec = DASHBOARD_FIGURES[id];
    const dims = breakdowns.get(id);
    return {
      id,
      label: spec.label,
      entryType: spec.entryType,
      unit: spec.unit,
      total: totals.get(id) ?? 0,
      byMonth: sortedRecord(months.get(id) ?? new Map<string, number>()),
      breakdowns: Object.fromEntries(
        spec.breakdowns.map((d) => [d, sortedRecord(dims?.get(d) ?? new Map<string, number>())]),
      ),
    };
  });
  return {
    scope: { kind: scope.kind, id: scope.kind === 'instance' ? null : String(scope.id) },
    from: range.from ?? null,
    to: range.to ?? null,
    figures,
  };
}

function sortedRecord(m: Map<string, number>): Record<string, number> {
  return Object.fromEntries([...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** What the log says of an agency: its latest name and jurisdiction (from `agency.*` status entries). */
export interface AgencyRecord {
  readonly name: string;
  readonly jurisdiction: string;
  /** Its latest status entry: verified, suspended or reinstated. */
  readonly status: 'verified' | 'suspended' | 'reinstated';
}

/** One version of a jurisdiction's request policy, as logged. */
export interface PolicyVersionRecord {
  readonly version: number;
  readonly sha256: string;
  readonly time: string;
  readonly reason: string;
}

/** A logged `report.annotated` entry as the annual report shows it: what was written, by which role, when. */
export interface ReportAnnotation {
  readonly section: ReportAnnotationSection;
  readonly text: string;
  readonly author: 'admin' | 'agency';
  /** The entry's time, RFC 3339 UTC. */
  readonly time: string;
}

const agencyYear = (agency: number, year: string) => `${agency}/${year}`;

const counterKey = (c: DashboardDailyCounter, day: boolean) =>
  `${c.figure}\u0000${day ? c.day : c.month}\u0000${c.jurisdiction}\u0000${c.agency}\u0000${c.breakdown}`;

/**
 * Folds entries, in log order, into the dashboard's counters (kept per day; monthly ones are their sums),
 * keeping the attributions later entries need. What the server stores and what an auditor recomputes from the
 * verified log.
 */
export class DashboardTotals {
  readonly #attributions = new Map<string, Attribution>();
  readonly #daily = new Map<string, DashboardDailyCounter>();
  readonly #agencies = new Map<number, AgencyRecord>();
  readonly #policies = new Map<string, PolicyVersionRecord[]>();
  readonly #annotations = new Map<string, ReportAnnotation[]>();
  readonly #records = new DashboardRecords();
  #count = 0;

  /** Adds the next entry; `index` is its place in the log (default: the number of entries added before it). */
  add(entry: Entry, index = this.#count): void {
    this.#count = index + 1;
    const lookup: AttributionLookup = (id) => this.#attributions.get(id);
    this.#records.add(entry, index, lookup);
    for (const c of dashboardContributions(entry, lookup)) {
      const key = counterKey(c, true);
      const had = this.#daily.get(key);
      this.#daily.set(key, had ? { ...had, amount: had.amount + c.amount } : c);
    }
    for (const [id, a] of attributionsOf(entry, lookup)) this.#attributions.set(id, a);
    if (
      entry.type === 'agency.verified' ||
      entry.type === 'agency.suspended' ||
      entry.type === 'agency.reinstated'
    )
      this.#agencies.set(entry.data.agency, {
        name: entry.data.name,
        jurisdiction: entry.data.jurisdiction,
        status: entry.type.slice('agency.'.length) as AgencyRecord['status'],
      });
    if (entry.type === 'policy.changed') {
      const list = this.#policies.get(entry.data.jurisdiction) ?? [];
      list.push({
        version: entry.data.version,
        sha256: entry.data.sha256,
        time: entry.time,
        reason: entry.data.reason,
      });
      this.#policies.set(entry.data.jurisdiction, list);
    }
    if (entry.type === 'report.annotated') {
      const key = agencyYear(entry.data.agency, entry.data.year);
      const list = this.#annotations.get(key) ?? [];
      const { section, text, author } = entry.data;
      list.push({ section, text, author, time: entry.time });
      this.#annotations.set(key, list);
    }
  }

  /** The annotations written into an agency's annual report for `year`, in log order. */
  annotations(agency: number, year: string): readonly ReportAnnotation[] {
    return this.#annotations.get(agencyYear(agency, year)) ?? [];
  }

  /** Monthly counters: the daily ones summed per month. */
  counters(): DashboardCounter[] {
    const monthly = new Map<string, DashboardCounter>();
    for (const c of this.#daily.values()) {
      const key = counterKey(c, false);
      const had = monthly.get(key);
      monthly.set(
        key,
        had
          ? { ...had, amount: had.amount + c.amount }
          : {
              figure: c.figure,
              month: c.month,
              jurisdiction: c.jurisdiction,
              agency: c.agency,
              breakdown: c.breakdown,
              amount: c.amount,
            },
      );
    }
    return [...monthly.values()];
  }

  dailyCounters(): DashboardDailyCounter[] {
    return [...this.#daily.values()];
  }

  /** Every request's and disclosure's attribution learned so far. */
  attributions(): [string, Attribution][] {
    return [...this.#attributions];
  }

  /** An agency's latest name and jurisdiction in the log; undefined if no status entry names it. */
  agency(id: number): AgencyRecord | undefined {
    return this.#agencies.get(id);
  }

  /** A jurisdiction's logged policy versions, in log order. */
  policyVersions(jurisdiction: string): readonly PolicyVersionRecord[] {
    return this.#policies.get(jurisdiction) ?? [];
  }

  /** The legal holds filed in a scope and range, with case, reason and whether beyond policy. */
  holds(scope: DashboardScope, range: DashboardRange = {}): HeldDisclosure[] {
    return this.#records.holds(scope, range);
  }

  /** The owner notices delayed by order whose first delay was logged in the range, and how each lapsed. */
  notices(range: DashboardRange = {}): DelayedNotice[] {
    return this.#records.notices(range);
  }

  view(scope: DashboardScope, range: DashboardRange = {}): DashboardView {
    const source = isDayRange(range) ? this.dailyCounters() : this.counters();
    return dashboardView(
      source.filter((c) => counterInView(c, scope, range)),
      scope,
      range,
    );
  }
}
