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
