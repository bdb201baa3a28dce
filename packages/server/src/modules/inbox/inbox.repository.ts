import type { Queryable } from '../../infra/db/index.js';

/** One of an owner's cameras that an open request reached. */
export interface MatchedCameraRow {
  request_id: string;
  owner_id: number;
  /** The camera's public id (ca_…). */
  camera_id: string;
  camera_name: string;
}

/**
 * The owner's cameras reached by open requests, newest request first. Always filtered by owner: there is no
 * query here that lists another account's matches.
 */
export async function matchesOfOwner(
  q: Queryable,
  ownerId: number,
  limit: number,
): Promise<MatchedCameraRow[]> {
  const res = await q.query<MatchedCameraRow>(
    `SELECT m.request_id, m.owner_id, c.public_id AS camera_id, c.name AS camera_name
       FROM (SELECT r.id, r.created_at FROM footage_requests r
              WHERE r.status = 'open' AND EXISTS (SELECT 1 FROM request_matches x WHERE x.request_id = r.id AND x.owner_id = $1)
              ORDER BY r.created_at DESC, r.id DESC LIMIT $2) open_requests
       JOIN request_matches m ON m.request_id = open_requests.id AND m.owner_id = $1
       JOIN cameras c ON c.id = m.camera_id
      ORDER BY open_requests.created_at DESC, open_requests.id DESC, c.id`,
    [ownerId, limit],
  );
  return res.rows;
}

/** The owner's cameras one open request reached (none when it reached none of theirs, or is not open). */
export async function matchesOfOwnerFor(
  q: Queryable,
  ownerId: number,
  requestId: string,
): Promise<MatchedCameraRow[]> {
  const res = await q.query<MatchedCameraRow>(
    `SELECT m.request_id, m.owner_id, c.public_id AS camera_id, c.name AS camera_name
       FROM request_matches m
       JOIN footage_requests r ON r.id = m.request_id AND r.status = 'open'
       JOIN cameras c ON c.id = m.camera_id
      WHERE m.owner_id = $1 AND m.request_id = $2
      ORDER BY c.id`,
    [ownerId, requestId],
  );
  return res.rows;
}

/** For live delivery: every owner's matched cameras of one request, to be filtered to who is online. */
export async function matchesOfRequest(q: Queryable, requestId: string): Promise<MatchedCameraRow[]> {
  const res = await q.query<MatchedCameraRow>(
    `SELECT m.request_id, m.owner_id, c.public_id AS camera_id, c.name AS camera_name
       FROM request_matches m JOIN cameras c ON c.id = m.camera_id
      WHERE m.request_id = $1
      ORDER BY m.owner_id, c.id`,
    [requestId],
  );
  return res.rows;
}

/** Open requests that reached the owner. */
export async function countForOwner(q: Queryable, ownerId: number): Promise<number> {
  const res = await q.query<{ n: number }>(
    `SELECT count(DISTINCT m.request_id)::int AS n
       FROM request_matches m JOIN footage_requests r ON r.id = m.request_id AND r.status = 'open'
      WHERE m.owner_id = $1`,
    [ownerId],
  );
  return res.rows[0]!.n;
}

/** Forgets that a request reached this owner: the rows are deleted, so no trace of the decline remains. */
export async function deleteOwnerMatches(tx: Queryable, ownerId: number, requestId: string): Promise<number> {
  const res = await tx.query('DELETE FROM request_matches WHERE owner_id = $1 AND request_id = $2', [
    ownerId,
    requestId,
  ]);
  return res.rowCount;
}
