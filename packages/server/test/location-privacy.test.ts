/**
 * G8: exact points (homes, where things happened) are used server-side only. Every JSON response the API can
 * give, to every kind of viewer, is crawled for them; the database is searched for post points too.
 */
import type { paths } from '@porchlight/api-client';
import { cellToLatLng, getResolution } from 'h3-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { distanceMeters, snap, type LatLng } from '../src/geo/cells.js';
import { updateRole } from '../src/modules/users/users.repository.js';
import type { Role } from '../src/policies.js';
import { startTestApp, type TestApp } from './support/app.js';
import { TestUser } from './support/client.js';
import { enrolTotp, PASSWORD } from './support/factories.js';
import { setUpVault } from './support/vault.js';

/** Odd coordinates, each well away from its cell's centre, so a leak cannot hide as a coincidence. */
const HOMES = {
  alice: { lat: 45.516_873_1, lng: -122.677_219_3 },
  bob: { lat: 45.513_137_7, lng: -122.681_924_1 },
  carol: { lat: 45.520_441_9, lng: -122.674_771_3 },
  dave: { lat: 45.509_966_1, lng: -122.673_339_1 },
  erin: { lat: 45.518_776_1, lng: -122.685_812_9 },
} satisfies Record<string, LatLng>;
const POST_POINTS = [
  { lat: 45.519_412_7, lng: -122.681_133_9 },
  { lat: 45.512_006_3, lng: -122.672_801_7 },
  { lat: 45.515_791_7, lng: -122.679_001_1 },
  { lat: 45.522_222_9, lng: -122.670_313_7 },
] as const;
/** Where alice's camera is, then where she moves it. Exact only server-side, for footage-request matching. */
const CAMERA_POINTS = [
  { lat: 45.517_303_9, lng: -122.676_644_7 },
  { lat: 45.514_508_3, lng: -122.682_257_1 },
] as const;
const EXACT: LatLng[] = [...Object.values(HOMES), ...POST_POINTS, ...CAMERA_POINTS];

/** About one metre, per axis, at this latitude. */
const TOLERANCE = { lat: 1e-5, lng: 1.4e-5 };

interface Captured {
  label: string;
  json: unknown;
}

/** Every number in a JSON value, including decimals written inside strings (a detail message, say). */
function numbersIn(value: unknown, out: number[] = []): number[] {
  if (typeof value === 'number') out.push(value);
  else if (typeof value === 'string') {
    for (const m of value.matchAll(/-?\d+\.\d+/g)) out.push(Number(m[0]));
  } else if (Array.isArray(value)) for (const v of value) numbersIn(v, out);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) numbersIn(v, out);
  return out;
}

/** Exact points that appear, as a latitude and a longitude within about a metre, anywhere in `value`. */
function leakedPoints(value: unknown, points: readonly LatLng[] = EXACT): LatLng[] {
  const numbers = numbersIn(value);
  return points.filter(
    (p) =>
      numbers.some((n) => Math.abs(n - p.lat) < TOLERANCE.lat) &&
      numbers.some((n) => Math.abs(n - p.lng) < TOLERANCE.lng),
  );
}

/** Objects carrying `lat`/`lng` whose point is not exactly the centre of a resolution-9 `cell` beside them. */
function uncoarsened(value: unknown, path = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => uncoarsened(v, `${path}/${i}`));
  if (!value || typeof value !== 'object') return [];
  const o = value as Record<string, unknown>;
  const bad: string[] = [];
  if ('lat' in o || 'lng' in o || 'latitude' in o || 'longitude' in o) {
    const ok =
      typeof o.cell === 'string' &&
      getResolution(o.cell) === 9 &&
      typeof o.lat === 'number' &&
      typeof o.lng === 'number' &&
      cellToLatLng(o.cell)[0] === o.lat &&
      cellToLatLng(o.cell)[1] === o.lng;
    if (!ok) bad.push(`${path || '/'} ${JSON.stringify(o)}`);
  }
  for (const [k, v] of Object.entries(o)) bad.push(...uncoarsened(v, `${path}/${k}`));
  return bad;
}

let t: TestApp;
const captured: Captured[] = [];
const viewers: Record<string, TestUser> = {};
const postIds: string[] = [];
const cameraIds: string[] = [];

/** Keeps a successful typed-client result's parsed body for the crawl's checks. */
function capture(label: string, res: { response: Response; data?: unknown }): void {
  expect(res.response.ok, `${label}: ${res.response.status}`).toBe(true);
  captured.push({ label, json: res.data });
}

