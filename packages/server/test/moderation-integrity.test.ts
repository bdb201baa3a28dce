import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database, Queryable } from '../src/infra/db/index.js';
import { memoryBus } from '../src/infra/live/bus.js';
import { startTestApp, type TestApp } from './support/app.js';
import { TestUser } from './support/client.js';
import { makePost, makeUser } from './support/factories.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

interface EventRow {
  type: string;
  actor_id: number | null;
  subject_type: string;
  subject_id: string;
  data: Record<string, unknown>;
  created_at: Date;
}

/** Moderation and appeal events about one post, oldest first. */
async function eventsFor(postId: string): Promise<EventRow[]> {
  const res = await t.database.db.query<EventRow>(
    `SELECT type, actor_id, subject_type, subject_id, data, created_at FROM events
     WHERE (type LIKE 'moderation.%' OR type LIKE 'appeal.%') AND data->>'postId' = $1 ORDER BY id`,
    [postId],
  );
  return res.rows;
}

async function counts(postId: string) {
  const res = await t.database.db.query<{ status: string; decisions: number; open_reports: number }>(
    `SELECT status, (SELECT count(*)::int FROM moderation_decisions WHERE post_id = (SELECT id FROM posts WHERE public_id = $1)) AS decisions,
            (SELECT count(*)::int FROM reports WHERE post_id = (SELECT id FROM posts WHERE public_id = $1) AND resolved_at IS NULL) AS open_reports
     FROM posts WHERE public_id = $1`,
    [postId],
  );
  return { ...res.rows[0]!, events: (await eventsFor(postId)).length };
}

const hide = (mod: TestUser, postId: string, reason = 'Shares a private address') =>
  mod.raw('POST', `/api/moderation/posts/${postId}/decisions`, { action: 'hide', reason });

async function fileAppeal(author: TestUser, postId: string): Promise<number> {
  const res = await author.raw('POST', `/api/posts/${postId}/appeal`, {
    statement: 'It is a public building.',
  });
  expect(res.statusCode).toBe(200);
  const row = await t.database.db.query<{ id: number }>(
    'SELECT id FROM appeals WHERE post_id = (SELECT id FROM posts WHERE public_id = $1)',
    [postId],
  );
  return row.rows[0]!.id;
}

/**
 * A second app on the same database whose transactions run through `wrap`, to inject faults and delays, and
 * a way to act in it as an existing user (sessions live in the shared database).
 */
async function appWrapping(wrap: (tx: Queryable) => Queryable) {
  const db = t.database.db;
  const wrapped: Database = { ...db, transaction: (fn) => db.transaction((tx) => fn(wrap(tx))) };
  const other = await startTestApp({ database: { ...t.database, db: wrapped }, live: memoryBus() });
  return {
    async as(user: TestUser): Promise<TestUser> {
      const there = new TestUser(other.app);
      for (const [k, v] of user.jar) there.jar.set(k, v);
      return there.begin();
    },
    close: () => other.close(),
  };
}

/** Pauses each transaction after its first statement, so concurrent ones overlap unless a lock orders them. */
const slowTx = (tx: Queryable): Queryable => {
  let first = true;
  return {
    async query<R>(sql: string, params?: readonly unknown[]) {
      const res = await tx.query<R>(sql, params);
      if (first) {
        first = false;
        await new Promise((resolve) => setTimeout(resolve, 150));
      }
      return res;
    },
    exec: (sql) => tx.exec(sql),
  };
};

const failingOutbox = (tx: Queryable): Queryable => ({
  query: <R>(sql: string, params?: readonly unknown[]) =>
    sql.includes('INSERT INTO events')
      ? Promise.reject(new Error('outbox unavailable'))
      : tx.query<R>(sql, params),
  exec: (sql) => tx.exec(sql),
});

