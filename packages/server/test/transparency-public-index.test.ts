import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../src/infra/db/migrate.js';
import { countByType } from '../src/modules/transparency/transparency-public.repository.js';
import { startTestApp, type TestApp } from './support/app.js';
import { TestUser } from './support/client.js';
import { makeUser } from './support/factories.js';
import { POLICY, publishPolicy } from './support/policies.js';
import { LOG_ORIGIN } from './support/transparency.js';

// Migration 0007 indexes each log entry's type and time in columns and keeps per-type totals. A database that
// already had a log when it was upgraded must answer exactly as decoding every entry's JSON would.

let t: TestApp;
let visitor: TestUser;
let admin: TestUser;
const q = async <R>(sql: string, params: unknown[] = []) => (await t.database.db.query<R>(sql, params)).rows;

/** Gives the events not yet in the log distinct days, so time filters have something to tell apart. */
async function spreadUnpublishedEvents(startDay: string): Promise<void> {
  await q(
    `UPDATE events e SET created_at = $1::timestamptz + (e.id * interval '1 day') + (e.id * interval '7 minutes')
      WHERE NOT EXISTS (SELECT 1 FROM log_entries l WHERE l.event_id = e.id)`,
    [startDay],
  );
}

async function logActivity(round: number): Promise<void> {
  await publishPolicy(admin, `place-${round}`, { reason: `round ${round} first` });
  await publishPolicy(admin, `place-${round}`, {
    policy: { ...POLICY, eligibleAgencyJurisdictions: [`place-${round}`], maxWindowHours: 48 },
    reason: `round ${round} amendment`,
  });
  const res = await admin.api.POST('/api/admin/agencies', {
    body: {
      name: `Agency ${round}`,
      jurisdiction: `place-${round}`,
      contact: `records${round}@agency.example`,
      reason: 'Verified in person',
    },
  });
  expect(res.response.status, JSON.stringify(res.error)).toBe(201);
}

/** What the public list and summary were computed from before 0007: every entry's JSON, decoded. */
const decodedCounts = (size?: number) =>
  q<{ type: string; count: number }>(
    `SELECT convert_from(data, 'UTF8')::jsonb->>'type' AS type, count(*)::int AS count FROM log_entries
      WHERE index < coalesce($1, (SELECT max(size) FROM log_checkpoints)) GROUP BY 1 ORDER BY 1`,
    [size ?? null],
  );
const decodedIndexes = async (f: { type?: string; from?: string; to?: string }) =>
  (
    await q<{ index: number }>(
      `SELECT index FROM log_entries
        WHERE ($1::text IS NULL OR convert_from(data, 'UTF8')::jsonb->>'type' = $1)
          AND ($2::text IS NULL OR convert_from(data, 'UTF8')::jsonb->>'time' >= $2)
          AND ($3::text IS NULL OR convert_from(data, 'UTF8')::jsonb->>'time' < $3)
        ORDER BY index DESC`,
      [f.type ?? null, f.from ?? null, f.to ?? null],
    )
  ).map((r) => r.index);

