import { canonicalBoundary, DEFAULT_POLICY, type Polygon, type RequestPolicyV2 } from '@porchlight/policy';
import { type Entry } from '@porchlight/tlog';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_BOUNDARY } from '../src/demo.js';
import { startTestApp, type TestApp } from './support/app.js';
import { TestUser } from './support/client.js';
import { eventsAfter, lastEventId, makeUser } from './support/factories.js';
import { POLICY_V1 } from './support/policies.js';
import { auditLog, LOG_ORIGIN } from './support/transparency.js';

let t: TestApp;
let admin: TestUser;
beforeAll(async () => {
  t = await startTestApp({ env: { PORCHLIGHT_LOG_ORIGIN: LOG_ORIGIN } });
  admin = await makeUser(t, { role: 'admin' });
});
afterAll(() => t.close());

const publish = (user: TestUser, slug: string, body: Record<string, unknown>) =>
  user.raw('POST', `/api/admin/jurisdictions/${slug}/policies`, body);

const v2 = (slug: string, over: Partial<RequestPolicyV2> = {}): RequestPolicyV2 => ({
  ...DEFAULT_POLICY,
  eligibleAgencyJurisdictions: [slug],
  ...over,
});

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

describe('publishing a v2 policy with its boundary', () => {
  it('stores both, publishes the boundary and its hash, and logs the hash with the whole policy', async () => {
    const since = await lastEventId(t);
    // Lists in an admin's order, coordinates with more decimals than are kept.
    const policy = v2('portland-or', {
      offenseCategories: ['robbery', 'burglary', 'assault'],
      allowedLegalBases: ['warrant', 'consent'],
      prohibitedPurposes: [
        { purpose: 'immigration_enforcement', terms: ['deportation', 'ICE'] },
        { purpose: 'first_amendment_activity', terms: ['protest'] },
      ],
    });
    const boundary: Polygon = {
      type: 'Polygon',
      coordinates: [DEMO_BOUNDARY.coordinates[0]!.map(([x, y]) => [x + 1e-9, y] as [number, number])],
    };
    const res = await publish(admin, 'portland-or', {
      name: 'Portland, Oregon',
      policy,
      boundary,
      reason: 'Council ordinance 191234 adopts the v2 rules',
    });
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json<{
      policy: RequestPolicyV2;
      boundary: Polygon;
      boundarySha256: string;
      version: number;
    }>();
    expect(body.version).toBe(1);
    expect(body.policy.offenseCategories).toEqual(['assault', 'burglary', 'robbery']);
    expect(body.policy.allowedLegalBases).toEqual(['consent', 'warrant']);
    expect(body.policy.prohibitedPurposes).toEqual([
      { purpose: 'first_amendment_activity', terms: ['protest'] },
      { purpose: 'immigration_enforcement', terms: ['ICE', 'deportation'] },
    ]);
    expect(body.boundary).toEqual(DEMO_BOUNDARY);
    // Anyone can recompute the boundary's hash from what the API serves.
    expect(body.boundarySha256).toBe(sha256(canonicalBoundary(body.boundary)));

    const visitor = new TestUser(t.app);
    const current = await visitor.api.GET('/api/jurisdictions/{slug}/policy', {
      params: { path: { slug: 'portland-or' } },
    });
    expect(current.data).toMatchObject({
      version: 1,
      boundary: DEMO_BOUNDARY,
      boundarySha256: body.boundarySha256,
    });
    expect(current.data!.policy).toEqual(body.policy);

    expect((await eventsAfter(t, since)).map((e) => e.type)).toEqual(['policy.published']);
    await t.services.transparency.sequenceNow();
    const log = await auditLog(t.app);
    const entry = log.entries.find(
      (e): e is Extract<Entry, { type: 'policy.changed' }> =>
        e.type === 'policy.changed' && e.data.jurisdiction === 'portland-or',
    )!;
    expect(entry.data.boundarySha256).toBe(body.boundarySha256);
    expect(entry.data.policy).toEqual(body.policy);

    // The entry logs only the hash; the log serves the boundary under it as the very bytes hashed, so
    // `curl <site>/log/boundary/<hash> | sha256sum` recomputes it (the audit CLI checks every one).
    const served = await visitor.raw('GET', `/log/boundary/${entry.data.boundarySha256!}`);
    expect(served.statusCode).toBe(200);
    expect(served.headers['content-type']).toContain('application/json');
    expect(sha256(served.body)).toBe(entry.data.boundarySha256);
    expect(JSON.parse(served.body)).toEqual(DEMO_BOUNDARY);
  });

  it('serves no boundary for a hash nothing logged, and refuses what is not a hash', async () => {
    const visitor = new TestUser(t.app);
    const unknown = await visitor.raw('GET', `/log/boundary/${'0'.repeat(64)}`);
    expect(unknown.statusCode).toBe(404);
    expect(unknown.headers['content-type']).toContain('application/problem+json');
    const bad = await visitor.raw('GET', '/log/boundary/NOT-A-HASH');
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ errors: { field: string }[] }>().errors[0]!.field).toBe('/params/sha256');
  });

  const refusals: [string, Record<string, unknown>, number, string][] = [
    ['a v2 policy without a boundary', { policy: v2('eugene-or') }, 400, '/body/boundary'],
    [
      'a v1 policy, even with a boundary',
      { policy: { ...POLICY_V1, eligibleAgencyJurisdictions: ['eugene-or'] }, boundary: DEMO_BOUNDARY },
      400,
      '/body/policy/version',
    ],
    [
      'a boundary crossing itself',
      {
        policy: v2('eugene-or'),
        boundary: {
          type: 'Polygon',
          coordinates: [
            [
              [-123.2, 44],
              [-123, 44.1],
              [-123, 44],
              [-123.2, 44.2],
              [-123.2, 44],
            ],
          ],
        },
      },
      400,
      '/body/boundary',
    ],
    [
      'an open ring',
      {
        policy: v2('eugene-or'),
        boundary: {
          type: 'Polygon',
          coordinates: [
            [
              [-123.2, 44],
              [-123, 44],
              [-123, 44.1],
              [-123.2, 44.1],
            ],
          ],
        },
      },
      400,
      '/body/boundary',
    ],
    [
      'an unknown offense category',
      { policy: v2('eugene-or', { offenseCategories: ['jaywalking' as 'arson'] }), boundary: DEMO_BOUNDARY },
      400,
      '/body/policy',
    ],
    [
      'a minimum area above the maximum',
      { policy: v2('eugene-or', { minAreaM2: 5_000_000 }), boundary: DEMO_BOUNDARY },
      400,
      'minAreaM2 must not be larger than maxAreaM2',
    ],
  ];
  it.each(refusals)(
    'refuses %s, naming what is wrong, and stores and logs nothing',
    async (_w, body, status, names) => {
      const since = await lastEventId(t);
      const res = await publish(admin, 'eugene-or', {
        name: 'Eugene, Oregon',
        reason: 'Trying it out',
        ...body,
      });
      expect(res.statusCode, res.body).toBe(status);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body).toContain(names);
      expect(await eventsAfter(t, since)).toEqual([]);
      const visitor = new TestUser(t.app);
      const got = await visitor.raw('GET', '/api/jurisdictions/eugene-or/policy');
      expect(got.statusCode).toBe(404);
    },
  );

  it('lets only an admin publish', async () => {
    const resident = await makeUser(t);
    const res = await publish(resident, 'portland-or', {
      policy: v2('portland-or'),
      boundary: DEMO_BOUNDARY,
      reason: 'Not mine to set',
    });
    expect(res.statusCode).toBe(403);
  });
});
