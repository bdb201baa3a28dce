import type { DashboardView, DelayedNotice, Entry, HeldDisclosure } from '@porchlight/tlog';

/** Statistics recomputed from a log's entries, the numbers Porchlight's dashboard publishes. */
export interface LogStats {
  readonly total: number;
  /** Entries per type, types in alphabetical order. */
  readonly byType: Readonly<Record<string, number>>;
  /** Entries per UTC month (`YYYY-MM`), in order. */
  readonly byMonth: Readonly<Record<string, number>>;
}

/** Accumulates {@link LogStats} one entry at a time, so an audit never holds every entry. */
export class StatsCounter {
  #total = 0;
  readonly #byType = new Map<string, number>();
  readonly #byMonth = new Map<string, number>();

  add(entry: Entry): void {
    this.#total++;
    this.#byType.set(entry.type, (this.#byType.get(entry.type) ?? 0) + 1);
    // Entry times are validated as `YYYY-MM-DDTHH:MM:SSZ`, so the month is the first seven characters.
    const month = entry.time.slice(0, 7);
    this.#byMonth.set(month, (this.#byMonth.get(month) ?? 0) + 1);
  }

  result(): LogStats {
    return { total: this.#total, byType: sorted(this.#byType), byMonth: sorted(this.#byMonth) };
  }
}

function sorted(counts: Map<string, number>): Record<string, number> {
  return Object.fromEntries([...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Renders statistics as aligned text tables. */
export function formatStats(stats: LogStats): string {
  const table = (title: string, counts: Readonly<Record<string, number>>) => {
    const rows = Object.entries(counts);
    if (rows.length === 0) return `${title}: none\n`;
    const width = Math.max(...rows.map(([k]) => k.length));
    return `${title}:\n${rows.map(([k, n]) => `  ${k.padEnd(width)}  ${String(n).padStart(8)}\n`).join('')}`;
  };
  return `${table('entries by type', stats.byType)}${table('entries by month', stats.byMonth)}`;
}

/** Renders the dashboard's figures recomputed from the log: each total, then its months and breakdowns. */
export function formatDashboard(view: DashboardView): string {
  const scope = view.scope.id === null ? view.scope.kind : `${view.scope.kind} ${view.scope.id}`;
  const range = `${view.from ?? 'the start'} to ${view.to ?? 'now'}`;
  const width = Math.max(...view.figures.map((f) => f.label.length));
  const lines = [`dashboard (${scope}, ${range}), recomputed from the verified entries:`];
  for (const f of view.figures) {
    lines.push(`  ${f.label.padEnd(width)}  ${String(f.total).padStart(12)}`);
    const parts = [
      ...Object.entries(f.byMonth).map(([m, n]) => `${m} ${n}`),
      ...Object.entries(f.breakdowns).flatMap(([d, counts]) =>
        Object.entries(counts).map(([k, n]) => `${d}=${k} ${n}`),
      ),
    ];
    if (f.total > 0 && parts.length > 0) lines.push(`    ${parts.join(', ')}`);
  }
  return `${lines.join('\n')}\n`;
}

const LAPSE_TEXT: Record<DelayedNotice['lapse'], string> = {
  sent_on_time: 'sent on time',
  sent_late: 'sent late',
  not_sent: 'not sent yet',
};

/** Renders the dashboard's lists: each legal hold with its case and reason, each delayed notice's lapse. */
export function formatRecords(holds: readonly HeldDisclosure[], notices: readonly DelayedNotice[]): string {
  const lines = [holds.length === 0 ? 'legal holds: none' : 'legal holds:'];
  for (const h of holds)
    lines.push(
      `  entry ${h.entry}  ${h.time}  agency ${h.agency}  case ${h.caseNumber}  until ${h.until}` +
        `${h.beyondPolicy ? `  BEYOND POLICY (limit ${h.policyLimit})` : ''}\n    ${h.justification}`,
    );
  lines.push(notices.length === 0 ? 'delayed owner notices: none' : 'delayed owner notices:');
  for (const n of notices)
    lines.push(
      `  ${n.demand}  delayed until ${n.until}  ${LAPSE_TEXT[n.lapse]}` +
        (n.sent ? ` (entry ${n.sent.entry}, ${n.sent.time})` : ''),
    );
  return `${lines.join('\n')}\n`;
}
