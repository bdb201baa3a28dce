import type { Queryable } from '../../infra/db/index.js';
import { newPublicId } from '../../public-ids.js';

export interface CameraRow {
  id: number;
  /** The camera's id outside the server (ca_…); `id` never leaves it. */
  public_id: string;
  owner_id: number;
  name: string;
  lat: number;
  lng: number;
  cell: string;
  area_cell: string;
  privacy_zones: string[];
  retention_days: number;
  accept_agency_requests: boolean;
  created_at: Date;
}

export interface CameraFields {
  name: string;
  lat: number;
  lng: number;
  cell: string;
  areaCell: string;
  privacyZones: string[];
  retentionDays: number;
  acceptAgencyRequests: boolean;
}

export async function insertCamera(db: Queryable, ownerId: number, c: CameraFields): Promise<CameraRow> {
  const res = await db.query<CameraRow>(
    `INSERT INTO cameras (owner_id, name, lat, lng, cell, area_cell, privacy_zones, retention_days,
                          accept_agency_requests, public_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING *`,
    [
      ownerId,
      c.name,
      c.lat,
      c.lng,
      c.cell,
      c.areaCell,
      JSON.stringify(c.privacyZones),
      c.retentionDays,
      c.acceptAgencyRequests,
      newPublicId('ca'),
    ],
  );
  return res.rows[0]!;
}

/** The camera (by public id) when `ownerId` owns it; anyone else's camera is indistinguishable from none. */
export async function findOwnCamera(
  db: Queryable,
  ownerId: number,
  publicId: string,
  lock = false,
): Promise<CameraRow | undefined> {
  const res = await db.query<CameraRow>(
    `SELECT * FROM cameras WHERE public_id = $1 AND owner_id = $2${lock ? ' FOR UPDATE' : ''}`,
    [publicId, ownerId],
  );
  return res.rows[0];
}

export async function camerasOf(db: Queryable, ownerId: number): Promise<CameraRow[]> {
  const res = await db.query<CameraRow>('SELECT * FROM cameras WHERE owner_id = $1 ORDER BY id', [ownerId]);
  return res.rows;
}

export async function updateCamera(db: Queryable, id: number, c: CameraFields): Promise<CameraRow> {
  const res = await db.query<CameraRow>(
    `UPDATE cameras SET name = $2, lat = $3, lng = $4, cell = $5, area_cell = $6, privacy_zones = $7,
            retention_days = $8, accept_agency_requests = $9
     WHERE id = $1 RETURNING *`,
    [
      id,
      c.name,
      c.lat,
      c.lng,
      c.cell,
      c.areaCell,
      JSON.stringify(c.privacyZones),
      c.retentionDays,
      c.acceptAgencyRequests,
    ],
  );
  return res.rows[0]!;
}

export async function deleteCamera(db: Queryable, id: number): Promise<void> {
  await db.query('DELETE FROM cameras WHERE id = $1', [id]);
}

export interface CameraSnapshotRow {
  ciphertext: Buffer;
  width: number;
  height: number;
  taken_at: Date;
}

/** Keeps `snapshot` as the camera's one snapshot, replacing an older one. */
export async function putSnapshot(
  db: Queryable,
  cameraId: number,
  deviceId: number,
  snapshot: { ciphertext: Buffer; width: number; height: number; takenAt: Date },
): Promise<void> {
  await db.query(
    `INSERT INTO camera_snapshots (camera_id, device_id, ciphertext, width, height, taken_at)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (camera_id) DO UPDATE SET device_id = EXCLUDED.device_id, ciphertext = EXCLUDED.ciphertext,
       width = EXCLUDED.width, height = EXCLUDED.height, taken_at = EXCLUDED.taken_at, stored_at = now()`,
    [cameraId, deviceId, snapshot.ciphertext, snapshot.width, snapshot.height, snapshot.takenAt],
  );
}

export async function findSnapshot(db: Queryable, cameraId: number): Promise<CameraSnapshotRow | undefined> {
  const res = await db.query<CameraSnapshotRow>(
    'SELECT ciphertext, width, height, taken_at FROM camera_snapshots WHERE camera_id = $1',
    [cameraId],
  );
  return res.rows[0];
}