async function join(name: string, home: LatLng | null, role: Role = 'resident'): Promise<TestUser> {
  const u = await new TestUser(t.app).begin();
  capture(`${name} session (signed out)`, await u.api.GET('/api/session'));
  const signup = await u.api.POST('/api/auth/signup', {
    body: { email: `${name}@example.test`, password: PASSWORD, displayName: name },
  });
  capture(`${name} signup`, signup);
  u.id = signup.data!.user!.id;
  if (role !== 'resident') {
    await updateRole(t.database.db, u.id, role);
    await enrolTotp(t, u);
  }
  if (home) capture(`${name} set home`, await u.api.PUT('/api/me/home', { body: home }));
  viewers[name] = u;
  return u;
}

type NewPost = paths['/api/posts']['post']['requestBody']['content']['application/json'];

async function post(label: string, author: TestUser, body: NewPost): Promise<string> {
  const res = await author.api.POST('/api/posts', { body });
  capture(label, res);
  postIds.push(res.data!.id);
  return res.data!.id;
}

beforeAll(async () => {
  t = await startTestApp();
  const alice = await join('alice', HOMES.alice);
  const bob = await join('bob', HOMES.bob);
  const carol = await join('carol', HOMES.carol, 'admin');
  const dave = await join('dave', HOMES.dave, 'moderator');
  const erin = await join('erin', HOMES.erin, 'agency');
  const frank = await join('frank', null);
  viewers.anonymous = await new TestUser(t.app).begin();

  capture('alice widens radius', await alice.api.PUT('/api/me/radius', { body: { radiusM: 3000 } }));
  capture('alice re-sets home', await alice.api.PUT('/api/me/home', { body: HOMES.alice }));
  capture('alice signs out', await alice.api.POST('/api/auth/signout'));
  capture(
    'alice signs in',
    await alice.api.POST('/api/auth/signin', { body: { email: 'alice@example.test', password: PASSWORD } }),
  );

  const [p1, p2, p3, p4] = POST_POINTS;
  const a1 = await post('alice posts at a point', alice, {
    category: 'community',
    title: 'Plant swap',
    body: 'On the corner',
    location: p1,
  });
  const a2 = await post('alice posts from home', alice, {
    category: 'safety',
    title: 'Loose paving',
    body: 'Mind your step',
  });
  const b1 = await post('bob posts at a point', bob, {
    category: 'lost_found_pet',
    title: 'Found a cat',
    body: 'Grey tabby',
    location: p2,
  });
  await post('agency posts at a point', erin, {
    category: 'safety',
    title: 'Road closed for repairs',
    body: 'Until Friday',
    location: p3,
  });
  await post('dave posts a person description', dave, {
    category: 'crime',
    title: 'Car broken into',
    body: 'Overnight',
    location: p4,
    person: { behaviour: 'smashed a car window', clothing: 'black jacket', vehicle: 'red scooter' },
  });
  await post('frank posts without a home', frank, {
    category: 'community',
    title: 'Lost keys',
    body: 'Blue fob',
    location: p1,
  });

  const comment = (u: TestUser, id: string, body: string) =>
    u.api.POST('/api/posts/{id}/comments', { params: { path: { id } }, body: { body } });
  capture('bob comments', await comment(bob, a1, 'I have cuttings'));
  capture('alice comments', await comment(alice, b1, 'Is it the one from 12th?'));
  capture(
    'carol reacts',
    await carol.api.PUT('/api/posts/{id}/reaction', {
      params: { path: { id: a2 } },
      body: { kind: 'helpful' },
    }),
  );
  capture(
    'carol removes a reaction',
    await carol.api.DELETE('/api/posts/{id}/reaction', { params: { path: { id: a2 } } }),
  );
  capture(
    'bob reports',
    await bob.api.POST('/api/posts/{id}/reports', {
      params: { path: { id: a2 } },
      body: { reason: 'Test report' },
    }),
  );
  capture(
    'carol changes a role',
    await carol.api.PUT('/api/admin/users/{id}/role', {
      params: { path: { id: frank.id } },
      body: { role: 'moderator', reason: 'Volunteered to moderate' },
    }),
  );

  await setUpVault(alice);
  const camera = await alice.api.POST('/api/cameras', {
    body: { name: 'Porch', location: CAMERA_POINTS[0], privacyZones: [], acceptAgencyRequests: true },
  });
  capture('alice registers a camera', camera);
  cameraIds.push(camera.data!.id);
  capture(
    'alice moves her camera',
    await alice.api.PATCH('/api/cameras/{id}', {
      params: { path: { id: camera.data!.id } },
      body: { location: CAMERA_POINTS[1] },
    }),
  );
});
afterAll(() => t.close());