async function listed(query: string): Promise<number[]> {
  const res = await visitor.raw('GET', `/api/transparency/entries?limit=100&${query}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ items: { index: number }[] }>().items.map((i) => i.index);
}

async function summaryCounts() {
  const res = await visitor.api.GET('/api/transparency');
  return res.data!.counts;
}

const FILTERS: { type?: string; from?: string; to?: string }[] = [
  {},
  { type: 'policy.changed' },
  { type: 'agency.verified' },
  { type: 'instance.created' },
  { type: 'moderation.hidden' },
  { from: '2026-01-04T00:00:00Z' },
  { to: '2026-01-06T00:00:00Z' },
  { from: '2026-01-03T00:00:00Z', to: '2026-01-09T00:00:00Z' },
  { type: 'policy.changed', from: '2026-01-05T00:00:00Z' },
  { from: '2027-01-01T00:00:00Z' },
];

async function expectMatchesDecodedJson(): Promise<void> {
  expect(await summaryCounts()).toEqual(await decodedCounts());
  for (const f of FILTERS) {
    const query = new URLSearchParams(f).toString();
    expect(await listed(query), query).toEqual(await decodedIndexes(f));
  }
}

beforeAll(async () => {
  t = await startTestApp({ env: { PORCHLIGHT_LOG_ORIGIN: LOG_ORIGIN } });
  visitor = new TestUser(t.app);
  admin = await makeUser(t, { role: 'admin' });
  await logActivity(1);
  await logActivity(2);
  await spreadUnpublishedEvents('2026-01-01T00:00:00Z');
  await t.services.transparency.sequenceNow();

  // Back to the schema before 0007, with the log already written, then upgrade as a deployment would.
  await t.database.db.transaction(async (tx) => {
    await tx.exec(`DROP TABLE log_entry_counts;
      DROP INDEX log_entries_type_index; DROP INDEX log_entries_time;
      ALTER TABLE log_entries DROP COLUMN type, DROP COLUMN time;
      DELETE FROM schema_migrations WHERE id = 7;`);
  });
  expect(await migrate(t.database.db)).toEqual([7]);
});
afterAll(() => t.close());

describe('a log written before the entry index existed', () => {
  it('is backfilled: every entry has the type and time its JSON names', async () => {
    const mismatched = await q<{ index: number }>(
      `SELECT index FROM log_entries
        WHERE type IS DISTINCT FROM convert_from(data, 'UTF8')::jsonb->>'type'
           OR time IS DISTINCT FROM (convert_from(data, 'UTF8')::jsonb->>'time')::timestamptz`,
    );
    expect(mismatched).toEqual([]);
    const size = (await q<{ n: number }>('SELECT count(*)::int AS n FROM log_entries'))[0]!.n;
    expect(size).toBe(7);
  });

  it('counts and filters exactly as decoding every entry would', async () => {
    expect(await summaryCounts()).toEqual([
      { type: 'agency.verified', count: 2 },
      { type: 'instance.created', count: 1 },
      { type: 'policy.changed', count: 4 },
    ]);
    // The time window picks some entries and leaves others out, so a filter that ignored time would fail.
    expect(await listed('from=2026-01-03T00:00:00Z&to=2026-01-09T00:00:00Z')).toHaveLength(5);
    await expectMatchesDecodedJson();
  });

  it('keeps counts and filters exact as new entries are sequenced after the upgrade', async () => {
    await logActivity(3);
    await spreadUnpublishedEvents('2026-01-02T12:00:00Z');
    await t.services.transparency.sequenceNow();
    expect(Object.fromEntries((await summaryCounts()).map((c) => [c.type, c.count]))).toEqual({
      'agency.verified': 3,
      'instance.created': 1,
      'policy.changed': 6,
    });
    await expectMatchesDecodedJson();
    // A summary that read the checkpoint just before this sequencing step still gets that checkpoint's counts.
    expect(await countByType(t.database.db, 7)).toEqual(await decodedCounts(7));
  });

  it('pages a type filter by cursor without skipping or repeating entries', async () => {
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const res = await visitor.raw(
        'GET',
        `/api/transparency/entries?type=policy.changed&limit=4${cursor ? `&cursor=${cursor}` : ''}`,
      );
      const page = res.json<{ items: { index: number }[]; nextCursor: string | null }>();
      seen.push(...page.items.map((i) => i.index));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(await decodedIndexes({ type: 'policy.changed' }));
  });

  it('refuses to record counts that disagree with the entries (a count can never drop to zero or below)', async () => {
    await expect(q(`UPDATE log_entry_counts SET count = 0 WHERE type = 'policy.changed'`)).rejects.toThrow();
    await expect(
      q(`UPDATE log_entries SET type = NULL WHERE index = (SELECT max(index) FROM log_entries)`),
    ).rejects.toThrow();
  });
});
