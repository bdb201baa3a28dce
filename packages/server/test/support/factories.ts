import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { totpCode } from '../../src/modules/auth/totp.js';
import { updateRole } from '../../src/modules/users/users.repository.js';
import type { Role } from '../../src/policies.js';
import { TestUser } from './client.js';
import type { TestApp } from './app.js';

/** A point in the test neighbourhood (central Portland) and helpers to move away from it. */
export const HOME = { lat: 45.5152, lng: -122.6784 };
export const offsetMeters = (p: { lat: number; lng: number }, northM: number, eastM: number) => ({
  lat: p.lat + northM / 111_320,
  lng: p.lng + eastM / (111_320 * Math.cos((p.lat * Math.PI) / 180)),
});

export const PASSWORD = 'correct horse battery';

/**
 * Signs up a user through the API (so the path under test is the real one), optionally sets a home and
 * gives them a role directly in the database.
 */
export async function makeUser(
  t: TestApp,
  opts: { role?: Role; home?: { lat: number; lng: number } | null; radiusM?: number; name?: string } = {},
): Promise<TestUser> {
  const user = await new TestUser(t.app).begin();
  const tag = randomBytes(4).toString('hex');
  const res = await user.api.POST('/api/auth/signup', {
    body: { email: `user-${tag}@example.test`, password: PASSWORD, displayName: opts.name ?? `User ${tag}` },
  });
  expect(res.response.status).toBe(201);
  user.id = res.data!.user!.id;
  if (opts.role && opts.role !== 'resident') {
    await updateRole(t.database.db, user.id, opts.role);
    await enrolTotp(t, user);
  }
  const home = opts.home === undefined ? HOME : opts.home;
  if (home) {
    const r = await user.api.PUT('/api/me/home', {
      body: { ...home, ...(opts.radiusM ? { radiusM: opts.radiusM } : {}) },
    });
    expect(r.response.status).toBe(200);
  }
  return user;
}

/**
 * Adds an authenticator app to `user`'s account as a person would (scan, type the current code); their session
 * then counts as second-factor, which staff and agency accounts need to act. Keeps the secret on the user so a
 * test can compute later codes ({@link nextTotpCode}).
 */
export async function enrolTotp(t: TestApp, user: TestUser): Promise<string[]> {
  if (user.csrf) user.api.setCsrfToken(user.csrf);
  const start = await user.api.POST('/api/me/second-factors/totp');
  expect(start.response.status, JSON.stringify(start.error)).toBe(201);
  user.totpSecret = start.data!.secret;
  const confirm = await user.api.POST('/api/me/second-factors/totp/confirm', {
    body: { code: nextTotpCode(t, user) },
  });
  expect(confirm.response.status, JSON.stringify(confirm.error)).toBe(200);
  return confirm.data!.recoveryCodes ?? [];
}

/**
 * A code from `user`'s authenticator app that the server has not seen yet: the current step's, or (when that
 * was used already) the next one's, which the server accepts for clock drift.
 */
export function nextTotpCode(t: TestApp, user: TestUser): string {
  if (!user.totpSecret) throw new Error('the user has no authenticator app');
  const now = t.deps.clock.now().getTime();
  const step = Math.max(Math.floor(now / 30_000), user.lastTotpStep + 1);
  if (step > Math.floor(now / 30_000) + 1) throw new Error('two codes used in one step: advance the clock');
  user.lastTotpStep = step;
  return totpCode(user.totpSecret, new Date(step * 30_000));
}

/** Publishes a post as `user` and returns it. */
export async function makePost(
  user: TestUser,
  body: Partial<{
    category: 'community' | 'safety' | 'crime';
    title: string;
    body: string;
    location: { lat: number; lng: number };
  }> = {},
) {
  const res = await user.api.POST('/api/posts', {
    body: { category: 'community', title: 'Street party on Saturday', body: 'Bring a chair!', ...body },
  });
  expect(res.response.status, JSON.stringify(res.error)).toBe(201);
  return res.data!;
}

/** An outbox row as tests read it. */
export interface EventRow {
  id: number;
  type: string;
  actor_id: number | null;
  subject_type: string;
  subject_id: string;
  data: Record<string, unknown>;
}

/** The id of the newest outbox event (0 when there is none); pass it to {@link eventsAfter}. */
export async function lastEventId(t: TestApp): Promise<number> {
  const res = await t.database.db.query<{ id: number }>('SELECT coalesce(max(id), 0) AS id FROM events');
  return res.rows[0]!.id;
}

/** Outbox events written after the event `afterId`, oldest first. */
export async function eventsAfter(t: TestApp, afterId: number): Promise<EventRow[]> {
  const res = await t.database.db.query<EventRow>(
    'SELECT id, type, actor_id, subject_type, subject_id, data FROM events WHERE id > $1 ORDER BY id',
    [afterId],
  );
  return res.rows;
}

/** How many rows a table holds. `table` comes from the test's own code, never from a request. */
export async function countRows(
  t: TestApp,
  table: 'users' | 'posts' | 'comments' | 'reactions' | 'reports' | 'events' | 'sessions',
): Promise<number> {
  const res = await t.database.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
  return res.rows[0]!.n;
}
