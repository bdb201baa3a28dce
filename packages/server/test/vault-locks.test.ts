/**
 * tus upload locks in the database: one request at a time per upload across API processes, a waiting request
 * makes the holder let go, and a crashed holder's lease runs out.
 */
import { ERRORS } from '@tus/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatabaseLocker } from '../src/modules/clips/upload-lock.js';
import { createTestDatabase, type TestDatabase } from './support/database.js';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.drop());

const fast = { renewMs: 50, pollMs: 20 };

describe('DatabaseLocker', () => {
  it('lets one holder at a time, and a waiter makes the holder let go', async () => {
    // Two lockers on one database: two API processes.
    const a = new DatabaseLocker(database.db, fast).newLock('upload-1');
    const b = new DatabaseLocker(database.db, fast).newLock('upload-1');
    const events: string[] = [];
    await a.lock(new AbortController().signal, async () => {
      events.push('a asked to release');
      await new Promise((r) => setTimeout(r, 100));
      events.push('a releases');
      await a.unlock();
    });
    const bLocked = b.lock(new AbortController().signal, () => undefined).then(() => events.push('b holds'));
    await bLocked;
    expect(events).toEqual(['a asked to release', 'a releases', 'b holds']);
    await b.unlock();
  });

  it('frees the lock of a holder that died (its lease ran out)', async () => {
    const dead = new DatabaseLocker(database.db, { leaseMs: 300, renewMs: 60_000, pollMs: 20 }).newLock(
      'upload-2',
    );
    await dead.lock(new AbortController().signal, () => undefined);
    const started = Date.now();
    const next = new DatabaseLocker(database.db, fast).newLock('upload-2');
    await next.lock(new AbortController().signal, () => undefined);
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
    await next.unlock();
  });

  it('gives up after its timeout when the holder never lets go, and when the request is aborted', async () => {
    const stubborn = new DatabaseLocker(database.db, fast).newLock('upload-3');
    await stubborn.lock(new AbortController().signal, () => undefined);
    const waiter = new DatabaseLocker(database.db, { ...fast, timeoutMs: 200 }).newLock('upload-3');
    await expect(waiter.lock(new AbortController().signal, () => undefined)).rejects.toBe(
      ERRORS.ERR_LOCK_TIMEOUT,
    );
    const aborted = new AbortController();
    const pending = new DatabaseLocker(database.db, fast)
      .newLock('upload-3')
      .lock(aborted.signal, () => undefined);
    aborted.abort();
    await expect(pending).rejects.toBe(ERRORS.ERR_LOCK_TIMEOUT);
    await stubborn.unlock();
  });

  it('locks different uploads independently', async () => {
    const x = new DatabaseLocker(database.db, fast).newLock('upload-x');
    const y = new DatabaseLocker(database.db, fast).newLock('upload-y');
    await x.lock(new AbortController().signal, () => undefined);
    await y.lock(new AbortController().signal, () => undefined);
    await x.unlock();
    await y.unlock();
    const rows = await database.db.query('SELECT 1 FROM upload_locks');
    expect(rows.rowCount).toBe(0);
  });
});
