import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/app.js';
import { TestUser } from './support/client.js';
import { countRows, makePost, makeUser } from './support/factories.js';

let t: TestApp;
let admin: TestUser;
let resident: TestUser;
let postId: string;
beforeAll(async () => {
  t = await startTestApp();
  admin = await makeUser(t, { role: 'admin' });
  resident = await makeUser(t);
  postId = (await makePost(resident)).id;
});
afterAll(() => t.close());

/** Asserts an RFC 9457 problem document with our stable code, and returns it. */
function expectProblem(res: LightMyRequestResponse, status: number, code: string) {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  const problem = res.json<Record<string, unknown> & { errors?: { field: string; message: string }[] }>();
  expect(problem).toMatchObject({
    status,
    code,
    type: expect.stringMatching(new RegExp(`/${code}$`)) as string,
  });
  for (const key of ['title', 'detail']) expect(typeof problem[key], key).toBe('string');
  return problem;
}

const fieldsOf = (problem: { errors?: { field: string }[] }) => (problem.errors ?? []).map((e) => e.field);

/** Totals of everything a request could write; compared before and after a refused request. */
const written = async () =>
  Promise.all(
    (['users', 'posts', 'comments', 'reactions', 'reports', 'events'] as const).map((table) =>
      countRows(t, table),
    ),
  );

type Method = 'POST' | 'PUT';
/** Each state-changing endpoint with a body, a valid body for it, and who may call it. */
const endpoints = (): [string, Method, string, Record<string, unknown>, () => TestUser][] => [
  [
    'sign up',
    'POST',
    '/api/auth/signup',
    { email: 'new@example.test', password: 'long enough', displayName: 'N' },
    () => new TestUser(t.app),
  ],
  [
    'sign in',
    'POST',
    '/api/auth/signin',
    { email: 'new@example.test', password: 'long enough' },
    () => resident,
  ],
  ['set home', 'PUT', '/api/me/home', { lat: 45.5, lng: -122.6 }, () => resident],
  ['set radius', 'PUT', '/api/me/radius', { radiusM: 2000 }, () => resident],
  [
    'create post',
    'POST',
    '/api/posts',
    { category: 'community', title: 'Hello there', body: 'Hi' },
    () => resident,
  ],
  ['comment', 'POST', `/api/posts/${postId}/comments`, { body: 'Nice' }, () => admin],
  ['react', 'PUT', `/api/posts/${postId}/reaction`, { kind: 'thanks' }, () => admin],
  ['report', 'POST', `/api/posts/${postId}/reports`, { reason: 'Spam post' }, () => admin],
  [
    'change role',
    'PUT',
    `/api/admin/users/${resident.id}/role`,
    { role: 'moderator', reason: 'Because' },
    () => admin,
  ],
];

describe('unknown properties', () => {
  it('refuses an unknown body property on every endpoint, naming it, and writes nothing', async () => {
    for (const [label, method, url, body, caller] of endpoints()) {
      const user = await caller().begin();
      const before = await written();
      const res = await user.raw(method, url, { ...body, extra: 1 });
      const problem = expectProblem(res, 400, 'validation_failed');
      expect(problem.errors, label).toEqual([
        { field: '/body/extra', message: 'is not an accepted property' },
      ]);
      expect(await written(), label).toEqual(before);
    }
  });

  it('refuses unknown properties in nested objects and query strings', async () => {
    const nested = await resident.raw('POST', '/api/posts', {
      category: 'crime',
      title: 'Car broken into',
      body: 'Overnight',
      location: { lat: 45.5, lng: -122.6, accuracy: 3 },
      person: { behaviour: 'smashed a car window', clothing: 'red coat', vehicle: 'bike', age: 30 },
    });
    expect(fieldsOf(expectProblem(nested, 400, 'validation_failed')).sort()).toEqual([
      '/body/location/accuracy',
      '/body/person/age',
    ]);
    const query = await resident.raw('GET', '/api/feed?radius=9000');
    expect(fieldsOf(expectProblem(query, 400, 'validation_failed'))).toEqual(['/querystring/radius']);
  });

  it('refuses an unknown property on every documented body, including routes added later', async () => {
    const doc = t.app.swagger() as { paths: Record<string, Record<string, { requestBody?: unknown }>> };
    let checked = 0;
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        if (!op.requestBody) continue;
        // Opaque ids (rq_, ds_, su_, po_…) must match their pattern to get as far as the body: the id is
        // made from the documented parameter's own pattern, so a route added later needs no change here.
        const params = (op as { parameters?: { in: string; name: string; schema?: { pattern?: string } }[] })
          .parameters;
        const url = path.replace(/\{([^}]+)\}/g, (_, name: string) => {
          if (/^\/api\/(moderation\/)?posts\//.test(path)) return postId;
          const pattern = params?.find((p) => p.in === 'path' && p.name === name)?.schema?.pattern;
          const prefix = pattern ? /^\^([a-z]{2})_/.exec(pattern)?.[1] : undefined;
          return prefix ? `${prefix}_${'A'.repeat(22)}` : '1';
        });
        const res = await admin.raw(method.toUpperCase() as Method, url, { extra: 1 });
        const problem = expectProblem(res, 400, 'validation_failed');
        expect(fieldsOf(problem), `${method} ${path}`).toContain('/body/extra');
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(endpoints().length);
  });
});