/** GET operations that answer JSON, from the generated OpenAPI document, so new routes are crawled too. */
function jsonGetPaths(): string[] {
  const doc = t.app.swagger() as {
    paths: Record<string, { get?: { responses?: Record<string, { content?: Record<string, unknown> }> } }>;
  };
  return Object.entries(doc.paths)
    .filter(([, item]) => {
      const ok = item.get?.responses?.['200'];
      return ok !== undefined && Object.keys(ok.content ?? {}).some((c) => c.includes('json'));
    })
    .map(([path]) => path);
}

describe('G8: exact locations never leave the server', () => {
  it('uses test points far enough from their cell centres for a leak to be told apart', () => {
    for (const p of EXACT) {
      expect(distanceMeters(p, snap(p))).toBeGreaterThan(10);
      expect(leakedPoints(snap(p), [p])).toEqual([]);
    }
  });

  it('no response to any viewer contains an exact point, and every location shown is a cell centre', async () => {
    const answered = new Set<string>();
    const ids = [...new Set([...postIds, ...cameraIds, ...Object.values(viewers).map((v) => v.id), 1, 2, 3])];
    for (const [name, viewer] of Object.entries(viewers)) {
      for (const path of jsonGetPaths()) {
        const urls = path.includes('{') ? ids.map((id) => path.replace(/\{[^}]+\}/g, String(id))) : [path];
        for (const url of urls) {
          const res = await viewer.raw('GET', url);
          expect(res.statusCode, `${name} GET ${url}`).toBeLessThan(500);
          expect(res.headers['content-type'], `${name} GET ${url}`).toMatch(/json/);
          captured.push({ label: `${name} GET ${url}`, json: res.json() });
          if (res.statusCode === 200) answered.add(path);
        }
      }
    }

    for (const path of [
      '/api/session',
      '/api/me',
      '/api/feed',
      '/api/me/posts',
      '/api/posts/{id}',
      '/api/posts/{id}/comments',
      '/api/admin/users',
      '/api/cameras',
      '/api/cameras/{id}',
    ]) {
      expect(answered, `crawled ${path}`).toContain(path);
    }
    const shown = captured.filter(
      (c) => uncoarsened(c.json).length === 0 && /"cell"/.test(JSON.stringify(c.json)),
    );
    expect(shown.length, 'the crawl saw coarse locations at all').toBeGreaterThan(50);

    const leaks = captured.flatMap((c) =>
      leakedPoints(c.json).map((p) => `${c.label}: ${JSON.stringify(p)}`),
    );
    expect(leaks).toEqual([]);
    const raw = captured.flatMap((c) => uncoarsened(c.json).map((b) => `${c.label}: ${b}`));
    expect(raw).toEqual([]);
  });

  it('shows the author’s own home only as its cell', async () => {
    const me = await viewers.alice!.api.GET('/api/me');
    const [lat, lng] = cellToLatLng(me.data!.home!.cell);
    expect(me.data?.home).toEqual({ cell: me.data!.home!.cell, lat, lng });
    expect(distanceMeters(HOMES.alice, me.data!.home!)).toBeGreaterThan(5);
  });

  it('stores a post’s cell only: no exact point anywhere in the posts table', async () => {
    const rows = await t.database.db.query<{
      row: unknown;
      cell: string;
      cell_lat: number;
      cell_lng: number;
    }>('SELECT to_jsonb(p)::text AS row, cell, cell_lat, cell_lng FROM posts p');
    expect(rows.rows).toHaveLength(postIds.length);
    for (const r of rows.rows) {
      expect([r.cell_lat, r.cell_lng]).toEqual(cellToLatLng(r.cell));
      expect(leakedPoints(r.row)).toEqual([]);
    }
  });

  it('writes no exact point into the event outbox', async () => {
    const rows = await t.database.db.query<{ data: unknown }>('SELECT data::text AS data FROM events');
    expect(rows.rows.length).toBeGreaterThan(10);
    expect(rows.rows.flatMap((r) => leakedPoints(r.data))).toEqual([]);
  });

  it('keeps exact points out of every table except the owner’s own home and camera columns', async () => {
    const tables = await t.database.db.query<{ name: string }>(
      `SELECT table_name AS name FROM information_schema.tables
       WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
    );
    expect(tables.rows.map((r) => r.name)).toEqual(expect.arrayContaining(['users', 'posts', 'events']));
    const leaks: string[] = [];
    for (const { name } of tables.rows) {
      const rows = await t.database.db.query<{ row: string }>(
        `SELECT (to_jsonb(x) - 'home_lat' - 'home_lng'${name === 'cameras' ? " - 'lat' - 'lng'" : ''})::text
         AS row FROM "${name}" x`,
      );
      for (const r of rows.rows)
        leaks.push(...leakedPoints(r.row).map((p) => `${name}: ${JSON.stringify(p)}`));
    }
    expect(leaks).toEqual([]);
  });
});
