/**
 * Feed throughput over HTTP at city scale (issue 13): `GET /api/feed` against `GET /api/session` (one indexed
 * lookup) on PostgreSQL with N posts (default 1,000,000) spread over a 40 × 40 km metro area — by 2,000
 * neighbours, a third with reactions, some with photos or a moderator's decision, viewers with mutes — 20
 * keep-alive connections from this process to one API process started from source. Before the HTTP runs it
 * profiles where a feed request's time goes: each query the request makes, timed alone 1,000 times after 50
 * unrecorded rounds (the page both through the database plans and with candidates from a `FeedWindow`), and
 * the presenter + JSON step; then EXPLAIN (ANALYZE, BUFFERS) of the database plans' first statement for one
 * viewer.
 *
 *   npx tsx bench/feed-http.ts [posts=1000000] [seconds=15]
 *
 * HTTP runs alternate session, feed, three times (each `seconds` long) so a change in the shared machine's
 * load hits both; the table gives each run, the ratio of the totals and each pair's ratio.
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
/** Session and feed runs, alternating: the machine's load drifts, so each pair is compared on its own too. */
const PAIRS = 3;
const WARM_UP = 50;
const PROFILE_ROUNDS = 1000;
const SPREAD_DEG = 0.36;

/**
 * `count` posts by 2,000 neighbours, with what real posts carry and a presented post shows: reactions on a
 * third of them (1–4 each), a photo on one in twenty, a moderator's decision on one in two hundred (one in
 * a thousand hidden and restored, the rest dismissed reports).
 */
async function seedPosts(db: Database, count: number): Promise<void> {
  const authors = (
    await db.query<{ id: number }>(
      `INSERT INTO users (email, display_name, password_hash)
       SELECT 'author' || g || '@bench.test', 'Neighbour ' || g, 'x' FROM generate_series(1, 2000) g RETURNING id`,
    )
  ).rows.map((r) => r.id);
  const rand = rng(42);
  const categories = ['community', 'safety', 'lost_found_pet', 'crime'];
  for (let i = 0; i < count; i += 10_000) {
    const n = Math.min(10_000, count - i);
    const cells: string[] = [];
    const lats: number[] = [];
    const lngs: number[] = [];
    const areas: string[] = [];
    const cats: string[] = [];
    const by: number[] = [];
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
      by.push(authors[(i + k) % authors.length]!);
    }
    await db.query(
      `INSERT INTO posts (author_id, category, title, body, cell, cell_lat, cell_lng, area_cell, created_at)
       SELECT au, cat, 'A post title of ordinary length', 'A body of a couple of sentences, as neighbours write them. Seen near the corner store around noon.',
              c, la, ln, a, now() - make_interval(secs => ($7::int - ord))
       FROM unnest($1::bigint[], $2::text[], $3::float8[], $4::float8[], $5::text[], $6::text[])
         WITH ORDINALITY AS t(au, c, la, ln, a, cat, ord)`,
      [by, cells, lats, lngs, areas, cats, count - i],
    );
  }
  const first = authors[0]!;
  await db.query(
    `INSERT INTO reactions (post_id, user_id, kind)
     SELECT p.id, $1::bigint + (p.id * 7 + k * 131) % 2000, (ARRAY['thanks', 'helpful', 'agree', 'sad'])[1 + (p.id + k) % 4]
     FROM posts p CROSS JOIN generate_series(0, 3) k WHERE p.id % 3 = 0 AND k <= p.id % 4`,
    [first],
  );
  await db.query(
    `INSERT INTO media (id, owner_id, kind, status, post_id, position, width, height)
     SELECT 'me_' || p.id, p.author_id, 'image', 'ready', p.id, 0, 1280, 720 FROM posts p WHERE p.id % 20 = 0`,
  );
  await db.query(
    `INSERT INTO moderation_decisions (post_id, moderator_id, action, reason)
     SELECT p.id, $1, a.action, 'bench' FROM posts p
     CROSS JOIN LATERAL (SELECT unnest(CASE WHEN p.id % 1000 = 0 THEN ARRAY['hide', 'restore'] ELSE ARRAY['dismiss'] END) AS action) a
     WHERE p.id % 200 = 0`,
    [first],
  );
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
  // The first rounds are not recorded: each pool connection prepares the page statement once (a plan, ~30 ms).
  for (let k = -WARM_UP; k < PROFILE_ROUNDS; k++) {
    if (k === 0) for (const xs of Object.values(steps)) xs.length = 0;
    const r = viewers[(k + WARM_UP) % viewers.length]!;
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
    // Each viewer has muted two neighbours, so the page's mute check has rows to look at.
    await db.query(
      `INSERT INTO mutes (user_id, muted_id)
       SELECT v, (SELECT id FROM users WHERE email = 'author' || (1 + (v * 37 + k) % 2000) || '@bench.test')
       FROM unnest($1::bigint[]) v CROSS JOIN generate_series(0, 1) k`,
      [viewers.map((v) => v.id)],
    );
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
    for (let k = 0; k < PAIRS; k++) {
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
      `feed / session: ${f((100 * total('/api/feed')) / total('/api/session'))} % of the totals; per pair: ${Array.from(
        { length: PAIRS },
        (_, k) => `${f((100 * runs[2 * k + 1]!.rps) / runs[2 * k]!.rps)} %`,
      ).join(', ')}`,
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
