import type { Queryable } from '../../infra/db/index.js';
import type { CameraMatch, GeoPolygon } from './requests.matching.js';

export type RequestStatus = 'open' | 'closed' | 'expired';

export interface FootageRequestRow {
  id: string;
  agency_id: number;
  agency_name: string;
  jurisdiction: string;
  policy_version: number;
  policy_sha256: string;
  created_by: number;
  case_number: string;
  offense_category: string;
  legal_basis: string;
  investigator_name: string;
  investigator_contact: string;
  narrative: string;
  area: GeoPolygon;
  area_m2: number;
  cells: string[];
  window_start: Date;
  window_end: Date;
  response_deadline: Date;
  exigent: boolean;
  justification_due: Date | null;
  justification: string | null;
  justified_at: Date | null;
  justification_missed_at: Date | null;
  status: RequestStatus;
  closed_reason: string | null;
  closed_at: Date | null;
  published_event_id: number;
  created_at: Date;
  /** The request.published entry's index in the log, once sequenced. */
  log_index: number | null;
}

export type NewFootageRequest = Omit<
  FootageRequestRow,
  | 'agency_name'
  | 'justification'
  | 'justified_at'
  | 'justification_missed_at'
  | 'status'
  | 'closed_reason'
  | 'closed_at'
  | 'log_index'
>;

const SELECT = `SELECT r.*, a.name AS agency_name, le.index AS log_index
  FROM footage_requests r
  JOIN agencies a ON a.id = r.agency_id
  LEFT JOIN log_entries le ON le.event_id = r.published_event_id`;

/**
 * Serialises request filing per agency for the rest of `tx`, so two members filing at once cannot both slip
 * under the monthly cap or the per-case limit.
 */
export async function lockAgencyRequests(tx: Queryable, agencyId: number): Promise<void> {
  await tx.query(`SELECT pg_advisory_xact_lock(hashtext('porchlight.requests:' || $1::text))`, [agencyId]);
}

/** What the per-case and monthly rules count: the agency's published requests (open, closed or expired). */
export async function requestCounts(
  q: Queryable,
  o: { agencyId: number; caseNumber: string; monthStart: Date },
): Promise<{ requestsForCase: number; requestsThisMonth: number }> {
  const res = await q.query<{ for_case: number; this_month: number }>(
    `SELECT count(*) FILTER (WHERE case_number = $2)::int AS for_case,
            count(*) FILTER (WHERE created_at >= $3)::int AS this_month
       FROM footage_requests WHERE agency_id = $1`,
    [o.agencyId, o.caseNumber, o.monthStart],
  );
  return { requestsForCase: res.rows[0]!.for_case, requestsThisMonth: res.rows[0]!.this_month };
}

export async function insertRequest(tx: Queryable, r: NewFootageRequest): Promise<void> {
  await tx.query(
    `INSERT INTO footage_requests (id, agency_id, jurisdiction, policy_version, policy_sha256, created_by,
        case_number, offense_category, legal_basis, investigator_name, investigator_contact, narrative, area,
        area_m2, cells, window_start, window_end, response_deadline, exigent, justification_due,
        published_event_id, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22)`,
    [
      r.id,
      r.agency_id,
      r.jurisdiction,
      r.policy_version,
      r.policy_sha256,
      r.created_by,
      r.case_number,
      r.offense_category,
      r.legal_basis,
      r.investigator_name,
      r.investigator_contact,
      r.narrative,
      JSON.stringify(r.area),
      r.area_m2,
      r.cells,
      r.window_start,
      r.window_end,
      r.response_deadline,
      r.exigent,
      r.justification_due,
      r.published_event_id,
      r.created_at,
    ],
  );
}

/** Records which cameras (and so which owners) a request reached. */
export async function insertMatches(tx: Queryable, requestId: string, matches: CameraMatch[]): Promise<void> {
  if (matches.length === 0) return;
  await tx.query(
    `INSERT INTO request_matches (request_id, camera_id, owner_id)
     SELECT $1, m.camera_id, m.owner_id FROM unnest($2::bigint[], $3::bigint[]) AS m (camera_id, owner_id)
     ON CONFLICT DO NOTHING`,
    [requestId, matches.map((m) => m.cameraId), matches.map((m) => m.ownerId)],
  );
}

