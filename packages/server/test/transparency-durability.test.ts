import { ed25519Verifier, leafHash, rootFromLeafHashes, verifyCheckpoint } from '@porchlight/tlog';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/infra/db/index.js';
import { openPostgres } from '../src/infra/db/postgres.js';
import { insertEvent } from '../src/modules/events/events.repository.js';
import { LOGGED_EVENT_TYPES } from '../src/modules/transparency/transparency.entries.js';
import { startTestApp, type TestApp } from './support/app.js';
import { testDatabaseKind } from './support/database.js';
import { makePost, makeUser } from './support/factories.js';
import { auditLog, LOG_ORIGIN } from './support/transparency.js';

const env = { PORCHLIGHT_LOG_ORIGIN: LOG_ORIGIN };
let t: TestApp;
let modId: number;
let postId: string;
let historyId: number;

beforeAll(async () => {
  t = await startTestApp({ env });
  // Switches that make a chosen write of the sequencing transaction fail, as a crash or full disk would.
  await t.database.db.exec(`
    CREATE TABLE test_log_failures (at text PRIMARY KEY);
    CREATE FUNCTION test_fail_log_write() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF EXISTS (SELECT 1 FROM test_log_failures WHERE at = TG_TABLE_NAME) THEN
        RAISE EXCEPTION '% unavailable', TG_TABLE_NAME;
      END IF;
      RETURN NEW;
    END $$;
    CREATE TRIGGER test_fail_log_write BEFORE INSERT OR UPDATE ON log_checkpoints
      FOR EACH ROW EXECUTE FUNCTION test_fail_log_write();
    CREATE TRIGGER test_fail_log_write BEFORE INSERT OR UPDATE ON log_tiles
      FOR EACH ROW EXECUTE FUNCTION test_fail_log_write();
  `);
  modId = (await makeUser(t, { role: 'moderator' })).id;
  postId = (await makePost(await makeUser(t))).id;
  // History from before the log existed, as on an instance upgraded to this version.
  historyId = await hideEvent(t.database.db, 'Decided before the log existed');
  await t.services.transparency.sequenceNow();
});
afterAll(() => t.close());

/** Writes one accountability event the way the moderation service does, in its own transaction. */
const hideEvent = (db: Database, reason: string) =>
  db.transaction((tx) =>
    insertEvent(tx, {
      type: 'moderation.hidden',
      actorId: modId,
      subjectType: 'post',
      subjectId: postId,
      data: { postId, reason },
    }),
  );

/** Everything the log has stored: entries, tiles and checkpoints. */
async function storedLog(db: Database) {
  const q = async (sql: string) => (await db.query(sql)).rows;
  return {
    entries: await q(`SELECT index, event_id, encode(data, 'hex') AS data FROM log_entries ORDER BY index`),
    tiles: await q(`SELECT level, index, width, encode(data, 'hex') AS data FROM log_tiles ORDER BY 1, 2`),
    checkpoints: await q('SELECT size, note FROM log_checkpoints ORDER BY size'),
  };
}

/**
 * The outbox ids the log must hold after its first entry, and the ones it does, in log order. Index 0 is always
 * the log's own instance.created, whatever its outbox id.
 */
async function publishedVsOutbox(db: Database) {
  const outbox = await db.query<{ id: number }>(
    `SELECT id FROM events WHERE type = ANY($1) AND type <> 'instance.created' ORDER BY id`,
    [LOGGED_EVENT_TYPES],
  );
  const log = await db.query<{ event_id: number; type: string }>(
    'SELECT l.event_id, e.type FROM log_entries l JOIN events e ON e.id = l.event_id ORDER BY l.index',
  );
  expect(log.rows[0]!.type).toBe('instance.created');
  return { outbox: outbox.rows.map((r) => r.id), log: log.rows.slice(1).map((r) => r.event_id) };
}

/** Every checkpoint ever stored verifies and commits to the first `size` stored entries. */
async function expectEveryCheckpointProvable(db: Database, vkey: string) {
  const { entries, checkpoints } = await storedLog(db);
  const leaves = entries.map((e) => leafHash(Buffer.from(e.data as string, 'hex')));
  for (const c of checkpoints) {
    const { checkpoint } = verifyCheckpoint(c.note as string, LOG_ORIGIN, [ed25519Verifier(vkey)]);
    expect(checkpoint.size).toBe(c.size);
    expect(checkpoint.rootHash).toEqual(rootFromLeafHashes(leaves.slice(0, checkpoint.size)));
  }
}

describe('an instance with history from before its log', () => {
  it('starts the log with instance.created, then publishes the older events in outbox order', async () => {
    const { entries } = await auditLog(t.app);
    expect(entries.map((e) => e.type).slice(0, 2)).toEqual(['instance.created', 'moderation.hidden']);
    expect(entries[1]!.seq).toBe(historyId);
    expect(entries[0]!.seq).toBeGreaterThan(historyId);
    const { outbox, log } = await publishedVsOutbox(t.database.db);
    expect(log).toEqual(outbox);
  });
});

