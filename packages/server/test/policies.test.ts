import { canonicalJson, policyDigest, type Entry } from '@porchlight/tlog';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/app.js';
import { TestUser } from './support/client.js';
import { eventsAfter, lastEventId, makeUser } from './support/factories.js';
import { BOUNDARY, POLICY, POLICY_V1, storeV1Version } from './support/policies.js';
import { auditLog, LOG_ORIGIN } from './support/transparency.js';

let t: TestApp;
let admin: TestUser;
beforeAll(async () => {
  t = await startTestApp({ env: { PORCHLIGHT_LOG_ORIGIN: LOG_ORIGIN } });
  admin = await makeUser(t, { role: 'admin' });
});
afterAll(() => t.close());

const publish = (user: TestUser, slug: string, body: Record<string, unknown>) =>
  user.raw('POST', `/api/admin/jurisdictions/${slug}/policies`, { boundary: BOUNDARY, ...body });

describe('publishing a policy', () => {
  it('creates the jurisdiction at version 1 with sorted lists and the hash of its canonical JSON', async () => {
    const since = await lastEventId(t);
    const res = await admin.api.POST('/api/admin/jurisdictions/{slug}/policies', {
      params: { path: { slug: 'portland-or' } },
      body: {
        name: 'Portland, Oregon',
        policy: POLICY,
        boundary: BOUNDARY,
        reason: 'Adopted by city council resolution 37712',
      },
    });
    expect(res.response.status, JSON.stringify(res.error)).toBe(201);
    const v1 = res.data!;
    expect(v1).toMatchObject({ jurisdiction: 'portland-or', name: 'Portland, Oregon', version: 1 });
    expect(v1.policy.allowedLegalBases).toEqual(['consent', 'exigent_circumstances', 'warrant']);
    expect(v1.policy.prohibitedPurposes).toEqual([
      { purpose: 'immigration_enforcement', terms: ['ICE', 'deportation'] },
      { purpose: 'protest_monitoring', terms: ['protest', 'rally'] },
    ]);
    // Anyone can recompute the hash with sha256sum over the canonical JSON.
    expect(v1.sha256).toBe(createHash('sha256').update(canonicalJson(v1.policy)).digest('hex'));
    const events = await eventsAfter(t, since);
    expect(events.map((e) => e.type)).toEqual(['policy.published']);
  });

  it('appends version 2 with a reason and keeps version 1 readable, unchanged', async () => {
    const res = await publish(admin, 'portland-or', {
      policy: { ...POLICY, maxWindowHours: 48 },
      reason: 'Council amendment: shorter windows',
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ version: 2, name: 'Portland, Oregon' });

    const visitor = new TestUser(t.app);
    const current = await visitor.api.GET('/api/jurisdictions/{slug}/policy', {
      params: { path: { slug: 'portland-or' } },
    });
    expect(current.data).toMatchObject({ version: 2, policy: { maxWindowHours: 48 } });
    const v1 = await visitor.api.GET('/api/jurisdictions/{slug}/policy', {
      params: { path: { slug: 'portland-or' }, query: { version: 1 } },
    });
    expect(v1.data).toMatchObject({ version: 1, policy: { maxWindowHours: 72 } });
    const history = await visitor.api.GET('/api/jurisdictions/{slug}/policies', {
      params: { path: { slug: 'portland-or' } },
    });
    expect(history.data!.items.map((v) => [v.version, v.reason])).toEqual([
      [2, 'Council amendment: shorter windows'],
      [1, 'Adopted by city council resolution 37712'],
    ]);
    const list = await visitor.api.GET('/api/jurisdictions');
    expect(list.data!.items).toEqual([
      expect.objectContaining({ slug: 'portland-or', currentVersion: 2, name: 'Portland, Oregon' }),
    ]);
  });

  it('refuses to edit or delete a published version, even from SQL', async () => {
    await expect(
      t.database.db.query(`UPDATE policy_versions SET reason = 'rewritten' WHERE version = 1`),
    ).rejects.toThrow(/append-only/);
    await expect(t.database.db.query(`DELETE FROM policy_versions`)).rejects.toThrow(/append-only/);
  });

  it('refuses a v1 policy (no version field), naming the version, and writes nothing', async () => {
    const since = await lastEventId(t);
    const res = await publish(admin, 'portland-or', {
      policy: POLICY_V1,
      reason: 'Back to the old rules',
    });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    const problem = res.json<{ code: string; errors: { field: string; message: string }[] }>();
    expect(problem.code).toBe('validation_failed');
    expect(problem.errors).toContainEqual(expect.objectContaining({ field: '/body/policy/version' }));
    expect(await eventsAfter(t, since)).toEqual([]);
    const current = await new TestUser(t.app).api.GET('/api/jurisdictions/{slug}/policy', {
      params: { path: { slug: 'portland-or' } },
    });
    expect(current.data!.version).toBe(2);
    // A caller inside the server (the demo, a script) meets the same rule.
    const viewer = { id: admin.id, role: 'admin' as const, displayName: 'Admin' };
    await expect(
      t.services.requestPolicies.publish(viewer, 'portland-or', {
        policy: { ...POLICY, version: 1 as 2 },
        boundary: BOUNDARY,
        reason: 'Back to the old rules',
      }),
    ).rejects.toThrow(/\/body\/policy\/version: must be 2/);
  });

  it('still serves a v1 version published before v2, and a v2 version may follow it', async () => {
    const v1 = { ...POLICY_V1, eligibleAgencyJurisdictions: ['gresham-or', 'portland-or'] };
    await storeV1Version(t, 'gresham-or', admin.id, v1);
    const visitor = new TestUser(t.app);
    const old = await visitor.api.GET('/api/jurisdictions/{slug}/policy', {
      params: { path: { slug: 'gresham-or' } },
    });
    expect(old.data).toMatchObject({ version: 1, policy: v1, boundary: null, boundarySha256: null });
    expect(old.data!.sha256).toBe(policyDigest(v1));

    const res = await publish(admin, 'gresham-or', {
      policy: { ...POLICY, eligibleAgencyJurisdictions: ['gresham-or', 'portland-or'] },
      reason: 'Council adopts the v2 rules',
    });
    expect(res.statusCode, res.body).toBe(201);
    const history = await visitor.api.GET('/api/jurisdictions/{slug}/policies', {
      params: { path: { slug: 'gresham-or' } },
    });
    expect(history.data!.items.map((v) => [v.version, 'version' in v.policy])).toEqual([
      [2, true],
      [1, false],
    ]);
  });
});

