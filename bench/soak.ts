/**
 * Soak (issue 13): mixed load for N minutes on 2 API processes sharing one PostgreSQL database and one blob
 * directory, live events between them on the configured bus. Load, from this process and one forked load
 * process (bench/support/sse-load.ts):
 *
 * - `streams` open `GET /api/live` sockets (half on each process) for the whole run;
 * - 8 request loops, each request to a random process: feed reads (`GET /api/feed`, 70 %), posts
 *   (`POST /api/posts`, 10 %), comments (`POST /api/posts/{id}/comments`, 15 %) and photo uploads
 *   (tus `POST` + `PATCH /api/media/uploads`, a 640 × 480 JPEG, 5 %).
 *
 * Reported: requests and errors (any unexpected status, or a stream that dropped) per route, p50/p99 per
 * route, each process's RSS sampled every 10 s and its least-squares slope (MB per minute, after the first
 * minute's warm-up), and the machine's load average.
 *
 *   npx tsx bench/soak.ts [minutes=10] [streams=1000]
 */
import sharp from 'sharp';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fork } from 'node:child_process';
import { distanceMeters } from '../packages/server/src/geo/cells.js';
import { migrate } from '../packages/server/src/infra/db/migrate.js';
import {
  ROOT,
  currentDatabaseUrl,
  loadLine,
  pct,
  rng,
  seedResidents,
  startApi,
  type ApiProcess,
} from './support/city.js';
import { withScratchPostgres } from './support/databases.js';

const MINUTES = Number(process.argv[2] ?? 10);
const STREAMS = Number(process.argv[3] ?? 1000);
const LOOPS = 8;
const SIDE_M = 4000;

const encodeMetadata = (m: Record<string, string>) =>
  Object.entries(m)
    .map(([k, v]) => `${k} ${Buffer.from(v).toString('base64')}`)
    .join(',');

/** Least-squares slope of y over x. */
function slope(points: [number, number][]): number {
  const n = points.length;
  if (n < 2) return NaN;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  }
  return num / den;
}

