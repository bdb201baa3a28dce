/**
 * 10,000 live connections (issue 13): real `GET /api/live` sockets, opened by a separate load process
 * (bench/support/sse-load.ts), held open against API processes started from source on one PostgreSQL
 * database, with live events shared between processes by the configured bus (LISTEN/NOTIFY unless
 * `BUS_URL` names another). Residents' homes are spread over a 6 × 6 km square; each post lands at a random
 * point in the middle 3 × 3 km and reaches everyone whose 1.6 km radius covers its cell.
 *
 *   npx tsx bench/sse-connections.ts [connections=10000] [posts=40] [processes=1,2]
 *
 * For each process count: memory per connection (RSS of each API process after the streams opened minus
 * before, divided by its streams), and for each post the latency from just before `POST /api/posts` is sent
 * to the moment each subscriber's load-side socket has the `post` event (wall clock; both processes on this
 * machine). The commit happens inside that interval, so the figure is an upper bound on commit → delivery.
 * Deliveries are checked against who should get the post (haversine from home to the post's cell centre).
 *
 * Needs file descriptors: about `connections` in the load process and in the one-process API run (this
 * machine's `ulimit -n` is 20,000). The script refuses to start below connections + 1,000.
 */
import { fork } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { distanceMeters } from '../packages/server/src/geo/cells.js';
import { migrate } from '../packages/server/src/infra/db/migrate.js';
import {
  CENTRE,
  ROOT,
  currentDatabaseUrl,
  loadLine,
  offset,
  pct,
  rng,
  seedResidents,
  startApi,
  wallMs,
  type ApiProcess,
  type Resident,
} from './support/city.js';
import { withScratchPostgres } from './support/databases.js';

const CONNECTIONS = Number(process.argv[2] ?? 10_000);
const POSTS = Number(process.argv[3] ?? 40);
const PROCESS_COUNTS = (process.argv[4] ?? '1,2').split(',').map(Number);
const SIDE_M = 6000;
const RADIUS_M = 1600;
const BASE_PORT = 18_400;

function openFileLimit(): number {
  const line = fs
    .readFileSync('/proc/self/limits', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('Max open files'));
  return Number(line?.split(/\s+/)[3] ?? 1024);
}

interface Load {
  ask<T>(message: object, reply: string): Promise<T>;
  close(): void;
}