describe('wrong types', () => {
  it.each([
    ['a radius as a string', 'PUT', '/api/me/radius', { radiusM: '2000' }, '/body/radiusM'],
    ['a fractional radius', 'PUT', '/api/me/radius', { radiusM: 1500.5 }, '/body/radiusM'],
    ['a latitude as a string', 'PUT', '/api/me/home', { lat: '45.5', lng: -122.6 }, '/body/lat'],
    ['a null longitude', 'PUT', '/api/me/home', { lat: 45.5, lng: null }, '/body/lng'],
    [
      'a title as a number',
      'POST',
      '/api/posts',
      { category: 'community', title: 12345, body: 'x' },
      '/body/title',
    ],
    [
      'a location as a string',
      'POST',
      '/api/posts',
      { category: 'community', title: 'Hello', body: 'x', location: 'here' },
      '/body/location',
    ],
    [
      'a person as an array',
      'POST',
      '/api/posts',
      { category: 'crime', title: 'Hello', body: 'x', person: [] },
      '/body/person',
    ],
    ['a comment as an object', 'POST', '/api/posts/{post}/comments', { body: { text: 'hi' } }, '/body/body'],
    ['a reaction as a number', 'PUT', '/api/posts/{post}/reaction', { kind: 1 }, '/body/kind'],
    ['a report reason as true', 'POST', '/api/posts/{post}/reports', { reason: true }, '/body/reason'],
    ['an email as a number', 'POST', '/api/auth/signin', { email: 5, password: 'whatever' }, '/body/email'],
  ] as const)('refuses %s with 400 naming %s, never 500', async (_label, method, url, body, field) => {
    const before = await written();
    const res = await resident.raw(method, url.replace('{post}', postId), body);
    expect(fieldsOf(expectProblem(res, 400, 'validation_failed'))).toContain(field);
    expect(await written()).toEqual(before);
  });

  it('names a wrong choice once, listing what is accepted', async () => {
    const res = await admin.raw('PUT', `/api/admin/users/${resident.id}/role`, {
      role: 'owner',
      reason: 'test',
    });
    expect(expectProblem(res, 400, 'validation_failed').errors).toEqual([
      { field: '/body/role', message: 'must be one of: resident, agency, moderator, admin' },
    ]);
  });

  it.each([
    ['limit=0', '/querystring/limit'],
    ['limit=101', '/querystring/limit'],
    ['limit=ten', '/querystring/limit'],
    ['category=crime&category=safety', '/querystring/category'],
  ])('refuses the query %s naming %s', async (query, field) => {
    const res = await resident.raw('GET', `/api/feed?${query}`);
    expect(fieldsOf(expectProblem(res, 400, 'validation_failed'))).toContain(field);
  });
});