/** Deletes every match of a request (on close or expiry): nothing remains of who was asked. */
export async function deleteMatches(tx: Queryable, requestId: string): Promise<void> {
  await tx.query('DELETE FROM request_matches WHERE request_id = $1', [requestId]);
}

export async function findRequest(
  q: Queryable,
  id: string,
  lock = false,
): Promise<FootageRequestRow | undefined> {
  if (lock) await q.query('SELECT 1 FROM footage_requests WHERE id = $1 FOR UPDATE', [id]);
  const res = await q.query<FootageRequestRow>(`${SELECT} WHERE r.id = $1`, [id]);
  return res.rows[0];
}

export interface ListFilter {
  agencyId?: number | undefined;
  jurisdiction?: string | undefined;
  status?: RequestStatus | undefined;
  /** [start, end) of a calendar month, UTC. */
  month?: { start: Date; end: Date } | undefined;
  after?: { createdAt: Date; id: string } | undefined;
  limit: number;
}

/** Requests newest first, filtered; keyset-paginated by (created_at, id) so ids stay opaque. */
export async function listRequests(q: Queryable, f: ListFilter): Promise<FootageRequestRow[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (f.agencyId !== undefined) add('r.agency_id = ?', f.agencyId);
  if (f.jurisdiction !== undefined) add('r.jurisdiction = ?', f.jurisdiction);
  if (f.status !== undefined) add('r.status = ?', f.status);
  if (f.month) {
    add('r.created_at >= ?', f.month.start);
    add('r.created_at < ?', f.month.end);
  }
  if (f.after) {
    params.push(f.after.createdAt, f.after.id);
    where.push(`(r.created_at, r.id) < ($${params.length - 1}, $${params.length})`);
  }
  params.push(f.limit);
  const res = await q.query<FootageRequestRow>(
    `${SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY r.created_at DESC, r.id DESC LIMIT $${params.length}`,
    params,
  );
  return res.rows;
}

/** Closes an open request. Returns false when it was not open. */
export async function closeRequest(
  tx: Queryable,
  o: { id: string; status: 'closed' | 'expired'; reason: string | null; at: Date },
): Promise<boolean> {
  const res = await tx.query(
    `UPDATE footage_requests SET status = $2, closed_reason = $3, closed_at = $4
      WHERE id = $1 AND status = 'open'`,
    [o.id, o.status, o.reason, o.at],
  );
  return res.rowCount > 0;
}

export async function setJustification(tx: Queryable, id: string, text: string, at: Date): Promise<void> {
  await tx.query('UPDATE footage_requests SET justification = $2, justified_at = $3 WHERE id = $1', [
    id,
    text,
    at,
  ]);
}

/**
 * Open requests past their response deadline, locked for this transaction. SKIP LOCKED lets several API
 * processes run the job at once, each taking different requests.
 */
export async function lockExpired(tx: Queryable, now: Date, limit: number): Promise<string[]> {
  const res = await tx.query<{ id: string }>(
    `SELECT id FROM footage_requests WHERE status = 'open' AND response_deadline <= $1
      ORDER BY response_deadline LIMIT $2 FOR UPDATE SKIP LOCKED`,
    [now, limit],
  );
  return res.rows.map((r) => r.id);
}

/** Exigent requests whose justification is overdue and not yet recorded as missed, locked likewise. */
export async function lockJustificationsMissed(
  tx: Queryable,
  now: Date,
  limit: number,
): Promise<{ id: string; agency_id: number }[]> {
  const res = await tx.query<{ id: string; agency_id: number }>(
    `SELECT id, agency_id FROM footage_requests
      WHERE exigent AND justification IS NULL AND justification_missed_at IS NULL AND justification_due <= $1
      ORDER BY justification_due LIMIT $2 FOR UPDATE SKIP LOCKED`,
    [now, limit],
  );
  return res.rows;
}

export async function markJustificationMissed(tx: Queryable, id: string, at: Date): Promise<void> {
  await tx.query('UPDATE footage_requests SET justification_missed_at = $2 WHERE id = $1', [id, at]);
}

/** Several requests by id, in no particular order. */
export async function findRequests(q: Queryable, ids: readonly string[]): Promise<FootageRequestRow[]> {
  if (ids.length === 0) return [];
  const res = await q.query<FootageRequestRow>(`${SELECT} WHERE r.id = ANY($1::text[])`, [ids]);
  return res.rows;
}