/** Who published salem-or's `Draft <i>`, by i. */
const salemAdmins: number[] = [];

describe('concurrent publishing', () => {
  it('gives simultaneous versions of a new jurisdiction consecutive numbers, none lost', async () => {
    const admins = await Promise.all([1, 2, 3, 4].map(() => makeUser(t, { role: 'admin', home: null })));
    salemAdmins.push(...admins.map((a) => a.id));
    const results = await Promise.all(
      admins.map((a, i) =>
        publish(a, 'salem-or', {
          name: 'Salem, Oregon',
          policy: { ...POLICY, maxWindowHours: 10 + i, eligibleAgencyJurisdictions: ['salem-or'] },
          reason: `Draft ${i}`,
        }),
      ),
    );
    expect(results.map((r) => r.statusCode)).toEqual([201, 201, 201, 201]);
    expect(results.map((r) => r.json<{ version: number }>().version).sort()).toEqual([1, 2, 3, 4]);
    const history = await new TestUser(t.app).api.GET('/api/jurisdictions/{slug}/policies', {
      params: { path: { slug: 'salem-or' } },
    });
    expect(history.data!.items.map((v) => v.version)).toEqual([4, 3, 2, 1]);
  });
});

describe('who may publish', () => {
  it.each(['resident', 'agency', 'moderator'] as const)(
    'a %s gets 403 and nothing is written',
    async (role) => {
      const user = await makeUser(t, { role });
      const since = await lastEventId(t);
      const res = await publish(user, 'portland-or', { policy: POLICY, reason: 'Let me in' });
      expect(res.statusCode).toBe(403);
      expect(res.json()).toMatchObject({ code: 'forbidden' });
      expect(await eventsAfter(t, since)).toEqual([]);
      const current = await new TestUser(t.app).api.GET('/api/jurisdictions/{slug}/policy', {
        params: { path: { slug: 'portland-or' } },
      });
      expect(current.data!.version).toBe(2);
    },
  );

  it('a visitor without an account gets 401; without the CSRF token, 403', async () => {
    const visitor = await new TestUser(t.app).begin();
    const res = await publish(visitor, 'portland-or', { policy: POLICY, reason: 'Let me in' });
    expect(res.statusCode).toBe(401);
    const forged = await admin.raw(
      'POST',
      '/api/admin/jurisdictions/portland-or/policies',
      {
        policy: POLICY,
        reason: 'forged',
      },
      { 'x-csrf-token': 'nope' },
    );
    expect(forged.statusCode).toBe(403);
    expect(forged.json()).toMatchObject({ code: 'csrf_failed' });
  });
});