describe('bodies that are not JSON objects', () => {
  it.each([
    ['truncated JSON', '{"radiusM": 20'],
    ['an empty body', ''],
    ['a JavaScript object literal', '{radiusM: 2000}'],
    ['a prototype-pollution attempt', '{"radiusM": 2000, "__proto__": {"admin": true}}'],
  ])('refuses %s with 400', async (_label, payload) => {
    const res = await resident.raw('PUT', '/api/me/radius', payload, { 'content-type': 'application/json' });
    expectProblem(res, 400, 'bad_request');
  });

  it.each(['null', '[]', '"radius"', '2000'])(
    'refuses the JSON value %s where an object belongs',
    async (payload) => {
      const res = await resident.raw('PUT', '/api/me/radius', payload, {
        'content-type': 'application/json',
      });
      expect(fieldsOf(expectProblem(res, 400, 'validation_failed'))).toEqual(['/body']);
    },
  );

  it.each([
    'text/plain',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    'application/xml',
  ])('refuses a %s body with 415 and writes nothing', async (type) => {
    const before = await written();
    const res = await resident.raw('POST', '/api/posts', 'category=community&title=Hello&body=x', {
      'content-type': type,
    });
    expectProblem(res, 415, 'unsupported_media_type');
    expect(await written()).toEqual(before);
  });

  it('refuses a body over 256 KiB with 413 and writes nothing', async () => {
    const before = await written();
    const res = await resident.raw('POST', '/api/posts', {
      category: 'community',
      title: 'Huge',
      body: 'x'.repeat(300 * 1024),
    });
    expectProblem(res, 413, 'payload_too_large');
    expect(await written()).toEqual(before);
  });

  it.each([
    [
      'a title',
      'POST',
      '/api/posts',
      { category: 'community', title: 'Hello\u0000there', body: 'x' },
      '/body/title',
    ],
    [
      'a person detail',
      'POST',
      '/api/posts',
      {
        category: 'crime',
        title: 'Car broken into',
        body: 'x',
        person: { behaviour: 'smashed a car window', clothing: 'red\u0000coat', vehicle: 'bike' },
      },
      '/body/person/clothing',
    ],
    ['a comment', 'POST', '/api/posts/{post}/comments', { body: 'hi\u0000' }, '/body/body'],
    ['a report reason', 'POST', '/api/posts/{post}/reports', { reason: 'spam\u0000spam' }, '/body/reason'],
  ] as const)(
    'refuses a NUL character in %s with 400 naming %s, not a database error',
    async (_l, method, url, body, field) => {
      const before = await written();
      const res = await admin.raw(method, url.replace('{post}', postId), body);
      expect(fieldsOf(expectProblem(res, 400, 'validation_failed'))).toEqual([field]);
      expect(await written()).toEqual(before);
    },
  );

  it('refuses a NUL character in a sign-up name and an admin search', async () => {
    const anon = await new TestUser(t.app).begin();
    const signup = await anon.raw('POST', '/api/auth/signup', {
      email: 'nul@example.test',
      password: 'long enough',
      displayName: 'Null\u0000Byte',
    });
    expect(fieldsOf(expectProblem(signup, 400, 'validation_failed'))).toEqual(['/body/displayName']);
    const search = await admin.raw('GET', '/api/admin/users?q=a%00b');
    expect(fieldsOf(expectProblem(search, 400, 'validation_failed'))).toEqual(['/querystring/q']);
  });
});

describe('path parameters', () => {
  /** Posts are named by public ids (po_…), accounts still by number. */
  const routes = (id: string, post = id): [string, string, unknown][] => [
    ['GET', `/api/posts/${post}`, undefined],
    ['GET', `/api/posts/${post}/comments`, undefined],
    ['POST', `/api/posts/${post}/comments`, { body: 'Hi' }],
    ['PUT', `/api/posts/${post}/reaction`, { kind: 'thanks' }],
    ['DELETE', `/api/posts/${post}/reaction`, undefined],
    ['POST', `/api/posts/${post}/reports`, { reason: 'Spam post' }],
    ['PUT', `/api/admin/users/${id}/role`, { role: 'moderator', reason: 'Because' }],
  ];

  it.each([
    'abc',
    '1.5',
    '0',
    '-1',
    '99999999999999999999',
    '9007199254740992',
    '9223372036854775807',
    'ca_AAAAAAAAAAAAAAAAAAAAAA',
  ])('refuses the id %s with 400 naming /params/id on every route', async (id) => {
    for (const [method, url, body] of routes(id)) {
      const res = await admin.raw(method as 'GET', url, body);
      expect(fieldsOf(expectProblem(res, 400, 'validation_failed')), `${method} ${url}`).toEqual([
        '/params/id',
      ]);
    }
  });

  it('answers 404 for the largest id it accepts and a post id never issued', async () => {
    for (const [method, url, body] of routes(String(Number.MAX_SAFE_INTEGER), 'po_AAAAAAAAAAAAAAAAAAAAAA')) {
      expectProblem(await admin.raw(method as 'GET', url, body), 404, 'not_found');
    }
  });

  it('refuses an admin page cursor too large for the database', async () => {
    const res = await admin.raw('GET', '/api/admin/users?after=99999999999999999999');
    expect(fieldsOf(expectProblem(res, 400, 'validation_failed'))).toEqual(['/querystring/after']);
  });
});

describe('unknown routes', () => {
  it.each([
    ['GET', '/api/nope'],
    ['GET', '/api/posts/1/nope'],
    ['DELETE', '/api/feed'],
    ['GET', '/not-an-api-path'],
  ] as const)('answers %s %s with a 404 problem', async (method, url) => {
    expectProblem(await resident.raw(method, url), 404, 'not_found');
  });
});
