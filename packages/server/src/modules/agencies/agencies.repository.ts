import type { Queryable } from '../../infra/db/index.js';

export type AgencyStatus = 'verified' | 'suspended';

export interface AgencyRow {
  id: number;
  name: string;
  jurisdiction: string;
  contact: string;
  status: AgencyStatus;
  status_reason: string;
  verified_by: number;
  verified_at: Date;
  updated_at: Date;
}

export interface MemberRow {
  agency_id: number;
  user_id: number;
  display_name: string;
  email: string;
  added_at: Date;
}

/** Inserts an agency; undefined when the jurisdiction already has an agency of that name. */
export async function insertAgency(
  tx: Queryable,
  a: { name: string; jurisdiction: string; contact: string; reason: string; verifiedBy: number },
): Promise<AgencyRow | undefined> {
  const res = await tx.query<AgencyRow>(
    `INSERT INTO agencies (name, jurisdiction, contact, status_reason, verified_by)
     VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (jurisdiction, lower(name)) DO NOTHING RETURNING *`,
    [a.name, a.jurisdiction, a.contact, a.reason, a.verifiedBy],
  );
  return res.rows[0];
}

/** The agency, locked for the rest of `tx` so concurrent status changes apply one after the other. */
export async function lockAgency(tx: Queryable, id: number): Promise<AgencyRow | undefined> {
  const res = await tx.query<AgencyRow>('SELECT * FROM agencies WHERE id = $1 FOR UPDATE', [id]);
  return res.rows[0];
}

export async function setStatus(
  tx: Queryable,
  id: number,
  status: AgencyStatus,
  reason: string,
): Promise<AgencyRow> {
  const res = await tx.query<AgencyRow>(
    `UPDATE agencies SET status = $2, status_reason = $3, updated_at = now() WHERE id = $1 RETURNING *`,
    [id, status, reason],
  );
  return res.rows[0]!;
}

export async function listAgencies(q: Queryable): Promise<AgencyRow[]> {
  const res = await q.query<AgencyRow>('SELECT * FROM agencies ORDER BY jurisdiction, lower(name), id');
  return res.rows;
}

/** Members of the given agencies, oldest first. */
export async function listMembers(q: Queryable, agencyIds: readonly number[]): Promise<MemberRow[]> {
  if (agencyIds.length === 0) return [];
  const res = await q.query<MemberRow>(
    `SELECT m.agency_id, m.user_id, u.display_name, u.email, m.added_at
       FROM agency_members m JOIN users u ON u.id = m.user_id
      WHERE m.agency_id = ANY($1::bigint[]) ORDER BY m.added_at, m.user_id`,
    [agencyIds],
  );
  return res.rows;
}

/** The agency an account belongs to, if any. */
export async function findAgencyOfMember(q: Queryable, userId: number): Promise<AgencyRow | undefined> {
  const res = await q.query<AgencyRow>(
    'SELECT a.* FROM agencies a JOIN agency_members m ON m.agency_id = a.id WHERE m.user_id = $1',
    [userId],
  );
  return res.rows[0];
}

export async function countMembers(q: Queryable, agencyId: number): Promise<number> {
  const res = await q.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM agency_members WHERE agency_id = $1',
    [agencyId],
  );
  return res.rows[0]!.n;
}

/** Links an account to an agency; false when it already belongs to one. */
export async function insertMember(
  tx: Queryable,
  m: { agencyId: number; userId: number; addedBy: number },
): Promise<boolean> {
  const res = await tx.query(
    `INSERT INTO agency_members (user_id, agency_id, added_by) VALUES ($1, $2, $3)
     ON CONFLICT (user_id) DO NOTHING`,
    [m.userId, m.agencyId, m.addedBy],
  );
  return res.rowCount === 1;
}

/** Unlinks an account from an agency; false when it was not a member of it. */
export async function deleteMember(tx: Queryable, agencyId: number, userId: number): Promise<boolean> {
  const res = await tx.query('DELETE FROM agency_members WHERE agency_id = $1 AND user_id = $2', [
    agencyId,
    userId,
  ]);
  return res.rowCount === 1;
}
