/**
 * Footage-request matching benchmark (issue 8): which opted-in cameras lie inside a 0.5 mi² request polygon,
 * over 1,000,000 cameras on PostgreSQL. Compares the shipped path (`matchCameras`: H3 resolution-9 cover of the
 * polygon → `cameras_match_covering_idx`, read index-only → exact point-in-polygon) with a full scan (every
 * opted-in camera read and tested) in the same run, and checks both return the same cameras.
 *
 *   npx tsx bench/request-matching.ts [cameras=1000000] [queries=300] [scans=5]
 */
import os from 'node:os';
import { pointInPolygon } from '@porchlight/policy';
import { snap } from '../packages/server/src/geo/cells.js';
import type { Database } from '../packages/server/src/infra/db/index.js';
import { migrate } from '../packages/server/src/infra/db/migrate.js';
import {
  coverCells,
  matchCameras,
  matchCamerasScanningAll,
  type GeoPolygon,
} from '../packages/server/src/modules/requests/requests.matching.js';
import { withScratchPostgres } from './support/databases.js';

const CAMERAS = Number(process.argv[2] ?? 1_000_000);
const QUERIES = Number(process.argv[3] ?? 300);
const SCANS = Number(process.argv[4] ?? 5);
const CENTRE = { lat: 45.5152, lng: -122.6784 };
/** Cameras spread over a 40 km × 40 km metro area. */
const SPREAD_DEG = 0.36;
const OWNERS = 10_000;
/** 0.5 square miles in m², as a square of this side. */
const SIDE_M = Math.sqrt(0.5 * 2_589_988.11);

function rng(seed: number) {
  let s = seed >>> 0;
  return () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
}

const offset = (p: { lat: number; lng: number }, northM: number, eastM: number) => ({
  lat: p.lat + northM / 111_320,
  lng: p.lng + eastM / (111_320 * Math.cos((p.lat * Math.PI) / 180)),
});

/** A square of 0.5 mi², rotated by `angle`, centred on `c`. */
function square(c: { lat: number; lng: number }, angle: number): GeoPolygon {
  const h = SIDE_M / Math.SQRT2;
  const ring = [0, 1, 2, 3, 0].map((k): [number, number] => {
    const a = angle + (k * Math.PI) / 2 + Math.PI / 4;
    const p = offset(c, h * Math.sin(a), h * Math.cos(a));
    return [p.lng, p.lat];
  });
  return { type: 'Polygon', coordinates: [ring] };
}

async function seed(db: Database): Promise<void> {
  await db.query(
    `INSERT INTO users (email, display_name, password_hash)
     SELECT 'owner' || g || '@example.test', 'Owner ' || g, 'x' FROM generate_series(1, $1) g`,
    [OWNERS],
  );
  const rand = rng(7);
  const BATCH = 10_000;
  for (let i = 0; i < CAMERAS; i += BATCH) {
    const n = Math.min(BATCH, CAMERAS - i);
    const cols: unknown[][] = [[], [], [], [], [], []];
    for (let k = 0; k < n; k++) {
      const p = {
        lat: CENTRE.lat + (rand() - 0.5) * SPREAD_DEG,
        lng: CENTRE.lng + (rand() - 0.5) * SPREAD_DEG,
      };
      const s = snap(p);
      cols[0]!.push(1 + ((i + k) % OWNERS));
      cols[1]!.push(p.lat);
      cols[2]!.push(p.lng);
      cols[3]!.push(s.cell);
      cols[4]!.push(s.areaCell);
      // Most cameras opt in; some do not, so the filter is exercised.
      cols[5]!.push(rand() < 0.8);
    }
    await db.query(
      `INSERT INTO cameras (owner_id, name, lat, lng, cell, area_cell, accept_agency_requests)
       SELECT o, 'Camera', la, ln, c, ac, acc
         FROM unnest($1::bigint[], $2::float8[], $3::float8[], $4::text[], $5::text[], $6::bool[])
           AS t (o, la, ln, c, ac, acc)`,
      cols,
    );
  }
  // As autovacuum would by the time requests arrive: sets the visibility map, so the covering index is read
  // alone (index-only scan).
  await db.query('VACUUM ANALYZE cameras');
}

const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
const pct = (xs: number[], p: number) => sorted(xs)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;

