import { cellToLatLng, getResolution } from 'h3-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snap } from '../src/geo/cells.js';
import { startTestApp, type TestApp } from './support/app.js';
import { TestUser } from './support/client.js';
import { HOME, makeUser, offsetMeters } from './support/factories.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

describe('home and radius', () => {
  it('sets a home with the default 1.6 km radius and shows it back only as its cell', async () => {
    const u = await makeUser(t, { home: null });
    expect((await u.api.GET('/api/me')).data).toMatchObject({ home: null, radiusM: 1600 });
    const home = offsetMeters(HOME, 123.4, -56.7);
    const res = await u.api.PUT('/api/me/home', { body: home });
    expect(res.response.status).toBe(200);
    const { cell, lat, lng } = snap(home);
    expect(res.data).toMatchObject({ radiusM: 1600, home: { cell, lat, lng } });
    expect(getResolution(res.data!.home!.cell)).toBe(9);
    expect((await u.api.GET('/api/me')).data?.home).toEqual({ cell, lat, lng });
  });

  it('takes a radius with the home, and keeps the chosen radius when the home moves', async () => {
    const u = await makeUser(t, { home: null });
    const first = await u.api.PUT('/api/me/home', { body: { ...HOME, radiusM: 5000 } });
    expect(first.data?.radiusM).toBe(5000);
    const moved = await u.api.PUT('/api/me/home', { body: offsetMeters(HOME, 3000, 0) });
    expect(moved.data?.radiusM).toBe(5000);
    expect(moved.data?.home?.cell).not.toBe(first.data?.home?.cell);
  });

  it('needs a home before a radius: 409 home_required', async () => {
    const u = await makeUser(t, { home: null });
    const res = await u.api.PUT('/api/me/radius', { body: { radiusM: 2000 } });
    expect(res.response.status).toBe(409);
    expect(res.error).toMatchObject({ code: 'home_required' });
  });

  it.each([
    [{ lat: 85.01, lng: 0 }, '/body/lat'],
    [{ lat: -90, lng: 0 }, '/body/lat'],
    [{ lat: 0, lng: 180.01 }, '/body/lng'],
    [{ lat: 0, lng: -181 }, '/body/lng'],
  ])('refuses the home %o naming %s', async (home, field) => {
    const u = await makeUser(t, { home: null });
    const res = await u.api.PUT('/api/me/home', { body: home });
    expect(res.response.status).toBe(400);
    expect(res.error).toMatchObject({ code: 'validation_failed', errors: [{ field }] });
    expect((await u.api.GET('/api/me')).data?.home).toBeNull();
  });

  it('accepts homes at the edges of the map', async () => {
    const u = await makeUser(t, { home: null });
    for (const home of [
      { lat: 85, lng: 180 },
      { lat: -85, lng: -180 },
      { lat: 0, lng: 0 },
    ]) {
      const res = await u.api.PUT('/api/me/home', { body: home });
      expect(res.response.status, JSON.stringify(home)).toBe(200);
      const [lat, lng] = cellToLatLng(res.data!.home!.cell);
      expect(res.data?.home).toMatchObject({ lat, lng });
    }
  });
});