async function main(): Promise<void> {
  const photo = await sharp({
    create: { width: 640, height: 480, channels: 3, background: { r: 120, g: 160, b: 90 } },
  })
    .jpeg()
    .toBuffer();
  await withScratchPostgres({ max: 4 }, async (db) => {
    await migrate(db);
    const residents = await seedResidents(db, STREAMS + 200, SIDE_M);
    await db.query('ANALYZE');
    const url = await currentDatabaseUrl(db);
    const shared = fs.mkdtempSync(path.join(os.tmpdir(), 'porchlight-soak-'));
    const apis: ApiProcess[] = [];
    for (let i = 0; i < 2; i++) apis.push(await startApi(url, 18_520 + i, { PORCHLIGHT_DATA: shared }));
    const load = fork(path.join(ROOT, 'bench/support/sse-load.ts'), [], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const ask = <T>(message: object, reply: string) =>
      new Promise<T>((resolve) => {
        const on = (m: { type: string }) => {
          if (m.type !== reply) return;
          load.off('message', on);
          resolve(m as T);
        };
        load.on('message', on);
        load.send(message);
      });
    try {
      const opened = await ask<{ ok: number; failed: number }>(
        {
          type: 'open',
          origins: apis.map((a) => a.origin),
          tokens: residents.slice(0, STREAMS).map((r) => r.token),
          concurrency: 20,
        },
        'opened',
      );
      const actors = residents.slice(STREAMS);
      const stats = new Map<string, { ms: number[]; errors: number; statuses: Map<number, number> }>();
      const record = (route: string, ms: number, ok: boolean, status: number) => {
        let s = stats.get(route);
        if (!s) stats.set(route, (s = { ms: [], errors: 0, statuses: new Map() }));
        s.ms.push(ms);
        if (!ok) {
          s.errors += 1;
          s.statuses.set(status, (s.statuses.get(status) ?? 0) + 1);
        }
      };
      const postIds: { id: string; location: { lat: number; lng: number } }[] = [];
      const rand = rng(5);
      const call = async (
        route: string,
        origin: string,
        who: (typeof actors)[number],
        method: string,
        p: string,
        expect: number,
        body?: object | Buffer,
        headers: Record<string, string> = {},
      ): Promise<Response | undefined> => {
        const t0 = performance.now();
        let status = 0;
        try {
          const res = await fetch(`${origin}${p}`, {
            method,
            headers: {
              cookie: `pl_session=${who.token}`,
              'x-csrf-token': who.csrf,
              ...(body && !Buffer.isBuffer(body) ? { 'content-type': 'application/json' } : {}),
              ...headers,
            },
            body:
              body === undefined
                ? undefined
                : Buffer.isBuffer(body)
                  ? new Uint8Array(body)
                  : JSON.stringify(body),
          });
          status = res.status;
          const clone = res.status === expect ? res : undefined;
          if (!clone) await res.arrayBuffer();
          record(route, performance.now() - t0, res.status === expect, status);
          return clone;
        } catch {
          record(route, performance.now() - t0, false, status);
          return undefined;
        }
      };

      const end = Date.now() + MINUTES * 60_000;
      const loop = async (l: number) => {
        while (Date.now() < end) {
          const who = actors[Math.floor(rand() * actors.length)]!;
          const origin = apis[Math.floor(rand() * apis.length)]!.origin;
          const r = rand();
          if (r < 0.7) {
            const res = await call('GET /api/feed', origin, who, 'GET', '/api/feed', 200);
            await res?.arrayBuffer();
          } else if (r < 0.8) {
            const res = await call('POST /api/posts', origin, who, 'POST', '/api/posts', 201, {
              category: 'community',
              title: `Soak post from loop ${l}`,
              body: 'Someone left a gate open on the corner; the dog is home safe now.',
            });
            if (res)
              postIds.push((await res.json()) as { id: string; location: { lat: number; lng: number } });
          } else if (r < 0.95) {
            // A comment on a recent post the commenter can see (within their radius).
            const near = postIds.slice(-300).filter((p) => distanceMeters(p.location, who.home) < 1200);
            if (near.length === 0) continue;
            const id = near[Math.floor(rand() * near.length)]!.id;
            const res = await call(
              'POST /api/posts/{id}/comments',
              origin,
              who,
              'POST',
              `/api/posts/${id}/comments`,
              201,
              {
                body: 'Thanks for letting us know.',
              },
            );
            await res?.arrayBuffer();
          } else {
            const created = await call(
              'tus POST /api/media/uploads',
              origin,
              who,
              'POST',
              '/api/media/uploads',
              201,
              undefined,
              {
                'tus-resumable': '1.0.0',
                'upload-length': String(photo.length),
                'upload-metadata': encodeMetadata({ filetype: 'image/jpeg', filename: 'IMG_0001' }),
              },
            );
            const location = created?.headers.get('location');
            await created?.arrayBuffer();
            if (location) {
              const target = location.startsWith('http') ? location : `${origin}${location}`;
              const res = await call(
                'tus PATCH /api/media/uploads/{id}',
                '',
                who,
                'PATCH',
                target,
                204,
                photo,
                {
                  'tus-resumable': '1.0.0',
                  'upload-offset': '0',
                  'content-type': 'application/offset+octet-stream',
                },
              );
              await res?.arrayBuffer();
            }
          }
        }
      };
      const t0 = Date.now();
      const rss: [number, number][][] = apis.map(() => []);
      const sampler = setInterval(() => {
        apis.forEach((a, i) => rss[i]!.push([(Date.now() - t0) / 60_000, a.rss() / 2 ** 20]));
      }, 10_000);
      const loads: number[] = [];
      const loadSampler = setInterval(() => loads.push(os.loadavg()[0]!), 10_000);
      await Promise.all(Array.from({ length: LOOPS }, (_, l) => loop(l)));
      clearInterval(sampler);
      clearInterval(loadSampler);
      const live = await ask<{ open: number; dropped: number; events: number }>({ type: 'stats' }, 'stats');

      const f = (x: number, d = 1) => x.toFixed(d);
      const lines = [
        `${MINUTES} min, 2 API processes, ${opened.ok}/${STREAMS} live streams opened (${opened.failed} failed); at the end ${live.open} open, ${live.dropped} dropped, ${live.events} post events received`,
        '',
        '| route | requests | errors | p50 ms | p99 ms | max ms |',
        '| --- | --- | --- | --- | --- | --- |',
        ...[...stats].map(
          ([route, s]) =>
            `| ${route} | ${s.ms.length} | ${s.errors}${s.errors ? ` (${[...s.statuses].map(([k, v]) => `${k}: ${v}`).join(', ')})` : ''} | ${f(pct(s.ms, 0.5))} | ${f(pct(s.ms, 0.99))} | ${f(Math.max(...s.ms))} |`,
        ),
        '',
        '| process | RSS first sample MB | RSS last MB | max MB | slope after minute 1, MB/min |',
        '| --- | --- | --- | --- | --- |',
        ...rss.map((samples, i) => {
          const ys = samples.map(([, y]) => y);
          return `| api${i + 1} | ${f(ys[0] ?? NaN, 0)} | ${f(ys.at(-1) ?? NaN, 0)} | ${f(Math.max(...ys), 0)} | ${f(slope(samples.filter(([x]) => x >= 1)), 2)} |`;
        }),
        '',
        `RSS samples (min, MB): ${rss.map((s, i) => `api${i + 1} ` + s.map(([x, y]) => `${f(x)}:${f(y, 0)}`).join(' ')).join('; ')}`,
        '',
        `1-minute load average during the run: median ${f(pct(loads, 0.5))}, max ${f(Math.max(...loads))}; at the end ${loadLine()}`,
      ];
      console.log(lines.join('\n'));
    } finally {
      load.send({ type: 'close' });
      for (const api of apis) await api.stop();
      fs.rmSync(shared, { recursive: true, force: true });
    }
  });
}

await main();
