/**
 * Feed query benchmark: one page of a viewer's feed (20 posts within 1.6 km or 8 km) on PGlite and PostgreSQL,
 * with N posts spread over a 40 × 40 km metro area plus a small town 110 km away with 300 posts. Baseline in
 * the same run: the same radius filter without the area-cell index (every visible post is distance-checked,
 * newest first, until a page is full) — what a feed without a geo index costs.
 *
 *   npx tsx bench/feed-query.ts [posts=100000] [queries=200]
 */
import { areaCellsCovering, snap } from '../packages/server/src/geo/cells.js';
import type { Database } from '../packages/server/src/infra/db/index.js';
import { withPglite, withScratchPostgres } from './support/databases.js';
import { migrate } from '../packages/server/src/infra/db/migrate.js';
import { feedPage, postsByIds } from '../packages/server/src/modules/posts/posts.repository.js';

const POSTS = Number(process.argv[2] ?? 100_000);
const QUERIES = Number(process.argv[3] ?? 200);
const CENTRE = { lat: 45.5152, lng: -122.6784 };
/** Posts spread over a 40 km × 40 km metro area. */
const SPREAD_DEG = 0.36;
/** A small town ~110 km north of the metro. */
const TOWN = { lat: CENTRE.lat + 1, lng: CENTRE.lng };

function rng(seed: number) {
  let s = seed >>> 0;
  return () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
}

async function insertPosts(db: Database, points: { lat: number; lng: number }[]): Promise<void> {
  for (let i = 0; i < points.length; i += 1000) {
    const values: unknown[] = [];
    const rows: string[] = [];
    for (const point of points.slice(i, i + 1000)) {
      const where = snap(point);
      const b = values.length;
      rows.push(`(1, 'community', 'Post', 'Body', $${b + 1}, $${b + 2}, $${b + 3}, $${b + 4})`);
      values.push(where.cell, where.lat, where.lng, where.areaCell);
    }
    await db.query(
      `INSERT INTO posts (author_id, category, title, body, cell, cell_lat, cell_lng, area_cell) VALUES ${rows.join(',')}`,
      values,
    );
  }
}

async function seed(db: Database): Promise<void> {
  await db.query(
    `INSERT INTO users (email, display_name, password_hash) VALUES ('bench@example.test', 'Bench', 'x')`,
  );
  const rand = rng(42);
  const around = (c: { lat: number; lng: number }, spread: number) => ({
    lat: c.lat + (rand() - 0.5) * spread,
    lng: c.lng + (rand() - 0.5) * spread,
  });
  // The town's posts go in first, so they are the oldest: a town feed reaches back past the whole metro's.
  await insertPosts(
    db,
    Array.from({ length: 300 }, () => around(TOWN, 0.03)),
  );
  await insertPosts(
    db,
    Array.from({ length: POSTS }, () => around(CENTRE, SPREAD_DEG)),
  );
  await db.query('ANALYZE posts');
}

/** The same filter with no area-cell restriction: every visible post is distance-checked. */
async function baselinePage(
  db: Database,
  home: { lat: number; lng: number },
  radiusM: number,
): Promise<number> {
  const res = await db.query<{ id: number }>(
    `SELECT p.id FROM posts p WHERE p.status = 'visible'
       AND 12742017.6 * asin(least(1, sqrt(power(sin(radians(p.cell_lat - $1) / 2), 2)
         + cos(radians($1)) * cos(radians(p.cell_lat)) * power(sin(radians(p.cell_lng - $2) / 2), 2)))) <= $3
     ORDER BY p.id DESC LIMIT 21`,
    [home.lat, home.lng, radiusM],
  );
  // The same second step as the real query: the page's rows as the viewer sees them.
  return (
    await postsByIds(
      db,
      1,
      res.rows.map((r) => r.id),
    )
  ).length;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const p99 = (xs: number[]) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.99))]!;

async function time(fn: () => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < QUERIES; i++) {
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
  }
  return out;
}

async function run(kind: string, db: Database): Promise<string[]> {
  await migrate(db);
  const t0 = performance.now();
  await seed(db);
  const seedS = (performance.now() - t0) / 1000;
  const lines: string[] = [];
  const rand = rng(7);
  const scenarios = [
    { where: 'metro', centre: CENTRE, spread: SPREAD_DEG * 0.5, radiusM: 1600 },
    { where: 'metro', centre: CENTRE, spread: SPREAD_DEG * 0.5, radiusM: 8000 },
    { where: 'town', centre: TOWN, spread: 0.02, radiusM: 1600 },
    { where: 'town', centre: TOWN, spread: 0.02, radiusM: 8000 },
  ];
  for (const { where, centre, spread, radiusM } of scenarios) {
    const homes = Array.from({ length: QUERIES }, () => ({
      lat: centre.lat + (rand() - 0.5) * spread,
      lng: centre.lng + (rand() - 0.5) * spread,
    }));
    let i = 0;
    const indexed = await time(() => {
      const home = homes[i++ % homes.length]!;
      return feedPage(db, {
        viewerId: 1,
        areaCells: areaCellsCovering(home, radiusM),
        home,
        radiusM,
        beforeId: undefined,
        limit: 21,
        category: undefined,
      });
    });
    i = 0;
    const baseline = await time(() => baselinePage(db, homes[i++ % homes.length]!, radiusM));
    lines.push(
      `| ${kind} | ${where} | ${radiusM / 1000} km | ${median(indexed).toFixed(2)} | ${p99(indexed).toFixed(2)} | ` +
        `${median(baseline).toFixed(2)} | ${p99(baseline).toFixed(2)} | ${(median(baseline) / median(indexed)).toFixed(1)}× |`,
    );
  }
  process.stderr.write(`${kind}: seeded ${POSTS} posts in ${seedS.toFixed(1)} s\n`);
  return lines;
}

async function main(): Promise<void> {
  const lines: string[] = [];
  lines.push(...(await withPglite((db) => run('PGlite', db))));
  lines.push(...(await withScratchPostgres({}, (db) => run('PostgreSQL 15', db))));

  process.stdout.write(
    `posts: ${POSTS} over ~40×40 km; ${QUERIES} feed pages per cell; times in ms\n\n` +
      '| database | viewer in | radius | area-cell index median | p99 | full-scan baseline median | p99 | speed-up (median) |\n' +
      '| --- | --- | --- | --- | --- | --- | --- | --- |\n' +
      `${lines.join('\n')}\n`,
  );
}

await main();
