import type { LegalDemandKind, LegalProduction } from '@porchlight/policy';
import type { Queryable } from '../../infra/db/index.js';

export interface LegalDemandRow {
  id: string;
  kind: LegalDemandKind;
  authority: string;
  docket: string;
  /** YYYY-MM-DD. */
  demand_date: string;
  scope_summary: string;
  document_sha256: string;
  jurisdiction: string;
  affected_user_id: number;
  recorded_by: number;
  received_at: Date;
  produced: LegalProduction | null;
  answered_at: Date | null;
  notice_due_at: Date;
  notice_sent_at: Date | null;
}

const COLUMNS = `id, kind, authority, docket, to_char(demand_date, 'YYYY-MM-DD') AS demand_date, scope_summary,
  document_sha256, jurisdiction, affected_user_id::int AS affected_user_id, recorded_by::int AS recorded_by,
  received_at, produced, answered_at, notice_due_at, notice_sent_at`;

export async function insertDemand(
  tx: Queryable,
  d: Omit<LegalDemandRow, 'produced' | 'answered_at' | 'notice_sent_at'>,
): Promise<LegalDemandRow> {
  const res = await tx.query<LegalDemandRow>(
    `INSERT INTO legal_demands (id, kind, authority, docket, demand_date, scope_summary, document_sha256,
       jurisdiction, affected_user_id, recorded_by, received_at, notice_due_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING ${COLUMNS}`,
    [
      d.id,
      d.kind,
      d.authority,
      d.docket,
      d.demand_date,
      d.scope_summary,
      d.document_sha256,
      d.jurisdiction,
      d.affected_user_id,
      d.recorded_by,
      d.received_at,
      d.notice_due_at,
    ],
  );
  return res.rows[0]!;
}

/** A demand, locked for the rest of `tx` so an answer, a delay and the notice job never interleave. */
export async function lockDemand(tx: Queryable, id: string): Promise<LegalDemandRow | undefined> {
  const res = await tx.query<LegalDemandRow>(
    `SELECT ${COLUMNS} FROM legal_demands WHERE id = $1 FOR UPDATE`,
    [id],
  );
  return res.rows[0];
}

export async function setAnswer(tx: Queryable, id: string, produced: LegalProduction, at: Date) {
  const res = await tx.query<LegalDemandRow>(
    `UPDATE legal_demands SET produced = $2, answered_at = $3 WHERE id = $1 RETURNING ${COLUMNS}`,
    [id, produced, at],
  );
  return res.rows[0]!;
}

export async function setNoticeDue(tx: Queryable, id: string, due: Date) {
  const res = await tx.query<LegalDemandRow>(
    `UPDATE legal_demands SET notice_due_at = $2 WHERE id = $1 RETURNING ${COLUMNS}`,
    [id, due],
  );
  return res.rows[0]!;
}

/**
 * Demands whose notice is due and unsent, oldest first, locked. SKIP LOCKED: several processes may run the
 * notice job at once, and each demand's notice is sent by exactly one of them.
 */
export async function lockDueNotices(tx: Queryable, now: Date, limit: number): Promise<LegalDemandRow[]> {
  const res = await tx.query<LegalDemandRow>(
    `SELECT ${COLUMNS} FROM legal_demands
      WHERE notice_sent_at IS NULL AND notice_due_at <= $1
      ORDER BY notice_due_at, id LIMIT $2 FOR UPDATE SKIP LOCKED`,
    [now, limit],
  );
  return res.rows;
}

/** Records that notice went out, and gives the owner the notice they will see. */
export async function markNoticeSent(tx: Queryable, d: LegalDemandRow, at: Date): Promise<void> {
  await tx.query('UPDATE legal_demands SET notice_sent_at = $2 WHERE id = $1', [d.id, at]);
  await tx.query('INSERT INTO legal_notices (demand_id, user_id, sent_at) VALUES ($1, $2, $3)', [
    d.id,
    d.affected_user_id,
    at,
  ]);
}

/** Every demand, newest first (admin). */
export async function listDemands(q: Queryable): Promise<LegalDemandRow[]> {
  const res = await q.query<LegalDemandRow>(
    `SELECT ${COLUMNS} FROM legal_demands ORDER BY received_at DESC, id LIMIT 500`,
  );
  return res.rows;
}

/** The demands an owner has been told of, newest first. */
export async function listNoticesFor(
  q: Queryable,
  userId: number,
): Promise<(LegalDemandRow & { sent_at: Date })[]> {
  const res = await q.query<LegalDemandRow & { sent_at: Date }>(
    `SELECT ${COLUMNS}, n.sent_at
       FROM legal_notices n JOIN legal_demands d ON d.id = n.demand_id
      WHERE n.user_id = $1 ORDER BY n.sent_at DESC, d.id`,
    [userId],
  );
  return res.rows;
}

/** Public counts: demands by kind, answers by what was produced, and notices delayed. */
export async function demandCounts(q: Queryable) {
  const res = await q.query<{ kind: string; produced: string | null; delayed: number; n: number }>(
    `SELECT kind, produced, (notice_due_at > received_at)::int AS delayed, count(*)::int AS n
       FROM legal_demands GROUP BY 1, 2, 3`,
  );
  return res.rows;
}
