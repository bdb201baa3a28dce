import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
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
  if (opts.role && opts.role !== 'resident') await updateRole(t.database.db, user.id, opts.role);
  const home = opts.home === undefined ? HOME : opts.home;
  if (home) {
    const r = await user.api.PUT('/api/me/home', {
      body: { ...home, ...(opts.radiusM ? { radiusM: opts.radiusM } : {}) },
    });
    expect(r.response.status).toBe(200);
  }
  return user;
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