async function main(): Promise<void> {
  await withScratchPostgres({}, async (db) => {
    await migrate(db);
    let t0 = performance.now();
    await seed(db);
    console.log(`seeded ${CAMERAS} cameras in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const rand = rng(99);
    const areas = Array.from({ length: QUERIES }, () =>
      square(
        {
          lat: CENTRE.lat + (rand() - 0.5) * SPREAD_DEG * 0.8,
          lng: CENTRE.lng + (rand() - 0.5) * SPREAD_DEG * 0.8,
        },
        rand() * Math.PI,
      ),
    );
    const indexed: number[] = [];
    const matched: number[] = [];
    // Warm-up: the first queries load the index into the buffer cache.
    for (const area of areas.slice(0, 20))
      await matchCameras(db, { area, agencyId: 0, inside: (p) => pointInPolygon(area, p) });
    const cpu: number[] = [];
    for (const area of areas) {
      const c0 = process.cpuUsage();
      t0 = performance.now();
      const m = await matchCameras(db, { area, agencyId: 0, inside: (p) => pointInPolygon(area, p) });
      indexed.push(performance.now() - t0);
      const c = process.cpuUsage(c0);
      cpu.push((c.user + c.system) / 1000);
      matched.push(m.length);
    }
    // The database's own time for the candidate query (EXPLAIN ANALYZE), apart from the client and the machine's
    // other load: what an idle API process would wait for.
    const dbExec: number[] = [];
    const scanKinds = new Map<string, number>();
    for (const area of areas.slice(0, 100)) {
      const cells = coverCells(area, 9);
      const plan = await db.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN (ANALYZE, FORMAT TEXT) SELECT c.id, c.owner_id, c.lat, c.lng FROM cameras c
          WHERE c.accept_agency_requests AND c.cell = ANY($1::text[])
            AND NOT EXISTS (SELECT 1 FROM agency_members m WHERE m.user_id = c.owner_id AND m.agency_id = $2)`,
        [cells, 0],
      );
      const line = plan.rows.map((r) => r['QUERY PLAN']).find((l) => l.startsWith('Execution Time'))!;
      dbExec.push(Number(/([\d.]+) ms/.exec(line)![1]));
      const scan = plan.rows
        .map(
          (r) =>
            /(Index Only Scan|Index Scan|Bitmap Heap Scan|Seq Scan) .*on cameras/.exec(r['QUERY PLAN'])?.[1],
        )
        .find(Boolean);
      scanKinds.set(scan ?? 'other', (scanKinds.get(scan ?? 'other') ?? 0) + 1);
    }
    const scans: number[] = [];
    for (const area of areas.slice(0, SCANS)) {
      t0 = performance.now();
      const full = await matchCamerasScanningAll(db, { agencyId: 0, inside: (p) => pointInPolygon(area, p) });
      scans.push(performance.now() - t0);
      const fast = await matchCameras(db, { area, agencyId: 0, inside: (p) => pointInPolygon(area, p) });
      const key = (xs: { cameraId: number }[]) =>
        xs
          .map((x) => x.cameraId)
          .sort((a, b) => a - b)
          .join(',');
      if (key(full) !== key(fast)) throw new Error('indexed matching disagrees with the full scan');
    }
    const f = (x: number) => x.toFixed(2);
    console.log(
      [
        `| path | queries | median ms | p99 ms | max ms | cameras matched (median) |`,
        `| --- | --- | --- | --- | --- | --- |`,
        `| H3 cover + index + exact test | ${QUERIES} | ${f(pct(indexed, 0.5))} | ${f(pct(indexed, 0.99))} | ${f(Math.max(...indexed))} | ${pct(matched, 0.5)} |`,
        `| full scan + exact test | ${SCANS} | ${f(pct(scans, 0.5))} | ${f(pct(scans, 0.99))} | ${f(Math.max(...scans))} | (same cameras: checked) |`,
        ``,
        `| H3 path, by part | median ms | p99 ms |`,
        `| --- | --- | --- |`,
        `| Node CPU per match (cover, row parsing, exact test) | ${f(pct(cpu, 0.5))} | ${f(pct(cpu, 0.99))} |`,
        `| database execution of the candidate query (EXPLAIN ANALYZE, 100 areas) | ${f(pct(dbExec, 0.5))} | ${f(pct(dbExec, 0.99))} |`,
        ``,
        `cameras read by: ${[...scanKinds].map(([k, n]) => `${k} (${n} areas)`).join(', ')}`,
        `load average during the run: ${os
          .loadavg()
          .map((x) => x.toFixed(1))
          .join(', ')} on ${os.cpus().length} cores`,
      ].join('\n'),
    );
  });
}

await main();
