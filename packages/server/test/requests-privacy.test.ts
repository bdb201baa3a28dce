import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/app.js';
import type { TestUser } from './support/client.js';
import { makeUser } from './support/factories.js';
import { publishRequestPolicy } from './support/request-policy.js';
import { HOME, makeAgency, makeOwner, offsetMeters, square, validDraft } from './support/requests.js';

/**
 * G7: an agency never learns who or how many a request reached. The agency session walks every requests and
 * inbox route with every id it could hold (request ids, and the owners', cameras' and agency member ids it
 * must not learn about) and the test looks for any trace of them in what comes back.
 */
let t: TestApp;
let officer: TestUser;
let requestId: string;
const owners: {
  owner: TestUser;
  camera: { id: string; name: string; location: { lat: number; lng: number } };
}[] = [];

beforeAll(async () => {
  t = await startTestApp();
  const admin = await makeUser(t, { role: 'admin' });
  await publishRequestPolicy(t, admin, 'portland-or');
  ({ member: officer } = await makeAgency(t, admin, 'portland-or'));
  for (const [n, e] of [
    [30, 30],
    [-60, 10],
    [80, -90],
  ] as const) {
    owners.push(await makeOwner(t, offsetMeters(HOME, n, e)));
  }
  const res = await officer.raw('POST', '/api/requests', validDraft(new Date(), { area: square(HOME, 400) }));
  expect(res.statusCode, res.body).toBe(201);
  requestId = res.json<{ id: string }>().id;
  // One owner declines; the agency must not be able to tell.
  expect((await owners[0]!.owner.raw('POST', `/api/inbox/${requestId}/dismiss`)).statusCode).toBe(204);
});
afterAll(() => t.close());

describe('what an agency can read about a request', () => {
  it('no route gives the agency a match count, an owner, a camera or a decline', async () => {
    const forbiddenText = owners.flatMap(({ owner, camera }) => [
      camera.name,
      String(camera.location.lat),
      String(camera.location.lng),
      `"owner"`,
      `"myCameras"`,
      `"ownerId"`,
      `"matches"`,
      `"matchCount"`,
      `"dismiss`,
      `"userId":${owner.id}`,
    ]);
    const probes: [string, string][] = [
      ['GET', `/api/requests/${requestId}`],
      ['GET', '/api/requests'],
      ['GET', `/api/requests?status=open`],
      ['GET', `/api/agency/requests/${requestId}`],
      ['GET', '/api/inbox'],
      ['GET', '/api/inbox/count'],
      ['GET', `/api/inbox/${requestId}`],
      ['POST', `/api/inbox/${requestId}/dismiss`],
    ];
    const bodies: string[] = [];
    for (const [method, url] of probes) {
      const res = await officer.raw(method as 'GET', url);
      bodies.push(`${method} ${url} → ${res.statusCode} ${res.body}`);
    }
    for (const body of bodies) for (const text of forbiddenText) expect(body, body).not.toContain(text);
    // The agency member's own inbox is empty and says nothing of the request's reach.
    const inbox = await officer.raw('GET', '/api/inbox');
    expect(inbox.json()).toEqual({ items: [] });
    expect((await officer.raw('GET', '/api/inbox/count')).json()).toEqual({ count: 0 });
    expect((await officer.raw('GET', `/api/inbox/${requestId}`)).statusCode).toBe(404);
    expect((await officer.raw('POST', `/api/inbox/${requestId}/dismiss`)).statusCode).toBe(404);
  });

  it('the request page reads the same after owners decline as before', async () => {
    const before = (await officer.raw('GET', `/api/requests/${requestId}`)).body;
    for (const { owner } of owners.slice(1)) await owner.raw('POST', `/api/inbox/${requestId}/dismiss`);
    expect((await officer.raw('GET', `/api/requests/${requestId}`)).body).toBe(before);
    expect((await t.app.inject({ method: 'GET', url: `/api/requests/${requestId}` })).body).toBe(before);
  });

  it('a resident reads only their own inbox', async () => {
    const stranger = await makeUser(t);
    expect((await stranger.raw('GET', '/api/inbox')).json()).toEqual({ items: [] });
    expect((await stranger.raw('GET', `/api/inbox/${requestId}`)).statusCode).toBe(404);
    expect((await stranger.raw('POST', `/api/inbox/${requestId}/dismiss`)).statusCode).toBe(404);
    const anon = await t.app.inject({ method: 'GET', url: '/api/inbox' });
    expect(anon.statusCode).toBe(401);
  });
});
