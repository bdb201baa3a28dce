/**
 * What the disclosures module reads about footage requests (owned by the requests module): a request's agency,
 * state and policy, and whether an owner was matched to it. Kept to these few queries so the two modules meet
 * in one place.
 */
import type { Queryable } from '../../infra/db/index.js';

export interface RequestFacts {
  id: string;
  agency_id: number;
  agency_status: 'verified' | 'suspended';
  status: 'open' | 'closed' | 'expired';
  case_number: string;
  jurisdiction: string;
  policy_version: number;
  published_event_id: number;
  policy: { disclosureRetentionDays?: number; legalHoldMaxDays?: number };
}

const select = `SELECT r.id, r.agency_id, a.status AS agency_status, r.status, r.case_number, r.jurisdiction,
    r.policy_version, r.published_event_id, p.policy
  FROM footage_requests r
  JOIN agencies a ON a.id = r.agency_id
  JOIN policy_versions p ON p.jurisdiction = r.jurisdiction AND p.version = r.policy_version`;

export async function findRequest(q: Queryable, id: string): Promise<RequestFacts | undefined> {
  if (!/^rq_[A-Za-z0-9_-]{22}$/.test(id)) return undefined;
  const res = await q.query<RequestFacts>(`${select} WHERE r.id = $1`, [id]);
  return res.rows[0];
}

/** The request locked against closing for the rest of `tx` (a disclosure is made to an open request only). */
export async function lockRequest(tx: Queryable, id: string): Promise<RequestFacts | undefined> {
  const res = await tx.query<RequestFacts>(`${select} WHERE r.id = $1 FOR SHARE OF r`, [id]);
  return res.rows[0];
}

/** Whether one of the owner's cameras was matched to the request (matches go when it closes or expires). */
export async function isMatchedOwner(q: Queryable, requestId: string, ownerId: number): Promise<boolean> {
  const res = await q.query('SELECT 1 FROM request_matches WHERE request_id = $1 AND owner_id = $2 LIMIT 1', [
    requestId,
    ownerId,
  ]);
  return res.rowCount > 0;
}

/** Days a disclosed copy lives (policy `disclosureRetentionDays`, default 90). */
export const retentionDays = (r: RequestFacts): number => r.policy.disclosureRetentionDays ?? 90;
/** Longest legal hold, in days from now (policy v2 `legalHoldMaxDays`, default 365). */
export const legalHoldMaxDays = (r: RequestFacts): number => r.policy.legalHoldMaxDays ?? 365;
