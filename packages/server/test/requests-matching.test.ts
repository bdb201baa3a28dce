import { pointInPolygon, type Position } from '@porchlight/policy';
import { latLngToCell } from 'h3-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snap } from '../src/geo/cells.js';
import {
  coverCells,
  matchCameras,
  matchCamerasScanningAll,
  type CameraMatch,
  type GeoPolygon,
} from '../src/modules/requests/requests.matching.js';
import { startTestApp, type TestApp } from './support/app.js';
import { HOME, offsetMeters } from './support/requests.js';

/** A deterministic pseudo-random sequence (Park–Miller), so a failure names a reproducible case. */
function random(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 16_807) % 2_147_483_647) / 2_147_483_647;
}

let t: TestApp;
const OWNERS = 40;
const CAMERAS = 4_000;
let firstOwner = 0;
/** Owners 0..4 are members of agency 1, whose requests must not reach them. */
const MEMBERS = 5;

beforeAll(async () => {
  t = await startTestApp();
  const db = t.database.db;
  const users = await db.query<{ id: number }>(
    `INSERT INTO users (email, display_name, password_hash, role)
     SELECT 'm' || g || '@example.test', 'Owner ' || g, 'x', CASE WHEN g <= $2 THEN 'agency' ELSE 'resident' END
       FROM generate_series(1, $1) g RETURNING id`,
    [OWNERS, MEMBERS],
  );
  firstOwner = users.rows[0]!.id;
  await db.query(`INSERT INTO jurisdictions (slug, name, current_version) VALUES ('test-j', 'Test', 1)`);
  await db.query(
    `INSERT INTO agencies (name, jurisdiction, contact, status_reason, verified_by)
     VALUES ('A', 'test-j', 'c', 'r', $1), ('B', 'test-j', 'c', 'r', $1)`,
    [firstOwner],
  );
  const agencies = await db.query<{ id: number }>('SELECT id FROM agencies ORDER BY id');
  for (let i = 0; i < MEMBERS; i++) {
    await db.query('INSERT INTO agency_members (user_id, agency_id, added_by) VALUES ($1, $2, $1)', [
      firstOwner + i,
      agencies.rows[0]!.id,
    ]);
  }
  const rand = random(2026);
  const cols: unknown[][] = [[], [], [], [], [], []];
  for (let i = 0; i < CAMERAS; i++) {
    const p = offsetMeters(HOME, (rand() - 0.5) * 4_000, (rand() - 0.5) * 4_000);
    const s = snap(p);
    cols[0]!.push(firstOwner + (i % OWNERS));
    cols[1]!.push(p.lat);
    cols[2]!.push(p.lng);
    cols[3]!.push(s.cell);
    cols[4]!.push(s.areaCell);
    cols[5]!.push(rand() < 0.7);
  }
  await db.query(
    `INSERT INTO cameras (owner_id, name, lat, lng, cell, area_cell, accept_agency_requests)
     SELECT o, 'Camera', la, ln, c, ac, acc
       FROM unnest($1::bigint[], $2::float8[], $3::float8[], $4::text[], $5::text[], $6::bool[])
         AS x (o, la, ln, c, ac, acc)`,
    cols,
  );
});
afterAll(() => t.close());

/** A random simple polygon: a star-shaped ring (sorted angles, random radii), so it may be concave. */
function starPolygon(rand: () => number): GeoPolygon {
  const centre = offsetMeters(HOME, (rand() - 0.5) * 3_000, (rand() - 0.5) * 3_000);
  const n = 3 + Math.floor(rand() * 10);
  const angles = Array.from({ length: n }, () => rand() * 2 * Math.PI).sort((a, b) => a - b);
  const scale = 100 + rand() * 900;
  const ring = angles.map((a) => {
    const r = scale * (0.3 + rand() * 0.7);
    const p = offsetMeters(centre, r * Math.sin(a), r * Math.cos(a));
    return [p.lng, p.lat] as Position;
  });
  return { type: 'Polygon', coordinates: [[...ring, ring[0]!]] };
}

const ids = (ms: CameraMatch[]) => ms.map((m) => m.cameraId).sort((a, b) => a - b);

describe('matching cameras to a request area', () => {
  it('selects by the cell index exactly the cameras a full scan selects (random concave polygons)', async () => {
    const rand = random(7);
    const agencies = await t.database.db.query<{ id: number }>('SELECT id FROM agencies ORDER BY id');
    let matched = 0;
    for (let i = 0; i < 60; i++) {
      const area = starPolygon(rand);
      const agencyId = agencies.rows[i % 2]!.id;
      const inside = (p: [number, number]) => pointInPolygon(area, p);
      const fast = await matchCameras(t.database.db, { area, agencyId, inside });
      const full = await matchCamerasScanningAll(t.database.db, { agencyId, inside });
      expect(ids(fast)).toEqual(ids(full));
      matched += fast.length;
    }
    // The comparison means something only if requests actually reach cameras.
    expect(matched).toBeGreaterThan(500);
  });

  it('never reaches the requesting agency’s own members, but does reach another agency’s', async () => {
    const [a, b] = (await t.database.db.query<{ id: number }>('SELECT id FROM agencies ORDER BY id')).rows;
    const area: GeoPolygon = {
      type: 'Polygon',
      coordinates: [
        [
          [HOME.lng - 0.05, HOME.lat - 0.05],
          [HOME.lng + 0.05, HOME.lat - 0.05],
          [HOME.lng + 0.05, HOME.lat + 0.05],
          [HOME.lng - 0.05, HOME.lat + 0.05],
          [HOME.lng - 0.05, HOME.lat - 0.05],
        ],
      ],
    };
    const inside = (p: [number, number]) => pointInPolygon(area, p);
    const members = new Set(Array.from({ length: MEMBERS }, (_, i) => firstOwner + i));
    const byA = await matchCameras(t.database.db, { area, agencyId: a!.id, inside });
    const byB = await matchCameras(t.database.db, { area, agencyId: b!.id, inside });
    expect(byA.filter((m) => members.has(m.ownerId))).toEqual([]);
    expect(byB.filter((m) => members.has(m.ownerId)).length).toBeGreaterThan(0);
    // Only opted-in cameras, ever.
    const optedOut = await t.database.db.query<{ id: number }>(
      'SELECT id FROM cameras WHERE NOT accept_agency_requests',
    );
    const out = new Set(optedOut.rows.map((r) => r.id));
    expect(byB.filter((m) => out.has(m.cameraId))).toEqual([]);
  });

  it('publishes the area as sorted resolution-8 cells covering every corner', () => {
    const rand = random(11);
    const area = starPolygon(rand);
    const cells = coverCells(area, 8);
    expect(cells).toEqual([...cells].sort());
    expect(cells.length).toBeGreaterThan(0);
    for (const [lng, lat] of area.coordinates[0]!) {
      expect(cells).toContain(latLngToCell(lat, lng, 8));
    }
  });
});
