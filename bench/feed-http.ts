/**
 * Feed throughput over HTTP at city scale (issue 13): `GET /api/feed` against `GET /api/session` (one indexed
 * lookup) on PostgreSQL with N posts (default 1,000,000) spread over a 40 × 40 km metro area, 20 keep-alive
 * connections from this process to one API process started from source. Before the HTTP runs it profiles
 * where a feed request's time goes: each query the request makes, timed alone over 300 viewers (the page both
 * through the database plans and with candidates from a `FeedWindow`), and the presenter + JSON step; then
 * EXPLAIN (ANALYZE, BUFFERS) of the database plans' first statement for one viewer.
 *
 *   npx tsx bench/feed-http.ts [posts=1000000] [seconds=15]
 *
 * HTTP runs alternate session, feed, session, feed (each `seconds` long) so a change in the shared machine's
 * load hits both; the table gives each run and the ratio of the totals.
 */
import http from 'node:http';
import { areaCellsCovering, snap } from '../packages/server/src/geo/cells.js';
import { migrate } from '../packages/server/src/infra/db/migrate.js';
import type { Database } from '../packages/server/src/infra/db/index.js';
import { hashToken } from '../packages/server/src/modules/auth/auth.service.js';
import { findSession } from '../packages/server/src/modules/auth/auth.repository.js';
import { FeedWindow } from '../packages/server/src/modules/posts/feed-window.js';
import { presentPost } from '../packages/server/src/modules/posts/posts.presenter.js';
import {
  feedPage,
  moderationNotices,
  type FeedQuery,
  type ModerationNoticeRow,
} from '../packages/server/src/modules/posts/posts.repository.js';
import { findUserById } from '../packages/server/src/modules/users/users.repository.js';
import {
  CENTRE,
  currentDatabaseUrl,
  loadLine,
  pct,
  rng,
  seedResidents,
  startApi,
  type Resident,
} from './support/city.js';
import { withScratchPostgres } from './support/databases.js';

const POSTS = Number(process.argv[2] ?? 1_000_000);
const SECONDS = Number(process.argv[3] ?? 15);
const CONNECTIONS = 20;
const SPREAD_DEG = 0.36;

async function seedPosts(db: Database, count: number): Promise<void> {
  const author = (
    await db.query<{ id: number }>(
      `INSERT INTO users (email, display_name, password_hash) VALUES ('author@bench.test', 'Author', 'x') RETURNING id`,
    )
  ).rows[0]!.id;
  const rand = rng(42);
  const categories = ['community', 'safety', 'lost_found_pet', 'crime'];
  for (let i = 0; i < count; i += 10_000) {
    const n = Math.min(10_000, count - i);
    const cells: string[] = [];
    const lats: number[] = [];
    const lngs: number[] = [];
    const areas: string[] = [];
    const cats: string[] = [];
    for (let k = 0; k < n; k++) {
      const where = snap({
        lat: CENTRE.lat + (rand() - 0.5) * SPREAD_DEG,
        lng: CENTRE.lng + (rand() - 0.5) * SPREAD_DEG,
      });
      cells.push(where.cell);
      lats.push(where.lat);
      lngs.push(where.lng);
      areas.push(where.areaCell);
      cats.push(categories[k % categories.length]!);
    }
    await db.query(
      `INSERT INTO posts (author_id, category, title, body, cell, cell_lat, cell_lng, area_cell, created_at)
       SELECT $1, cat, 'A post title of ordinary length', 'A body of a couple of sentences, as neighbours write them. Seen near the corner store around noon.',
              c, la, ln, a, now() - make_interval(secs => ($7::int - ord))
       FROM unnest($2::text[], $3::float8[], $4::float8[], $5::text[], $6::text[]) WITH ORDINALITY AS t(c, la, ln, a, cat, ord)`,
      [author, cells, lats, lngs, areas, cats, count - i],
    );
  }
}

const time = async (fn: () => Promise<unknown>): Promise<number> => {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
};

