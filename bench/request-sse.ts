/**
 * Publication → live inbox event (issue 8): how long after an agency files a request do its matched owners'
 * open streams receive the `inbox` event? 1,000 owners, each with a camera inside the request's area and an
 * open `GET /api/live` stream, on PostgreSQL with the LISTEN/NOTIFY bus, over real sockets. Latency is from
 * just before `POST /api/requests` is sent to the moment each stream has parsed its event.
 *
 *   npx tsx bench/request-sse.ts [owners=1000] [requests=20]
 *
 * The server and the 1,000 clients share one Node process (and its event loop), so the figures include
 * the clients' own parsing: an upper bound on what the server alone adds.
 */
import http from 'node:http';
import os from 'node:os';
import type { AddressInfo } from 'node:net';
import { hashToken, randomToken } from '../packages/server/src/modules/auth/auth.service.js';
import { buildApp } from '../packages/server/src/app.js';
import { loadConfig } from '../packages/server/src/config.js';
import { snap } from '../packages/server/src/geo/cells.js';
import { migrate } from '../packages/server/src/infra/db/migrate.js';
import type { Database } from '../packages/server/src/infra/db/index.js';
import { postgresBus } from '../packages/server/src/infra/live/bus.js';
import { insertSession } from '../packages/server/src/modules/auth/auth.repository.js';
import { seedRequestPolicy } from './support/request-policy.js';
import { withScratchPostgres } from './support/databases.js';

const OWNERS = Number(process.argv[2] ?? 1_000);
const REQUESTS = Number(process.argv[3] ?? 20);
const CENTRE = { lat: 45.5152, lng: -122.6784 };
const HOUR = 3_600_000;

const offset = (p: { lat: number; lng: number }, northM: number, eastM: number) => ({
  lat: p.lat + northM / 111_320,
  lng: p.lng + eastM / (111_320 * Math.cos((p.lat * Math.PI) / 180)),
});

function square(c: { lat: number; lng: number }, sideM: number) {
  const h = sideM / 2;
  const ring = [offset(c, -h, -h), offset(c, -h, h), offset(c, h, h), offset(c, h, -h), offset(c, -h, -h)];
  return { type: 'Polygon' as const, coordinates: [ring.map((p) => [p.lng, p.lat])] };
}

/** A user with a session; returns the session cookie value. */
async function userWithSession(
  db: Database,
  i: number,
  role: string,
  home: { lat: number; lng: number } | null,
) {
  const res = await db.query<{ id: number }>(
    `INSERT INTO users (email, display_name, password_hash, role, home_lat, home_lng, home_cell)
     VALUES ($1, $2, 'x', $3, $4, $5, $6) RETURNING id`,
    [
      `u${i}@bench.test`,
      `User ${i}`,
      role,
      home?.lat ?? null,
      home?.lng ?? null,
      home ? snap(home).cell : null,
    ],
  );
  const id = res.rows[0]!.id;
  const token = randomToken();
  const csrf = randomToken();
  // Agency members act only in sessions that passed a second factor: give them an app and such a session.
  const staff = role !== 'resident';
  if (staff) {
    await db.query('INSERT INTO totp_factors (user_id, secret, confirmed_at) VALUES ($1, $2, now())', [
      id,
      'JBSWY3DPEHPK3PXP',
    ]);
  }
  await insertSession(db, {
    tokenHash: hashToken(token),
    userId: id,
    csrfToken: csrf,
    expiresAt: new Date(Date.now() + 86_400_000),
    secondFactor: staff,
  });
  return { id, token, csrf };
}

interface Stream {
  request: http.ClientRequest;
  /** Request id → when its inbox event was parsed. */
  arrivals: Map<string, number>;
}

function openStream(origin: string, token: string): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const arrivals = new Map<string, number>();
    const request = http.get(`${origin}/api/live`, {
      agent: false,
      headers: { cookie: `pl_session=${token}` },
    });
    request.once('error', reject);
    request.once('response', (res) => {
      if (res.statusCode !== 200) {
        reject(new Error(`live: ${String(res.statusCode)}`));
        return;
      }
      res.setEncoding('utf8');
      let buffer = '';
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) !== -1) {
          const message = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (!message.includes('event: inbox')) continue;
          const data = message
            .split('\n')
            .find((l) => l.startsWith('data: '))!
            .slice(6);
          arrivals.set((JSON.parse(data) as { request: { id: string } }).request.id, performance.now());
        }
      });
      resolve({ request, arrivals });
    });
  });
}

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;