function startLoad(): Load {
  const child = fork(path.join(ROOT, 'bench/support/sse-load.ts'), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return {
    ask: (message, reply) =>
      new Promise((resolve) => {
        const on = (m: { type: string }) => {
          if (m.type !== reply) return;
          child.off('message', on);
          resolve(m as never);
        };
        child.on('message', on);
        child.send(message);
      }),
    close: () => child.send({ type: 'close' }),
  };
}

interface Row {
  processes: number;
  streams: number;
  openS: number;
  perConnKb: number[];
  rssMb: number[];
  postMedian: number;
  deliveries: number;
  expected: number;
  p50: number;
  p99: number;
  max: number;
  p99Other: number | undefined;
  /** Posts whose last delivery took over 500 ms: a few slow posts (a stall) or all of them (steady cost). */
  slowPosts: number;
  /** Which posts (0-based, in the order sent) were slow, with their slowest delivery in ms. */
  slowest: [number, number][];
  load: string;
}

async function scenario(url: string, residents: Resident[], processes: number): Promise<Row> {
  const apis: ApiProcess[] = [];
  // SSE_BENCH_ROOT=<checkout of another commit>: run that commit's server, for a before/after comparison.
  const root = process.env.SSE_BENCH_ROOT;
  for (let i = 0; i < processes; i++) apis.push(await startApi(url, BASE_PORT + i, {}, root));
  const load = startLoad();
  try {
    // Warm each process (JIT, pools) before the baseline memory reading.
    for (const api of apis)
      for (let k = 0; k < 20; k++) await fetch(`${api.origin}/api/session`).then((r) => r.arrayBuffer());
    await new Promise((r) => setTimeout(r, 1000));
    const before = apis.map((a) => a.rss());
    const opened = await load.ask<{ ok: number; failed: number; ms: number; errors: object }>(
      {
        type: 'open',
        origins: apis.map((a) => a.origin),
        tokens: residents.slice(0, CONNECTIONS).map((r) => r.token),
        concurrency: 50,
      },
      'opened',
    );
    if (opened.failed > 0)
      throw new Error(`${opened.failed} streams failed: ${JSON.stringify(opened.errors)}`);
    await new Promise((r) => setTimeout(r, 3000));
    const after = apis.map((a) => a.rss());
    const perProcess = apis.map((_, i) => Math.ceil((CONNECTIONS - i) / processes));

    const rand = rng(99 + processes);
    const poster = residents[CONNECTIONS]!; // not one of the subscribers
    const sent: { id: string; t0: number; via: number; location: { lat: number; lng: number } }[] = [];
    const postMs: number[] = [];
    for (let k = 0; k < POSTS; k++) {
      const via = k % processes;
      const at = offset(CENTRE, (rand() - 0.5) * SIDE_M * 0.5, (rand() - 0.5) * SIDE_M * 0.5);
      const t0 = wallMs();
      const res = await fetch(`${apis[via]!.origin}/api/posts`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          cookie: `pl_session=${poster.token}`,
          'x-csrf-token': poster.csrf,
        },
        body: JSON.stringify({
          category: 'community',
          title: `Bench post ${k}`,
          body: 'A lost dog near the park; brown, answers to Biscuit.',
          location: at,
        }),
      });
      postMs.push(wallMs() - t0);
      if (res.status !== 201) throw new Error(`POST /api/posts: ${res.status} ${await res.text()}`);
      const post = (await res.json()) as { id: string; location: { lat: number; lng: number } };
      sent.push({ id: post.id, t0, via, location: post.location });
      // One post at a time, as neighbours post: the next goes out after this one has had time to land.
      await new Promise((r) => setTimeout(r, 750));
    }
    await new Promise((r) => setTimeout(r, 2000));
    const { arrivals } = await load.ask<{ arrivals: Record<string, [number, number][]> }>(
      { type: 'arrivals', postIds: sent.map((s) => s.id) },
      'arrivals',
    );
    const latencies: number[] = [];
    const otherProcess: number[] = [];
    let deliveries = 0;
    let expected = 0;
    const slowest: [number, number][] = [];
    for (const [k, s] of sent.entries()) {
      const got = arrivals[s.id] ?? [];
      deliveries += got.length;
      const worst = got.reduce((m, [at]) => Math.max(m, at - s.t0), 0);
      if (worst > 500) slowest.push([k, Math.round(worst)]);
      expected += residents
        .slice(0, CONNECTIONS)
        .filter((r) => distanceMeters(r.home, s.location) <= RADIUS_M).length;
      for (const [at, origin] of got) {
        latencies.push(at - s.t0);
        if (origin !== s.via) otherProcess.push(at - s.t0);
      }
    }
    return {
      processes,
      streams: opened.ok,
      openS: opened.ms / 1000,
      perConnKb: apis.map((_, i) => (after[i]! - before[i]!) / 1024 / perProcess[i]!),
      rssMb: after.map((b) => b / 2 ** 20),
      postMedian: pct(postMs, 0.5),
      deliveries,
      expected,
      p50: pct(latencies, 0.5),
      p99: pct(latencies, 0.99),
      max: latencies.reduce((m, x) => Math.max(m, x), 0),
      p99Other: processes > 1 ? pct(otherProcess, 0.99) : undefined,
      slowPosts: slowest.length,
      slowest,
      load: loadLine(),
    };
  } finally {
    load.close();
    for (const api of apis) await api.stop();
  }
}

async function main(): Promise<void> {
  const limit = openFileLimit();
  if (limit < CONNECTIONS + 1000) {
    throw new Error(
      `ulimit -n is ${limit}; run \`ulimit -n ${CONNECTIONS + 2000}\` first (needs a hard limit that high)`,
    );
  }
  await withScratchPostgres({ max: 4 }, async (db) => {
    await migrate(db);
    const residents = await seedResidents(db, CONNECTIONS + 1, SIDE_M);
    await db.query('ANALYZE');
    const url = await currentDatabaseUrl(db);
    const rows: Row[] = [];
    for (const n of PROCESS_COUNTS) {
      const row = await scenario(url, residents, n);
      rows.push(row);
      console.error(JSON.stringify(row));
    }
    const f = (x: number, d = 1) => x.toFixed(d);
    console.log(
      [
        `| API processes | open streams | opened in s | RSS per process MB | memory per connection KB | POST median ms | deliveries / expected | p50 ms | p99 ms | max ms | p99 via the other process ms |`,
        `| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |`,
        ...rows.map(
          (r) =>
            `| ${r.processes} | ${r.streams} | ${f(r.openS)} | ${r.rssMb.map((x) => f(x, 0)).join(' / ')} | ${r.perConnKb.map((x) => f(x)).join(' / ')} | ${f(r.postMedian)} | ${r.deliveries} / ${r.expected} | ${f(r.p50)} | ${f(r.p99)} | ${f(r.max)} | ${r.p99Other === undefined ? '–' : f(r.p99Other)} |`,
        ),
        '',
        ...rows.map(
          (r) =>
            `${r.processes} process(es): ${r.load}; ${r.slowPosts} of ${POSTS} posts had a delivery over 500 ms`,
        ),
      ].join('\n'),
    );
  });
}

await main();
