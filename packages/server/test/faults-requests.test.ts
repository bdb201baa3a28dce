/**
 * kill -9 of the API process while agencies publish footage requests, on PostgreSQL. Whatever the kill
 * interrupts, each request is either wholly published (its log event, its matches, its expiry and alert jobs)
 * or not at all; the officer files the missing ones again; each request is then published once and a worker
 * alerts the matched owner once per request (one email each, as `.eml` files without SMTP_URL).
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestApp, type TestApp } from './support/app.js';
import { createTestDatabase, testDatabaseKind, type TestDatabase } from './support/database.js';
import { requestWorld, square } from './support/disclosures.js';
import { HOME } from './support/factories.js';
import { ensureBuilt, jarFetch, sleep, startServer, type ServerProcess } from './support/processes.js';

const HOUR = 3_600_000;

function draft(caseNumber: string) {
  return {
    caseNumber,
    offenseCategory: 'burglary',
    legalBasis: 'warrant',
    investigatorName: 'Det. Alex Rivera',
    investigatorContact: 'arivera@police.portland.example',
    narrative:
      'Residential burglary reported on the 1200 block; looking for a vehicle seen leaving around 2 am.',
    area: square(HOME, 500),
    windowStart: new Date(Date.now() - 48 * HOUR).toISOString(),
    windowEnd: new Date(Date.now() - 42 * HOUR).toISOString(),
    exigent: false,
  };
}

describe.runIf(testDatabaseKind() === 'postgres')('kill -9 during footage-request publication', () => {
  let database: TestDatabase;
  let t: TestApp;
  const cleanup: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    ensureBuilt();
    database = await createTestDatabase();
    cleanup.push(() => database.drop());
    t = await startTestApp({ database });
    cleanup.push(() => t.close());
  }, 120_000);
  afterAll(async () => {
    for (const undo of cleanup.reverse()) await undo().catch(() => undefined);
  });

  it('publishes each request once, wholly or not at all, and alerts the matched owner once', async () => {
    const db = database.db;
    const world = await requestWorld(t, new Date());
    const settings = await world.owner.api.GET('/api/alerts/settings');
    const saved = await world.owner.api.PUT('/api/alerts/settings', {
      body: {
        ...settings.data!,
        quietHours: null,
        channels: { ...settings.data!.channels, email: 'instant' },
      },
    });
    expect(saved.response.status).toBe(200);
    const officer = world.members[0]!;
    const cases: string[] = [];
    const env = { DATABASE_URL: database.url!, PORCHLIGHT_ROLE: 'api' };

    const state = async (caseNumber: string) => {
      const r = await db.query<{ id: string }>('SELECT id FROM footage_requests WHERE case_number = $1', [
        caseNumber,
      ]);
      const ids = r.rows.map((x) => x.id);
      const count = async (sql: string) =>
        ids.length === 0 ? 0 : (await db.query<{ n: number }>(sql, [ids[0]])).rows[0]!.n;
      return {
        requests: ids.length,
        id: ids[0],
        events: await count(
          `SELECT count(*)::int AS n FROM events WHERE type = 'request.published' AND data->>'requestId' = $1`,
        ),
        matches: await count(
          `SELECT count(*)::int AS n FROM request_matches WHERE request_id = $1 AND owner_id = ${world.owner.id}`,
        ),
        expiry: await count(
          `SELECT count(*)::int AS n FROM jobs WHERE kind = 'request.expiry' AND payload->>'requestId' = $1`,
        ),
      };
    };

    // Two rounds: two requests in flight to the API process, killed 10 and 80 ms later.
    for (const delay of [10, 80]) {
      const api: ServerProcess = await startServer(env);
      const post = jarFetch(new Map(officer.jar));
      const round = [0, 1].map((i) => `PPB-kill-${delay}-${i}`);
      cases.push(...round);
      const inFlight = round.map((c) =>
        post(`${api.origin}/api/requests`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(draft(c)),
        }).then(
          (r) => r.status,
          () => 'killed',
        ),
      );
      await sleep(delay);
      await api.kill();
      const outcomes = await Promise.all(inFlight);
      for (const [i, c] of round.entries()) {
        const s = await state(c);
        if (outcomes[i] === 201) expect(s.requests).toBe(1);
        // Wholly or not at all: a request row always comes with its log event, its match and its expiry job.
        expect(s.requests).toBeLessThanOrEqual(1);
        expect(s).toMatchObject({ events: s.requests, matches: s.requests, expiry: s.requests });
      }
    }

    // The officer files again what is missing (their agency's list shows what was published).
    const api = await startServer(env);
    cleanup.push(() => api.stop());
    const post = jarFetch(new Map(officer.jar));
    for (const c of cases) {
      if ((await state(c)).requests === 1) continue;
      const res = await post(`${api.origin}/api/requests`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(draft(c)),
      });
      expect(res.status, await res.clone().text()).toBe(201);
    }
    const ids: string[] = [];
    for (const c of cases) {
      const s = await state(c);
      expect(s).toMatchObject({ requests: 1, events: 1, matches: 1, expiry: 1 });
      ids.push(s.id!);
    }

    // A worker sends the alerts: one email per request to the owner, none twice.
    const data = await fs.mkdtemp(path.join(os.tmpdir(), 'porchlight-alerts-'));
    cleanup.push(() => fs.rm(data, { recursive: true, force: true }));
    const worker = await startServer({
      DATABASE_URL: database.url!,
      PORCHLIGHT_ROLE: 'worker',
      PORCHLIGHT_DATA: data,
    });
    cleanup.push(() => worker.stop());
    const mails = async () => {
      const dir = path.join(data, 'mail');
      const files = await fs.readdir(dir).catch(() => []);
      return Promise.all(files.map((f) => fs.readFile(path.join(dir, f), 'utf8')));
    };
    await vi.waitFor(
      async () => {
        const jobs = await db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM jobs WHERE kind = 'notify.request'`,
        );
        expect(jobs.rows[0]!.n).toBe(0);
        const sent = await mails();
        for (const id of ids) expect(sent.filter((m) => m.includes(`/inbox/${id}`))).toHaveLength(1);
      },
      { timeout: 30_000, interval: 250 },
    );
    // The owner's inbox lists each request once.
    const inbox = await world.owner.api.GET('/api/inbox');
    expect(inbox.response.status).toBe(200);
    const listed = JSON.stringify(inbox.data);
    for (const id of ids) expect(listed.split(id).length - 1).toBe(1);
  }, 120_000);
});