describe('bad policies are refused with the field named, and nothing is written', () => {
  const cases: [string, string, Record<string, unknown>, string][] = [
    ['a fractional area', 'portland-or', { policy: { ...POLICY, maxAreaM2: 1.5 } }, '/body/policy/maxAreaM2'],
    [
      'a zero window',
      'portland-or',
      { policy: { ...POLICY, maxWindowHours: 0 } },
      '/body/policy/maxWindowHours',
    ],
    [
      'a string number',
      'portland-or',
      { policy: { ...POLICY, maxRequestsPerCase: '3' } },
      '/body/policy/maxRequestsPerCase',
    ],
    [
      'an unknown rule',
      'portland-or',
      { policy: { ...POLICY, faceSearch: true } },
      '/body/policy/faceSearch',
    ],
    [
      'a missing rule',
      'portland-or',
      { policy: { ...POLICY, caseNumberRequired: undefined } },
      '/body/policy/caseNumberRequired',
    ],
    [
      'a purpose with spaces',
      'portland-or',
      { policy: { ...POLICY, prohibitedPurposes: [{ purpose: 'Protest monitoring', terms: ['protest'] }] } },
      '/body/policy/prohibitedPurposes/0/purpose',
    ],
    [
      'an offense category outside the vocabulary',
      'portland-or',
      { policy: { ...POLICY, offenseCategories: ['jaywalking'] } },
      '/body/policy/offenseCategories/0',
    ],
    [
      'a v1 policy',
      'portland-or',
      { policy: { ...POLICY_V1, eligibleAgencyJurisdictions: ['portland-or'] } },
      '/body/policy/version',
    ],
    [
      'a required basis with none allowed',
      'portland-or',
      { policy: { ...POLICY, allowedLegalBases: [] } },
      '/body/policy/allowedLegalBases',
    ],
    [
      'no eligible jurisdiction',
      'portland-or',
      { policy: { ...POLICY, eligibleAgencyJurisdictions: [] } },
      '/body/policy/eligibleAgencyJurisdictions',
    ],
    [
      'an unknown eligible jurisdiction',
      'portland-or',
      { policy: { ...POLICY, eligibleAgencyJurisdictions: ['portland-or', 'atlantis'] } },
      '/body/policy/eligibleAgencyJurisdictions/1',
    ],
    [
      'a retention of 10 years and a day',
      'portland-or',
      { policy: { ...POLICY, disclosureRetentionDays: 3651 } },
      '/body/policy/disclosureRetentionDays',
    ],
    [
      'a first version without a name',
      'eugene-or',
      { policy: { ...POLICY, eligibleAgencyJurisdictions: ['eugene-or'] } },
      '/body/name',
    ],
    ['a blank reason', 'portland-or', { policy: POLICY, reason: '   ' }, '/body/reason'],
  ];

  it.each(cases)('%s', async (_label, slug, body, field) => {
    const since = await lastEventId(t);
    const res = await publish(admin, slug, { reason: 'Testing bad input', ...body });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    const problem = res.json<{ code: string; errors: { field: string }[] }>();
    expect(problem.code).toBe('validation_failed');
    expect(problem.errors.map((e) => e.field)).toContain(field);
    expect(await eventsAfter(t, since)).toEqual([]);
  });

  it('a slug that is not one is a 400 naming the parameter', async () => {
    const res = await publish(admin, 'Portland%20OR', { policy: POLICY, reason: 'x y z', name: 'P' });
    expect(res.statusCode).toBe(400);
    expect(res.json<{ errors: { field: string }[] }>().errors[0]!.field).toBe('/params/slug');
  });

  it('unknown jurisdictions and versions are 404 problems', async () => {
    const visitor = new TestUser(t.app);
    for (const url of [
      '/api/jurisdictions/atlantis/policy',
      '/api/jurisdictions/atlantis/policies',
      '/api/jurisdictions/portland-or/policy?version=99',
    ]) {
      const res = await visitor.raw('GET', url);
      expect(res.statusCode, url).toBe(404);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
  });
});

describe('the log', () => {
  it('has exactly one policy.changed entry per version, carrying the policy and its hash', async () => {
    await t.services.transparency.sequenceNow();
    const log = await auditLog(t.app);
    const changes = log.entries.filter(
      (e): e is Extract<Entry, { type: 'policy.changed' }> => e.type === 'policy.changed',
    );
    const versions = changes.map((e) => `${e.data.jurisdiction}@${e.data.version}`);
    expect(versions.filter((v) => !v.startsWith('salem-or'))).toEqual([
      'portland-or@1',
      'portland-or@2',
      'gresham-or@2',
    ]);
    // Concurrent versions are logged in the order they were numbered.
    expect(versions.filter((v) => v.startsWith('salem-or'))).toEqual([
      'salem-or@1',
      'salem-or@2',
      'salem-or@3',
      'salem-or@4',
    ]);
    const visitor = new TestUser(t.app);
    for (const e of changes) {
      const served = await visitor.api.GET('/api/jurisdictions/{slug}/policy', {
        params: { path: { slug: e.data.jurisdiction }, query: { version: e.data.version } },
      });
      expect(e.data.policy).toEqual(served.data!.policy);
      expect(e.data.sha256).toBe(served.data!.sha256);
      expect(e.data.sha256).toBe(policyDigest(e.data.policy));
      const draft = /^Draft (\d)$/.exec(e.data.reason)?.[1];
      expect(e.data.admin).toBe(draft === undefined ? admin.id : salemAdmins[Number(draft)]);
      expect(e.data.reason).toBe(served.data!.reason);
    }
  });
});
