/**
 * The dashboard's lists, beside its counters (dashboard.ts): each legal hold on a shared clip with its case and
 * reason, and each delayed owner notice with when its delay ended and when the owner was told. Folded from the
 * log's entries in order by the same class on the server and in `porchlight audit --stats`, so both list the
 * same entries.
 */
import { policyRules } from '@porchlight/policy';
import type { AttributionLookup, DashboardRange, DashboardScope } from './dashboard.js';
import { dayBounds, isDayRange } from './dashboard.js';
import type { Entry } from './entries.js';

const DAY_MS = 86_400_000;

/**
 * How long after its delay ended a notice still counts as sent on time: the notice job runs when the delay
 * ends, so only an outage delays it by hours.
 */
export const NOTICE_GRACE_HOURS = 24;

/** A `disclosure.held` entry with the request's agency and jurisdiction, and the policy it was filed under. */
export interface HeldDisclosure {
  /** The entry's index in the log. */
  readonly entry: number;
  readonly time: string;
  readonly disclosure: string;
  readonly request: string;
  /** 0 and '' when the log holds no `request.published` for the request. */
  readonly agency: number;
  readonly jurisdiction: string;
  readonly caseNumber: string;
  readonly justification: string;
  readonly until: string;
  /**
   * The latest `until` the jurisdiction's policy in force when the hold was filed allowed (the hold's time plus
   * its legalHoldMaxDays); null when no policy was logged for the jurisdiction by then.
   */
  readonly policyLimit: string | null;
  /** Whether `until` is later than `policyLimit`: a hold beyond policy. */
  readonly beyondPolicy: boolean;
}

/** How a delayed notice ended: sent within the grace after its delay, sent later, or not sent yet. */
export type NoticeLapse = 'sent_on_time' | 'sent_late' | 'not_sent';

/** A legal demand whose owner notice was delayed by order, every delay logged and the notice if sent. */
export interface DelayedNotice {
  readonly demand: string;
  /** Each `legal.notice_delayed` entry (an extension is another), in log order. */
  readonly delays: readonly { entry: number; time: string; until: string; reason: string }[];
  /** The last delay's end: when the owner was due to be told. */
  readonly until: string;
  readonly sent: { readonly entry: number; readonly time: string } | null;
  readonly lapse: NoticeLapse;
}

/** Entry types the lists read; a store reads only these, in log order. */
export const RECORD_ENTRY_TYPES = [
  'policy.changed',
  'disclosure.held',
  'legal.notice_delayed',
  'legal.notice_sent',
] as const;

const rfc3339 = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

function inRange(time: string, range: DashboardRange): boolean {
  if (isDayRange(range)) {
    const { from, to } = dayBounds(range);
    const day = time.slice(0, 10);
    return (from === undefined || day >= from) && (to === undefined || day <= to);
  }
  const month = time.slice(0, 7);
  return (range.from === undefined || month >= range.from) && (range.to === undefined || month <= range.to);
}

function lapseOf(until: string, sent: string | null): NoticeLapse {
  if (sent === null) return 'not_sent';
  return Date.parse(sent) <= Date.parse(until) + NOTICE_GRACE_HOURS * 3_600_000
    ? 'sent_on_time'
    : 'sent_late';
}

/**
 * Folds `disclosure.held`, `legal.notice_*` and `policy.changed` entries, in log order, into the dashboard's
 * lists. Other entries are ignored, so a store may pass only {@link RECORD_ENTRY_TYPES}.
 */
export class DashboardRecords {
  readonly #holdLimitDays = new Map<string, number>();
  readonly #holds: HeldDisclosure[] = [];
  readonly #notices = new Map<
    string,
    { delays: DelayedNotice['delays'][number][]; sent: DelayedNotice['sent'] }
  >();

  /** Adds the entry at `index`; `lookup` names the agency and jurisdiction of a request seen earlier. */
  add(entry: Entry, index: number, lookup: AttributionLookup): void {
    const e = entry;
    if (e.type === 'policy.changed') {
      this.#holdLimitDays.set(e.data.jurisdiction, policyRules(e.data.policy).legalHoldMaxDays);
    } else if (e.type === 'disclosure.held') {
      const at = lookup(e.data.request);
      const days = at && this.#holdLimitDays.get(at.jurisdiction);
      const limit = days === undefined ? null : rfc3339(Date.parse(e.time) + days * DAY_MS);
      this.#holds.push({
        entry: index,
        time: e.time,
        disclosure: e.data.disclosure,
        request: e.data.request,
        agency: at?.agency ?? 0,
        jurisdiction: at?.jurisdiction ?? '',
        caseNumber: e.data.caseNumber,
        justification: e.data.justification,
        until: e.data.until,
        policyLimit: limit,
        beyondPolicy: limit !== null && Date.parse(e.data.until) > Date.parse(limit),
      });
    } else if (e.type === 'legal.notice_delayed') {
      const n = this.#notices.get(e.data.demand) ?? { delays: [], sent: null };
      n.delays.push({ entry: index, time: e.time, until: e.data.until, reason: e.data.reason });
      this.#notices.set(e.data.demand, n);
    } else if (e.type === 'legal.notice_sent') {
      // A notice sent with no delay before it is not a delayed notice: it is only counted.
      const n = this.#notices.get(e.data.demand);
      if (n && n.sent === null) n.sent = { entry: index, time: e.time };
    }
  }

  /** The holds filed in a scope and range (by the hold entry's time), in log order. */
  holds(scope: DashboardScope, range: DashboardRange = {}): HeldDisclosure[] {
    return this.#holds.filter(
      (h) =>
        inRange(h.time, range) &&
        (scope.kind === 'instance' ||
          (scope.kind === 'jurisdiction' ? h.jurisdiction === scope.id : h.agency === scope.id)),
    );
  }

  /**
   * The delayed notices whose first delay was logged in the range, in log order. Instance-wide: a demand names
   * no agency or jurisdiction in the log.
   */
  notices(range: DashboardRange = {}): DelayedNotice[] {
    const out: DelayedNotice[] = [];
    for (const [demand, n] of this.#notices) {
      const first = n.delays[0];
      if (!first || !inRange(first.time, range)) continue;
      const until = n.delays.at(-1)!.until;
      out.push({
        demand,
        delays: [...n.delays],
        until,
        sent: n.sent,
        lapse: lapseOf(until, n.sent?.time ?? null),
      });
    }
    return out.sort((a, b) => a.delays[0]!.entry - b.delays[0]!.entry);
  }
}