describe('a failure in the middle of sequencing', () => {
  it.each(['log_tiles', 'log_checkpoints'])(
    'writing %s leaves the previous log intact; the next run publishes everything',
    async (table) => {
      const before = await storedLog(t.database.db);
      const served = await auditLog(t.app);
      const ids = [await hideEvent(t.database.db, 'First reason'), await hideEvent(t.database.db, 'Second')];

      await t.database.db.query('INSERT INTO test_log_failures VALUES ($1)', [table]);
      await expect(t.services.transparency.sequenceNow()).rejects.toThrow(`${table} unavailable`);
      expect(await storedLog(t.database.db)).toEqual(before);
      expect((await auditLog(t.app)).note).toBe(served.note);

      await t.database.db.query('DELETE FROM test_log_failures');
      expect(await t.services.transparency.sequenceNow()).toMatchObject({ appended: 2 });
      const after = await auditLog(t.app);
      expect(after.checkpoint.size).toBe(served.checkpoint.size + 2);
      expect(after.entries.slice(-2).map((e) => e.seq)).toEqual(ids);
      const { outbox, log } = await publishedVsOutbox(t.database.db);
      expect(log).toEqual(outbox);
      await expectEveryCheckpointProvable(t.database.db, after.vkey);
    },
  );
});

describe('several API processes', () => {
  let t2: TestApp;
  let db2: Database | undefined;

  beforeAll(async () => {
    // On PostgreSQL the second process gets its own connection pool, as a separate API process would.
    db2 = t.database.url ? openPostgres(t.database.url) : undefined;
    t2 = await startTestApp({ env, database: { ...t.database, db: db2 ?? t.database.db } });
  });
  afterAll(async () => {
    await t2.close();
    await db2?.close();
  });

  it('racing sequencers build one log with every event exactly once, in outbox order', async () => {
    const writers = Array.from({ length: 40 }, (_, i) =>
      t.database.db.transaction(async (tx) => {
        await insertEvent(tx, {
          type: 'moderation.restored',
          actorId: modId,
          subjectType: 'post',
          subjectId: postId,
          data: { postId, reason: `race ${i}` },
        });
        // Hold some transactions open so ids commit out of order while the sequencers run.
        await tx.query('SELECT pg_sleep($1)', [(i % 4) * 0.01]);
      }),
    );
    const sequencers = [t, t2].map(async (app) => {
      const results = [];
      for (let i = 0; i < 15; i++) results.push(await app.services.transparency.sequenceNow());
      return results;
    });
    await Promise.all([...writers, ...sequencers]);
    await t.services.transparency.sequenceNow();
    await t2.services.transparency.sequenceNow();

    const { outbox, log } = await publishedVsOutbox(t.database.db);
    expect(log).toEqual(outbox);
    const a = await auditLog(t.app);
    const b = await auditLog(t2.app);
    expect(b.note).toBe(a.note);
    expect(a.checkpoint.size).toBe(outbox.length + 1);
    await expectEveryCheckpointProvable(t.database.db, a.vkey);
  });

  it.runIf(testDatabaseKind() === 'postgres')(
    'waits for an earlier outbox id that commits late instead of skipping it',
    async () => {
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let lateId = 0;
      const late = t.database.db.transaction(async (tx) => {
        lateId = await insertEvent(tx, {
          type: 'moderation.hidden',
          actorId: modId,
          subjectType: 'post',
          subjectId: postId,
          data: { postId, reason: 'committed late' },
        });
        await held;
      });
      while (lateId === 0) await new Promise((r) => setTimeout(r, 5));
      const earlyId = await hideEvent(t.database.db, 'committed early');
      expect(earlyId).toBeGreaterThan(lateId);

      const run = t2.services.transparency.sequenceNow();
      await new Promise((r) => setTimeout(r, 100));
      release();
      await late;
      await run;
      await t2.services.transparency.sequenceNow();
      const { outbox, log } = await publishedVsOutbox(t.database.db);
      expect(log).toEqual(outbox);
      expect(log.slice(-2)).toEqual([lateId, earlyId]);
    },
  );
});

describe('an event that cannot become a valid entry', () => {
  it('stops the log at that event, loudly, after publishing what precedes it; nothing is skipped', async () => {
    const before = (await auditLog(t.app)).checkpoint.size;
    const good = await hideEvent(t.database.db, 'A fine reason');
    const bad = await t.database.db.transaction((tx) =>
      insertEvent(tx, {
        type: 'moderation.hidden',
        actorId: null,
        subjectType: 'post',
        subjectId: postId,
        data: { postId, reason: 'Nobody decided this' },
      }),
    );
    const after = await hideEvent(t.database.db, 'Waits behind the bad one');
    await expect(t.services.transparency.sequenceNow()).rejects.toThrow(
      `outbox event ${bad} cannot be published: it has no actor`,
    );
    const stuck = await auditLog(t.app);
    expect(stuck.checkpoint.size).toBe(before + 1);
    expect(stuck.entries.at(-1)!.seq).toBe(good);

    // Once an operator repairs the outbox, the log resumes where it stopped.
    await t.database.db.query('UPDATE events SET actor_id = $1 WHERE id = $2', [modId, bad]);
    expect(await t.services.transparency.sequenceNow()).toMatchObject({ appended: 2 });
    expect((await auditLog(t.app)).entries.slice(-2).map((e) => e.seq)).toEqual([bad, after]);
  });
});