/** Where a feed request's time goes, step by step, measured in this process against the same database. */
async function profile(db: Database, viewers: Resident[]): Promise<string[]> {
  const steps: Record<string, number[]> = {
    'session lookup (auth)': [],
    'viewer home (findUserById)': [],
    'page query, database plans (feedPage without a window)': [],
    'page query, candidates from the window (FeedWindow)': [],
    'moderation notices': [],
    'presenter + JSON.stringify': [],
  };
  const window = new FeedWindow();
  const loading = await time(() => window.ready(db));
  for (let k = 0; k < 300; k++) {
    const r = viewers[k % viewers.length]!;
    steps['session lookup (auth)']!.push(await time(() => findSession(db, hashToken(r.token), new Date())));
    steps['viewer home (findUserById)']!.push(await time(() => findUserById(db, r.id)));
    const q: FeedQuery = {
      viewerId: r.id,
      areaCells: areaCellsCovering(r.home, 1600),
      home: r.home,
      radiusM: 1600,
      beforeId: undefined,
      limit: 21,
      category: undefined,
    };
    let rows: Awaited<ReturnType<typeof feedPage>> = [];
    steps['page query, database plans (feedPage without a window)']!.push(
      await time(async () => (rows = await feedPage(db, q))),
    );
    steps['page query, candidates from the window (FeedWindow)']!.push(
      await time(async () => (rows = await feedPage(db, q, window))),
    );
    let notices = new Map<number, ModerationNoticeRow>();
    steps['moderation notices']!.push(
      await time(
        async () =>
          (notices = await moderationNotices(
            db,
            rows.slice(0, 20).map((p) => p.id),
          )),
      ),
    );
    const viewer = { id: r.id, role: 'resident' as const, displayName: 'R' };
    steps['presenter + JSON.stringify']!.push(
      await time(() =>
        Promise.resolve(
          JSON.stringify({ items: rows.slice(0, 20).map((p) => presentPost(p, viewer, notices.get(p.id))) }),
        ),
      ),
    );
  }
  const r = viewers[0]!;
  const plan = await db.query<{ 'QUERY PLAN': string }>(
    `EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
     SELECT q.id FROM (
       SELECT id, author_id, area_cell, status, category, cell_lat, cell_lng, created_at, title, body FROM posts
       ORDER BY id DESC LIMIT 4000) q
     WHERE q.area_cell = ANY($1::text[]) AND q.status = 'visible'
       AND 12742017.6 * asin(least(1, sqrt(power(sin(radians(q.cell_lat - $2) / 2), 2)
         + cos(radians($2)) * cos(radians(q.cell_lat)) * power(sin(radians(q.cell_lng - $3) / 2), 2)))) <= 1600
     ORDER BY q.id DESC LIMIT 21`,
    [areaCellsCovering(r.home, 1600), r.home.lat, r.home.lng],
  );
  const f = (x: number) => x.toFixed(2);
  return [
    '| step | median ms | p99 ms |',
    '| --- | --- | --- |',
    ...Object.entries(steps).map(([k, xs]) => `| ${k} | ${f(pct(xs, 0.5))} | ${f(pct(xs, 0.99))} |`),
    '',
    `Loading the window (${window.size.toLocaleString('en')} newest posts) once per process: ${f(loading)} ms.`,
    '',
    'EXPLAIN ANALYZE of the first plan (newest 4,000 posts, filtered) for one viewer:',
    '',
    '```',
    ...plan.rows.map((p) => p['QUERY PLAN']),
    '```',
  ];
}

interface Run {
  path: string;
  requests: number;
  errors: number;
  /** Non-200 answers by status (0: no answer), and the first one's body, so a failing run says why. */
  failures: Record<number, number>;
  firstFailure: string | undefined;
  rps: number;
  p50: number;
  p99: number;
  load: string;
}

