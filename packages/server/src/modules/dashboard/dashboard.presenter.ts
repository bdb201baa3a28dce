import type {
  DashboardFigure,
  DashboardScope,
  DashboardView,
  DelayedNotice,
  EntryType,
  HeldDisclosure,
} from '@porchlight/tlog';

/**
 * Where each entry type names an agency or jurisdiction itself, and how that key ends in its canonical JSON
 * (keys sorted): a literal search for `"agency":4,` finds agency 4 and never agency 45.
 */
const NAMES_AGENCY: Partial<Record<EntryType, string>> = {
  'request.published': ',',
  'request.refused': ',',
  'request.closed': ',',
  'disclosure.accessed': ',',
  'agency.verified': ',',
  'agency.suspended': ',',
  'agency.reinstated': ',',
  'agency.member_added': '}',
  'agency.member_removed': '}',
};
const NAMES_JURISDICTION: ReadonlySet<EntryType> = new Set([
  'request.published',
  'request.refused',
  'agency.verified',
  'agency.suspended',
  'agency.reinstated',
  'policy.changed',
]);

const nextMonth = (month: string): string => {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
};

const nextDay = (day: string): string =>
  `${new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 19)}Z`;

/** The transparency page's entry search for the entries behind a figure, and whether it lists exactly them. */
export function entriesLink(
  figure: DashboardFigure,
  scope: DashboardScope,
  view: Pick<DashboardView, 'from' | 'to'>,
): { href: string; exact: boolean } {
  const params = new URLSearchParams({ type: figure.entryType });
  if (view.from)
    params.set('from', view.from.length === 10 ? `${view.from}T00:00:00Z` : `${view.from}-01T00:00:00Z`);
  if (view.to)
    params.set('to', view.to.length === 10 ? nextDay(view.to) : `${nextMonth(view.to)}-01T00:00:00Z`);
  // Exigent requests are request.published entries with `"exigent":true`, which the search cannot pick out.
  let exact = figure.id !== 'requests.exigent';
  if (scope.kind === 'agency') {
    const end = NAMES_AGENCY[figure.entryType];
    if (end) params.set('q', `"agency":${scope.id}${end}`);
    else exact = false;
  } else if (scope.kind === 'jurisdiction') {
    if (NAMES_JURISDICTION.has(figure.entryType)) params.set('q', `"jurisdiction":"${scope.id}"`);
    else exact = false;
  }
  return { href: `/transparency?${params.toString()}`, exact };
}

const csvCell = (v: string | number): string => {
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** The view as CSV: one row per number (a figure's total, each month, each breakdown value). */
export function dashboardCsv(view: DashboardView, checkpointSize: number): string {
  const head = [
    'scope',
    'id',
    'from',
    'to',
    'checkpoint_size',
    'figure',
    'label',
    'unit',
    'dimension',
    'key',
    'value',
  ];
  const fixed = [view.scope.kind, view.scope.id ?? '', view.from ?? '', view.to ?? '', checkpointSize];
  const rows: (string | number)[][] = [];
  for (const f of view.figures) {
    const row = (dimension: string, key: string, value: number) =>
      rows.push([...fixed, f.id, f.label, f.unit, dimension, key, value]);
    row('total', '', f.total);
    for (const [month, n] of Object.entries(f.byMonth)) row('month', month, n);
    for (const [dimension, counts] of Object.entries(f.breakdowns))
      for (const [key, n] of Object.entries(counts)) row(dimension, key, n);
  }
  return [head, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

/** The transparency page's search for one entry of a type by a field that names it. */
const entrySearch = (type: EntryType, field: string, value: string) =>
  `/transparency?${new URLSearchParams({ type, q: `"${field}":"${value}"` }).toString()}`;

/** A legal hold as the dashboard lists it, linked to its entry. */
export function presentHold(h: HeldDisclosure) {
  return { ...h, href: entrySearch('disclosure.held', 'disclosure', h.disclosure) };
}

/** A delayed owner notice as the dashboard lists it, linked to its delays and its notice. */
export function presentNotice(n: DelayedNotice) {
  return {
    ...n,
    delays: n.delays.map((d) => ({ ...d })),
    href: entrySearch('legal.notice_delayed', 'demand', n.demand),
  };
}