describe('the outbox', () => {
  it('writes exactly one event per action, with the actor, reason and post id, and no location', async () => {
    const author = await makeUser(t);
    const reporter = await makeUser(t);
    const [mod1, mod2, mod3] = [
      await makeUser(t, { role: 'moderator' }),
      await makeUser(t, { role: 'moderator' }),
      await makeUser(t, { role: 'admin' }),
    ];
    const post = await makePost(author);
    await reporter.api.POST('/api/posts/{id}/reports', {
      params: { path: { id: post.id } },
      body: { reason: 'Private address' },
    });

    expect((await hide(mod1, post.id)).statusCode).toBe(200);
    const appealId = await fileAppeal(author, post.id);
    const decided = await mod2.raw('POST', `/api/moderation/appeals/${appealId}/decision`, {
      outcome: 'overturned',
      reason: 'A public building',
    });
    expect(decided.statusCode).toBe(200);
    expect((await hide(mod3, post.id, 'Now it names a person')).statusCode).toBe(200);
    const restored = await mod1.raw('POST', `/api/moderation/posts/${post.id}/decisions`, {
      action: 'restore',
      reason: 'The name was removed',
    });
    expect(restored.statusCode).toBe(200);

    const events = await eventsFor(post.id);
    expect(events.map((e) => [e.type, e.actor_id, e.subject_type])).toEqual([
      ['moderation.hidden', mod1.id, 'post'],
      ['appeal.filed', author.id, 'appeal'],
      ['appeal.decided', mod2.id, 'appeal'],
      ['moderation.hidden', mod3.id, 'post'],
      ['moderation.restored', mod1.id, 'post'],
    ]);
    expect(events[0]!.data).toMatchObject({
      postId: post.id,
      reason: 'Shares a private address',
      reportsResolved: 1,
    });
    expect(events[1]!.data).toMatchObject({ postId: post.id });
    expect(events[1]!.subject_id).toBe(String(appealId));
    expect(events[2]!.data).toMatchObject({
      postId: post.id,
      outcome: 'overturned',
      reason: 'A public building',
    });
    expect(events[4]!.data).toMatchObject({ postId: post.id, reason: 'The name was removed' });
    // The transparency log publishes these: no location of any precision, no appeal statement.
    const published = JSON.stringify(events.map((e) => e.data));
    expect(published).not.toMatch(/lat|lng|cell|statement/i);
    expect(published).not.toContain('public building.');
  });

  it('writes each event in the same transaction as its change', async () => {
    // now() is the transaction's start time, so equal timestamps mean one transaction.
    const author = await makeUser(t);
    const [mod1, mod2] = [await makeUser(t, { role: 'moderator' }), await makeUser(t, { role: 'moderator' })];
    const post = await makePost(author);
    await hide(mod1, post.id);
    const appealId = await fileAppeal(author, post.id);
    await mod2.raw('POST', `/api/moderation/appeals/${appealId}/decision`, {
      outcome: 'overturned',
      reason: 'Fine',
    });

    const decisions = await t.database.db.query<{ created_at: Date }>(
      'SELECT created_at FROM moderation_decisions WHERE post_id = (SELECT id FROM posts WHERE public_id = $1) ORDER BY id',
      [post.id],
    );
    const appeal = await t.database.db.query<{ created_at: Date; decided_at: Date }>(
      'SELECT created_at, decided_at FROM appeals WHERE id = $1',
      [appealId],
    );
    const at = (await eventsFor(post.id)).map((e) => e.created_at.getTime());
    expect(at).toEqual([
      decisions.rows[0]!.created_at.getTime(),
      appeal.rows[0]!.created_at.getTime(),
      appeal.rows[0]!.decided_at.getTime(),
    ]);
    expect(decisions.rows[1]!.created_at.getTime()).toBe(at[2]);
  });
});

