import { invalid } from '../../errors.js';
import type { FootageRequestRow } from './requests.repository.js';

/** What the disclosures module reports about one request: clips shared, and legal holds in force. */
export interface DisclosureSummary {
  disclosuresCount: number;
  holds: { caseNumber: string; justification: string; until: string }[];
}

/** A time as log entries spell it: RFC 3339 UTC to the second. */
export const logTime = (d: Date): string => `${d.toISOString().slice(0, 19)}Z`;

function justification(r: FootageRequestRow) {
  const due = r.justification_due?.toISOString() ?? null;
  const text = r.justification;
  const givenAt = r.justified_at?.toISOString() ?? null;
  let state: 'not_required' | 'due' | 'given' | 'missed' | 'given_late';
  if (!r.exigent) state = 'not_required';
  else if (text !== null) state = r.justification_missed_at ? 'given_late' : 'given';
  else state = r.justification_missed_at ? 'missed' : 'due';
  return { state, due, text, givenAt };
}

/**
 * A request as anyone may see it. Built from the request alone: nothing here can depend on, or reveal, how
 * many cameras or owners it reached (G7). The area is its published cells, never the drawn polygon.
 */
export function presentRequest(r: FootageRequestRow, d: DisclosureSummary | undefined) {
  return {
    id: r.id,
    agency: { id: r.agency_id, name: r.agency_name },
    jurisdiction: r.jurisdiction,
    caseNumber: r.case_number,
    offenseCategory: r.offense_category,
    legalBasis: r.legal_basis,
    narrative: r.narrative,
    cells: r.cells,
    areaM2: Math.round(r.area_m2),
    windowStart: r.window_start.toISOString(),
    windowEnd: r.window_end.toISOString(),
    createdAt: r.created_at.toISOString(),
    responseDeadline: r.response_deadline.toISOString(),
    status: r.status,
    closedAt: r.closed_at?.toISOString() ?? null,
    closedReason: r.closed_reason,
    exigent: r.exigent,
    justification: justification(r),
    policy: { version: r.policy_version, sha256: r.policy_sha256 },
    disclosuresCount: d?.disclosuresCount ?? 0,
    holds: d?.holds ?? [],
    logIndex: r.log_index,
  };
}

/** The filing agency's own view: the public page, plus the investigator and the polygon they drew. */
export function presentAgencyRequest(r: FootageRequestRow, d: DisclosureSummary | undefined) {
  return {
    request: presentRequest(r, d),
    investigatorName: r.investigator_name,
    investigatorContact: r.investigator_contact,
    area: r.area,
  };
}

/** A list position as an opaque cursor: (created_at, id), so request ids stay unordered to clients. */
export const encodeRequestCursor = (r: { created_at: Date; id: string }): string =>
  Buffer.from(`r1:${r.created_at.toISOString()}:${r.id}`).toString('base64url');

export function decodeRequestCursor(cursor: string | undefined): { createdAt: Date; id: string } | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  const m = /^r1:(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z):(rq_[A-Za-z0-9_-]{22})$/.exec(
    Buffer.from(cursor, 'base64url').toString(),
  );
  if (!m) throw invalid('/querystring/cursor', 'is not a cursor this server issued');
  return { createdAt: new Date(m[1]!), id: m[2]! };
}