async function main(): Promise<void> {
  await withScratchPostgres({ max: 20 }, async (db) => {
    await migrate(db);
    const live = await postgresBus(db);
    const config = loadConfig({
      PORCHLIGHT_WEB_DIR: '/nonexistent',
      AUTH_RATE_LIMIT: '10000',
      LOG_LEVEL: 'silent',
    });
    const { app, services } = await buildApp(
      { config, db, live, clock: { now: () => new Date() } },
      { logger: false },
    );
    services.live.settings.maxStreamsPerUser = 8;
    await app.listen({ port: 0, host: '127.0.0.1' });
    const origin = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

    const admin = await userWithSession(db, 0, 'admin', null);
    const adminViewer = { id: admin.id, role: 'admin' as const, displayName: 'Admin' };
    await seedRequestPolicy(db, 'portland-or', admin.id);
    const agency = await services.agencies.register(adminViewer, {
      name: 'Bench PD',
      jurisdiction: 'portland-or',
      contact: 'bench@police.example',
      reason: 'benchmark',
    });
    const officer = await userWithSession(db, 1, 'agency', null);
    await services.agencies.addMember(adminViewer, agency.id, officer.id);

    // Owners in a 600 m square around the centre; the request covers 800 m, so every one of them matches.
    const streams: Stream[] = [];
    for (let i = 0; i < OWNERS; i++) {
      const p = offset(CENTRE, (Math.random() - 0.5) * 600, (Math.random() - 0.5) * 600);
      const owner = await userWithSession(db, 10 + i, 'resident', p);
      const s = snap(p);
      await db.query(
        `INSERT INTO cameras (owner_id, name, lat, lng, cell, area_cell, accept_agency_requests)
         VALUES ($1, 'Porch', $2, $3, $4, $5, true)`,
        [owner.id, p.lat, p.lng, s.cell, s.areaCell],
      );
      streams.push(await openStream(origin, owner.token));
    }
    await new Promise((r) => setTimeout(r, 500));

    const latencies: number[] = [];
    const publishMs: number[] = [];
    for (let k = 0; k < REQUESTS; k++) {
      const now = Date.now();
      const body = JSON.stringify({
        caseNumber: `BENCH-${k}`,
        offenseCategory: 'burglary',
        legalBasis: 'warrant',
        investigatorName: 'Det. Bench',
        investigatorContact: 'bench@police.example',
        narrative: 'Benchmark request: a burglary on the block, looking for a vehicle leaving at night.',
        area: square(CENTRE, 800),
        windowStart: new Date(now - 30 * HOUR).toISOString(),
        windowEnd: new Date(now - 26 * HOUR).toISOString(),
        exigent: false,
      });
      const t0 = performance.now();
      const res = await fetch(`${origin}/api/requests`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          cookie: `pl_session=${officer.token}`,
          'x-csrf-token': officer.csrf,
        },
        body,
      });
      publishMs.push(performance.now() - t0);
      if (res.status !== 201) throw new Error(`publish: ${res.status} ${await res.text()}`);
      const id = ((await res.json()) as { id: string }).id;
      const deadline = Date.now() + 10_000;
      while (streams.some((s) => !s.arrivals.has(id)) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 5));
      const missing = streams.filter((s) => !s.arrivals.has(id)).length;
      if (missing > 0) throw new Error(`${missing} owners did not get request ${id} within 10 s`);
      for (const s of streams) latencies.push(s.arrivals.get(id)! - t0);
    }
    const f = (x: number) => x.toFixed(1);
    console.log(
      [
        `| owners online and matched | requests | POST /api/requests median ms | event latency median ms | p99 ms | max ms |`,
        `| --- | --- | --- | --- | --- | --- |`,
        `| ${OWNERS} | ${REQUESTS} | ${f(pct(publishMs, 0.5))} | ${f(pct(latencies, 0.5))} | ${f(pct(latencies, 0.99))} | ${f(Math.max(...latencies))} |`,
        ``,
        `load average during the run: ${os
          .loadavg()
          .map((x) => x.toFixed(1))
          .join(', ')} on ${os.cpus().length} cores`,
      ].join('\n'),
    );
    for (const s of streams) s.request.destroy();
    await app.close();
    await live.close();
  });
}

await main();