describe('atomicity: a decision that fails leaves nothing behind', () => {
  it('rolls back the hide when its outbox event cannot be written', async () => {
    const broken = await appWrapping(failingOutbox);
    try {
      const author = await makeUser(t);
      const reporter = await makeUser(t);
      const post = await makePost(author);
      await reporter.raw('POST', `/api/posts/${post.id}/reports`, { reason: 'Private address' });
      const mod = await broken.as(await makeUser(t, { role: 'moderator' }));

      const res = await hide(mod, post.id);
      expect(res.statusCode).toBe(500);
      expect(await counts(post.id)).toEqual({ status: 'visible', decisions: 0, open_reports: 1, events: 0 });
    } finally {
      await broken.close();
    }
  });

  it('rolls back an overturn that fails after the appeal was marked decided', async () => {
    const author = await makeUser(t);
    const [mod1, mod2] = [await makeUser(t, { role: 'moderator' }), await makeUser(t, { role: 'moderator' })];
    const post = await makePost(author);
    await hide(mod1, post.id);
    const appealId = await fileAppeal(author, post.id);
    // A state the API never produces (visible with a pending appeal), to make the overturn fail midway.
    await t.database.db.query(`UPDATE posts SET status = 'visible' WHERE public_id = $1`, [post.id]);
    const before = await counts(post.id);

    const res = await mod2.raw('POST', `/api/moderation/appeals/${appealId}/decision`, {
      outcome: 'overturned',
      reason: 'Fine',
    });
    expect(res.statusCode).toBe(409);
    expect(await counts(post.id)).toEqual(before);
    const appeal = await t.database.db.query('SELECT status, decided_by FROM appeals WHERE id = $1', [
      appealId,
    ]);
    expect(appeal.rows[0]).toEqual({ status: 'pending', decided_by: null });
  });

  it('writes nothing for a missing post or a conflicting state', async () => {
    const author = await makeUser(t);
    const mod = await makeUser(t, { role: 'moderator' });
    const total = async () =>
      (
        await t.database.db.query<{ d: number; e: number }>(
          `SELECT (SELECT count(*)::int FROM moderation_decisions) AS d,
                (SELECT count(*)::int FROM events WHERE type LIKE 'moderation.%') AS e`,
        )
      ).rows[0];
    const post = await makePost(author);
    const before = await total();
    expect((await hide(mod, 'po_AAAAAAAAAAAAAAAAAAAAAA')).statusCode).toBe(404);
    const restore = await mod.raw('POST', `/api/moderation/posts/${post.id}/decisions`, {
      action: 'restore',
      reason: 'Not hidden',
    });
    expect(restore.statusCode).toBe(409);
    expect(await total()).toEqual(before);
  });
});

describe('concurrency (transactions pause mid-way so that they overlap)', () => {
  let slow: Awaited<ReturnType<typeof appWrapping>>;
  beforeAll(async () => {
    slow = await appWrapping(slowTx);
  });
  afterAll(() => slow.close());

  it('lets exactly one of two moderators hiding the same post at once succeed', async () => {
    const author = await makeUser(t);
    const mod1 = await slow.as(await makeUser(t, { role: 'moderator' }));
    const mod2 = await slow.as(await makeUser(t, { role: 'moderator' }));
    const post = await makePost(author);
    const results = await Promise.all([
      hide(mod1, post.id, 'First reason'),
      hide(mod2, post.id, 'Second reason'),
    ]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    expect(await counts(post.id)).toMatchObject({ status: 'hidden', decisions: 1, events: 1 });
  });

  it('lets exactly one of two moderators deciding the same appeal at once succeed', async () => {
    const author = await makeUser(t);
    const [mod1, mod2, mod3] = [
      await makeUser(t, { role: 'moderator' }),
      await makeUser(t, { role: 'moderator' }),
      await makeUser(t, { role: 'moderator' }),
    ];
    const post = await makePost(author);
    await hide(mod1, post.id);
    const appealId = await fileAppeal(author, post.id);
    const url = `/api/moderation/appeals/${appealId}/decision`;
    const [slow2, slow3] = [await slow.as(mod2), await slow.as(mod3)];
    const results = await Promise.all([
      slow2.raw('POST', url, { outcome: 'overturned', reason: 'Overturn it' }),
      slow3.raw('POST', url, { outcome: 'upheld', reason: 'Uphold it' }),
    ]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    const decided = (await eventsFor(post.id)).filter((e) => e.type === 'appeal.decided');
    expect(decided).toHaveLength(1);
    const winner = results.find((r) => r.statusCode === 200)!.json<{ status: string }>();
    const outcome = decided[0]!.data.outcome;
    expect(winner.status).toBe(outcome === 'overturned' ? 'visible' : 'hidden');
    expect((await counts(post.id)).decisions).toBe(outcome === 'overturned' ? 2 : 1);
  });

  it('accepts one of two simultaneous appeals by the author', async () => {
    const author = await makeUser(t);
    const mod = await makeUser(t, { role: 'moderator' });
    const post = await makePost(author);
    await hide(mod, post.id);
    const statement = { statement: 'It is a public building.' };
    const [a, b] = [await slow.as(author), await slow.as(author)];
    const results = await Promise.all([
      a.raw('POST', `/api/posts/${post.id}/appeal`, statement),
      b.raw('POST', `/api/posts/${post.id}/appeal`, statement),
    ]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    expect((await eventsFor(post.id)).filter((e) => e.type === 'appeal.filed')).toHaveLength(1);
  });
});