describe('the admin user list', () => {
  it('lists users without any location, searchable by name or email, in pages', async () => {
    const admin = await makeUser(t, { role: 'admin' });
    const names = ['Quinn Alpha', 'Quinn Beta', 'Quinn Gamma'];
    const ids: number[] = [];
    for (const name of names) ids.push((await makeUser(t, { name })).id);

    const all = await admin.api.GET('/api/admin/users', { params: { query: { q: 'quinn' } } });
    expect(all.data?.items.map((u) => u.displayName)).toEqual(names);
    for (const item of all.data!.items) {
      expect(Object.keys(item).sort()).toEqual(['createdAt', 'displayName', 'email', 'id', 'role']);
    }

    const page1 = await admin.api.GET('/api/admin/users', { params: { query: { q: 'QUINN', limit: 2 } } });
    expect(page1.data?.items.map((u) => u.id)).toEqual(ids.slice(0, 2));
    expect(page1.data?.nextAfter).toBe(ids[1]);
    const page2 = await admin.api.GET('/api/admin/users', {
      params: { query: { q: 'quinn', limit: 2, after: page1.data!.nextAfter! } },
    });
    expect(page2.data?.items.map((u) => u.id)).toEqual(ids.slice(2));
    expect(page2.data?.nextAfter).toBeNull();
  });

  it.each(['resident', 'moderator', 'agency'] as const)('is closed to a %s (403)', async (role) => {
    const u = await makeUser(t, { role });
    const res = await u.api.GET('/api/admin/users');
    expect(res.response.status).toBe(403);
    expect(res.error).toMatchObject({ code: 'forbidden' });
  });

  it('is closed to a signed-out visitor (401)', async () => {
    const anon = await new TestUser(t.app).begin();
    expect((await anon.api.GET('/api/admin/users')).response.status).toBe(401);
  });
});

describe('changing roles', () => {
  const setRole = (
    admin: TestUser,
    id: number,
    role: 'resident' | 'moderator' | 'admin',
    reason = 'Per policy',
  ) => admin.api.PUT('/api/admin/users/{id}/role', { params: { path: { id } }, body: { role, reason } });

  it('changes a role, effective on the user’s existing session at once', async () => {
    const admin = await makeUser(t, { role: 'admin' });
    const target = await makeUser(t);
    expect((await target.api.GET('/api/moderation/queue')).response.status).toBe(403);
    const res = await setRole(admin, target.id, 'moderator', 'Volunteer moderator for Elm St.');
    expect(res.response.status).toBe(200);
    expect(res.data).toMatchObject({ id: target.id, role: 'moderator' });
    expect((await target.api.GET('/api/me')).data?.role).toBe('moderator');
  });

  it('takes admin rights away from a demoted admin at once', async () => {
    const admin = await makeUser(t, { role: 'admin' });
    const other = await makeUser(t, { role: 'admin' });
    expect((await other.api.GET('/api/admin/users')).response.status).toBe(200);
    expect((await setRole(admin, other.id, 'resident', 'Stepped down')).response.status).toBe(200);
    expect((await other.api.GET('/api/admin/users')).response.status).toBe(403);
  });

  it('does not let an admin change their own role', async () => {
    const admin = await makeUser(t, { role: 'admin' });
    const res = await setRole(admin, admin.id, 'resident');
    expect(res.response.status).toBe(403);
    expect(res.error).toMatchObject({ code: 'forbidden' });
    expect((await admin.api.GET('/api/me')).data?.role).toBe('admin');
  });

  it.each(['resident', 'moderator'] as const)('does not let a %s change anyone’s role', async (role) => {
    const actor = await makeUser(t, { role });
    const target = await makeUser(t);
    const res = await setRole(actor, target.id, 'admin');
    expect(res.response.status).toBe(403);
    const self = await setRole(actor, actor.id, 'admin');
    expect(self.response.status).toBe(403);
    expect((await target.api.GET('/api/me')).data?.role).toBe('resident');
    expect((await actor.api.GET('/api/me')).data?.role).toBe(role);
  });

  it('answers 404 for an unknown user and needs a reason of at least three characters', async () => {
    const admin = await makeUser(t, { role: 'admin' });
    const target = await makeUser(t);
    expect((await setRole(admin, 987_654, 'moderator')).response.status).toBe(404);
    const short = await setRole(admin, target.id, 'moderator', 'ok');
    expect(short.response.status).toBe(400);
    expect(short.error).toMatchObject({ errors: [{ field: '/body/reason' }] });
    const missing = await admin.raw('PUT', `/api/admin/users/${target.id}/role`, { role: 'moderator' });
    expect(missing.statusCode).toBe(400);
    expect(missing.json()).toMatchObject({ errors: [{ field: '/body/reason', message: 'is required' }] });
    expect((await target.api.GET('/api/me')).data?.role).toBe('resident');
  });
});