async function hammer(origin: string, path: string, viewers: Resident[], seconds: number): Promise<Run> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const url = new URL(origin);
  const latencies: number[] = [];
  let errors = 0;
  const failures: Record<number, number> = {};
  let firstFailure: string | undefined;
  const end = performance.now() + seconds * 1000;
  const one = (token: string) =>
    new Promise<number>((resolve, reject) => {
      const req = http.get(
        { host: url.hostname, port: url.port, path, agent, headers: { cookie: `pl_session=${token}` } },
        (res) => {
          const status = res.statusCode ?? 0;
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => {
            if (status !== 200 && firstFailure === undefined) chunks.push(c);
          });
          res.on('end', () => {
            if (status !== 200 && firstFailure === undefined)
              firstFailure = `${status} ${Buffer.concat(chunks).toString().slice(0, 300)}`;
            resolve(status);
          });
        },
      );
      req.on('error', reject);
    });
  const worker = async (c: number) => {
    const token = viewers[c % viewers.length]!.token;
    while (performance.now() < end) {
      const t0 = performance.now();
      const status = await one(token).catch((err: unknown) => {
        firstFailure ??= `no answer: ${String(err)}`;
        return 0;
      });
      if (status !== 200) {
        errors += 1;
        failures[status] = (failures[status] ?? 0) + 1;
      } else latencies.push(performance.now() - t0);
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: CONNECTIONS }, (_, c) => worker(c)));
  const elapsed = (performance.now() - t0) / 1000;
  agent.destroy();
  return {
    path,
    requests: latencies.length,
    errors,
    failures,
    firstFailure,
    rps: latencies.length / elapsed,
    p50: pct(latencies, 0.5),
    p99: pct(latencies, 0.99),
    load: loadLine(),
  };
}

async function main(): Promise<void> {
  await withScratchPostgres({ max: 4 }, async (db) => {
    await migrate(db);
    const t0 = performance.now();
    await seedPosts(db, POSTS);
    // Viewers live in the metro's middle 30 × 30 km, where posts are as dense as anywhere.
    const viewers = await seedResidents(db, CONNECTIONS, 30_000);
    await db.query('VACUUM ANALYZE');
    console.error(`seeded ${POSTS} posts in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    const profileLines = await profile(db, viewers);
    console.log(profileLines.join('\n'));

    const url = await currentDatabaseUrl(db);
    // FEED_BENCH_BEFORE=<checkout of an earlier commit>: the same runs against its server too, side by side.
    const before = process.env.FEED_BENCH_BEFORE;
    if (before) {
      const old = await startApi(url, 18_481, {}, before);
      try {
        console.log(`\nBefore (${before}):`);
        console.log(await httpRuns(old.origin, viewers));
      } finally {
        await old.stop();
      }
      console.log('\nAfter (this checkout):');
    }
    const api = await startApi(url, 18_480);
    try {
      console.log(await httpRuns(api.origin, viewers));
    } finally {
      await api.stop();
    }
  });
}

async function httpRuns(origin: string, viewers: Resident[]): Promise<string> {
  const api = { origin };
  {
    await hammer(api.origin, '/api/feed', viewers, 3); // warm-up
    await hammer(api.origin, '/api/session', viewers, 3);
    const runs: Run[] = [];
    for (let k = 0; k < 2; k++) {
      runs.push(await hammer(api.origin, '/api/session', viewers, SECONDS));
      runs.push(await hammer(api.origin, '/api/feed', viewers, SECONDS));
    }
    const f = (x: number, d = 1) => x.toFixed(d);
    const total = (p: string) => runs.filter((r) => r.path === p).reduce((s, r) => s + r.rps, 0);
    return [
      '',
      `| run | route | requests | errors | req/s | median ms | p99 ms | load |`,
      `| --- | --- | --- | --- | --- | --- | --- | --- |`,
      ...runs.map(
        (r, i) =>
          `| ${i + 1} | ${r.path} | ${r.requests} | ${r.errors} | ${f(r.rps, 0)} | ${f(r.p50, 2)} | ${f(r.p99, 2)} | ${r.load} |`,
      ),
      '',
      `feed / session: ${f((100 * total('/api/feed')) / total('/api/session'))} %`,
      ...runs
        .filter((r) => r.errors > 0)
        .map(
          (r) =>
            `failures in ${r.path} run: ${JSON.stringify(r.failures)}; first: ${r.firstFailure ?? '(none)'}`,
        ),
    ].join('\n');
  }
}

await main();
