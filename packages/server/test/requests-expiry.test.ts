import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, testClock, type TestApp } from './support/app.js';
import type { TestUser } from './support/client.js';
import { eventsAfter, lastEventId, makeUser } from './support/factories.js';
import { publishRequestPolicy } from './support/request-policy.js';
import { makeAgency, validDraft } from './support/requests.js';

/**
 * The expiry job runs in every API process. Two processes running it at once over the same requests must
 * log each expiry and each missed justification exactly once (rows are claimed with SKIP LOCKED).
 */
let t: TestApp;
let other: TestApp;
let officer: TestUser;
const clock = testClock(new Date('2026-11-20T12:00:00Z'));

beforeAll(async () => {
  t = await startTestApp({ clock });
  other = await startTestApp({ clock, database: t.database });
  const admin = await makeUser(t, { role: 'admin' });
  await publishRequestPolicy(t, admin, 'portland-or');
  ({ member: officer } = await makeAgency(t, admin, 'portland-or'));
});
afterAll(async () => {
  await other.close();
  await t.close();
});

describe('the expiry job on several processes', () => {
  it('logs every expiry and missed justification once, however many processes run it', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      const draft = validDraft(clock.now(), { exigent: i % 3 === 0, legalBasis: 'exigent_circumstances' });
      const res = await officer.raw('POST', '/api/requests', draft);
      expect(res.statusCode, res.body).toBe(201);
      ids.push(res.json<{ id: string }>().id);
    }
    const since = await lastEventId(t);
    clock.advance(8 * 86_400_000);
    const runs = await Promise.all([
      t.services.requests.runExpiry(),
      other.services.requests.runExpiry(),
      t.services.requests.runExpiry(),
      other.services.requests.runExpiry(),
    ]);
    expect(runs.reduce((n, r) => n + r.expired, 0)).toBe(12);
    expect(runs.reduce((n, r) => n + r.justificationsMissed, 0)).toBe(4);
    const events = await eventsAfter(t, since);
    const expired = events.filter((e) => e.type === 'request.expired').map((e) => e.subject_id);
    expect(expired.sort()).toEqual([...ids].sort());
    expect(events.filter((e) => e.type === 'request.justification_missed')).toHaveLength(4);
    const open = await t.database.db.query(`SELECT 1 FROM footage_requests WHERE status = 'open'`);
    expect(open.rowCount).toBe(0);
    expect((await t.database.db.query('SELECT 1 FROM request_matches')).rowCount).toBe(0);
  });
});
