import { OFFENSE_CATEGORIES, RULE_IDS } from '@porchlight/policy';
import { validateEntry } from '@porchlight/tlog';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entryForEvent, type OutboxEvent } from '../src/modules/transparency/transparency.entries.js';
import { startTestApp, type TestApp } from './support/app.js';
import type { TestUser } from './support/client.js';
import { eventsAfter, lastEventId, makeUser } from './support/factories.js';
import { publishRequestPolicy, requestPolicy } from './support/request-policy.js';
import { HOME, makeAgency, offsetMeters, square, validDraft } from './support/requests.js';

/**
 * G4: a request that breaks its jurisdiction's policy is refused (422 `request_refused`) naming every rule
 * it breaks, and the refusal is logged (`request.refused`: rules, category, size, window — no narrative, no
 * area) in the same transaction; nothing is published and nobody is reached.
 */
let t: TestApp;
let admin: TestUser;
let officer: TestUser;
const HOUR = 3_600_000;
const now = () => new Date();

beforeAll(async () => {
  t = await startTestApp();
  admin = await makeUser(t, { role: 'admin' });
  await publishRequestPolicy(
    t,
    admin,
    'portland-or',
    requestPolicy('portland-or', {
      allowedLegalBases: ['consent', 'court_order', 'exigent_circumstances', 'warrant'],
      offenseCategories: OFFENSE_CATEGORIES.filter((c) => c !== 'drug_offense'),
      maxRequestsPerCase: 2,
    }),
  );
  ({ member: officer } = await makeAgency(t, admin, 'portland-or'));
});
afterAll(() => t.close());

type Problem = { code: string; violations: { rule: string; policyVersion: number; message: string }[] };

async function expectRefused(member: TestUser, draft: object, rules: string[]) {
  const since = await lastEventId(t);
  const before = await t.database.db.query<{ n: number }>('SELECT count(*)::int AS n FROM footage_requests');
  const res = await member.raw('POST', '/api/requests', draft);
  expect(res.statusCode, res.body).toBe(422);
  expect(res.headers['content-type']).toContain('application/problem+json');
  const problem = res.json<Problem>();
  expect(problem.code).toBe('request_refused');
  expect(problem.violations.map((v) => v.rule).sort()).toEqual([...rules].sort());
  for (const v of problem.violations) expect(v.message.length).toBeGreaterThan(5);
  // The check endpoint says the same, and logs nothing.
  const check = await member.raw('POST', '/api/requests/check', draft);
  expect(check.statusCode, check.body).toBe(200);
  expect(check.json<Problem>().violations).toEqual(problem.violations);
  // Exactly one event, a valid log entry naming the rules, without the narrative or the polygon.
  const events = await eventsAfter(t, since);
  expect(events.map((e) => e.type)).toEqual(['request.refused']);
  const e = events[0]!;
  const entry = entryForEvent({
    id: e.id,
    type: e.type,
    actorId: e.actor_id,
    data: e.data,
    time: '2026-11-20T12:00:00Z',
  } as OutboxEvent<'request.refused'>);
  expect(validateEntry(entry)).toEqual([]);
  expect(entry.data).toMatchObject({ rules: [...new Set(rules)].sort() });
  const text = JSON.stringify(entry);
  expect(text).not.toContain('coordinates');
  expect(text).not.toContain((draft as { narrative: string }).narrative.slice(0, 30));
  const after = await t.database.db.query<{ n: number }>('SELECT count(*)::int AS n FROM footage_requests');
  expect(after.rows[0]!.n).toBe(before.rows[0]!.n);
  return problem;
}

const window = (startAgoH: number, endAgoH: number, at = now().getTime()) => ({
  windowStart: new Date(at - startAgoH * HOUR).toISOString(),
  windowEnd: new Date(at - endAgoH * HOUR).toISOString(),
});

describe('each rule alone', () => {
  it('accepts the baseline draft (so each case below breaks exactly its rule)', async () => {
    const res = await officer.raw('POST', '/api/requests/check', validDraft(now()));
    expect(res.json()).toMatchObject({ violations: [], jurisdiction: 'portland-or', policyVersion: 1 });
  });

  const cases: [string, () => object][] = [
    ['area_too_small', () => validDraft(now(), { area: square(HOME, 200) })],
    ['area_too_large', () => validDraft(now(), { area: square(HOME, 2_000) })],
    ['window_invalid', () => validDraft(now(), window(10, 10))],
    ['window_too_long', () => validDraft(now(), window(80, 2))],
    ['window_in_future', () => validDraft(now(), window(2, -1))],
    ['footage_too_old', () => validDraft(now(), window(31 * 24 + 2, 31 * 24))],
    ['case_number_required', () => validDraft(now(), { caseNumber: '' })],
    ['legal_basis_required', () => validDraft(now(), { legalBasis: '' })],
    ['legal_basis_not_allowed', () => validDraft(now(), { legalBasis: 'subpoena' })],
    ['offense_category_not_allowed', () => validDraft(now(), { offenseCategory: 'drug_offense' })],
    [
      'prohibited_purpose',
      () =>
        validDraft(now(), {
          narrative: 'Identify the people who attended the protest outside city hall on Saturday evening.',
        }),
    ],
  ];
  it.each(cases)('%s', async (rule, draft) => {
    await expectRefused(officer, draft(), [rule]);
  });

  it('requests_per_case: the third request of one case, with two published', async () => {
    const caseNumber = 'PPB-PER-CASE';
    for (let i = 0; i < 2; i++) {
      const ok = await officer.raw('POST', '/api/requests', validDraft(now(), { caseNumber }));
      expect(ok.statusCode, ok.body).toBe(201);
    }
    await expectRefused(officer, validDraft(now(), { caseNumber }), ['requests_per_case']);
  });

  it('monthly_cap: past the agency’s monthly cap', async () => {
    await publishRequestPolicy(t, admin, 'capped', requestPolicy('capped', { monthlyRequestCap: 1 }));
    const { member } = await makeAgency(t, admin, 'capped', 'Capped PD');
    expect((await member.raw('POST', '/api/requests', validDraft(now()))).statusCode).toBe(201);
    await expectRefused(member, validDraft(now()), ['monthly_cap']);
  });

  it('exigent_not_allowed: an exigent request where the policy allows none', async () => {
    await publishRequestPolicy(
      t,
      admin,
      'no-exigent',
      requestPolicy('no-exigent', { exigentAllowed: false }),
    );
    const { member } = await makeAgency(t, admin, 'no-exigent', 'Careful PD');
    await expectRefused(member, validDraft(now(), { exigent: true }), ['exigent_not_allowed']);
  });

  it('agency_not_eligible: the policy does not admit the agency’s jurisdiction', async () => {
    await publishRequestPolicy(t, admin, 'closed-j', requestPolicy('closed-j'));
    const { member } = await makeAgency(t, admin, 'closed-j', 'Closed PD');
    await publishRequestPolicy(
      t,
      admin,
      'closed-j',
      requestPolicy('closed-j', { eligibleAgencyJurisdictions: ['portland-or'] }),
    );
    const problem = await expectRefused(member, validDraft(now()), ['agency_not_eligible']);
    expect(problem.violations[0]!.policyVersion).toBe(2);
  });
});

describe('all together', () => {
  it('names every rule a draft breaks at once, in one refusal', async () => {
    const strict = requestPolicy('strict-j', { monthlyRequestCap: 1, maxRequestsPerCase: 1 });
    await publishRequestPolicy(t, admin, 'strict-j', strict);
    const { member } = await makeAgency(t, admin, 'strict-j', 'Strict PD');
    const first = await member.raw('POST', '/api/requests', validDraft(now(), { caseNumber: 'S-1' }));
    expect(first.statusCode, first.body).toBe(201);
    await publishRequestPolicy(
      t,
      admin,
      'strict-j',
      requestPolicy('strict-j', {
        monthlyRequestCap: 1,
        maxRequestsPerCase: 1,
        exigentAllowed: false,
        allowedLegalBases: ['warrant'],
        offenseCategories: ['burglary'],
        eligibleAgencyJurisdictions: ['portland-or'],
      }),
    );
    const draft = validDraft(now(), {
      caseNumber: 'S-1',
      legalBasis: 'consent',
      offenseCategory: 'vandalism',
      narrative: 'Looking for footage of the immigration raid and the protest that followed it downtown.',
      area: square(HOME, 2_000),
      ...window(40 * 24, -2),
      exigent: true,
    });
    const problem = await expectRefused(member, draft, [
      'area_too_large',
      'window_too_long',
      'window_in_future',
      'footage_too_old',
      'legal_basis_not_allowed',
      'offense_category_not_allowed',
      'requests_per_case',
      'monthly_cap',
      'prohibited_purpose',
      'prohibited_purpose',
      'exigent_not_allowed',
      'agency_not_eligible',
    ]);
    expect(problem.violations.every((v) => v.policyVersion === 2)).toBe(true);
    for (const v of problem.violations) expect(RULE_IDS).toContain(v.rule);
  });

  it('a bad draft is a 400 naming the field, not a refusal (and nothing is logged)', async () => {
    const since = await lastEventId(t);
    const res = await officer.raw('POST', '/api/requests', { ...validDraft(now()), narrative: 'too short' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'validation_failed', errors: [{ field: '/body/narrative' }] });
    const open = await officer.raw('POST', '/api/requests', {
      ...validDraft(now()),
      area: {
        type: 'Polygon',
        coordinates: [
          [
            [0, 0],
            [1, 1],
            [0, 1],
          ],
        ],
      },
    });
    expect(open.statusCode).toBe(400);
    expect(await eventsAfter(t, since)).toEqual([]);
  });
});

// Last: a boundary around HOME makes its jurisdiction's policy apply to every draft above.
describe('jurisdiction boundaries', () => {
  const EAST = offsetMeters(HOME, 0, 12_000);

  it('area_outside_jurisdiction: an area outside the agency’s boundary that no other boundary holds', async () => {
    await publishRequestPolicy(t, admin, 'bounded', requestPolicy('bounded'), square(HOME, 4_000));
    const { member } = await makeAgency(t, admin, 'bounded', 'Bounded PD');
    const inside = await member.raw('POST', '/api/requests/check', validDraft(now()));
    expect(inside.json()).toMatchObject({ violations: [], jurisdiction: 'bounded' });
    await expectRefused(member, validDraft(now(), { area: square(offsetMeters(HOME, 0, -12_000), 500) }), [
      'area_outside_jurisdiction',
    ]);
  });

  it('an area inside another jurisdiction’s boundary is checked under that jurisdiction’s policy', async () => {
    await publishRequestPolicy(t, admin, 'east-j', requestPolicy('east-j'), square(EAST, 4_000));
    const { member } = await makeAgency(t, admin, 'bounded', 'Bounded Sheriff');
    const draft = validDraft(now(), { area: square(EAST, 500) });
    const check = await member.raw('POST', '/api/requests/check', draft);
    expect(check.json()).toMatchObject({ jurisdiction: 'east-j' });
    const problem = await expectRefused(member, draft, ['agency_not_eligible']);
    expect(problem.violations[0]!.message).toContain('bounded');
    // Once east-j admits agencies of `bounded`, the same draft is published there.
    await publishRequestPolicy(
      t,
      admin,
      'east-j',
      requestPolicy('east-j', { eligibleAgencyJurisdictions: ['bounded', 'east-j'] }),
      square(EAST, 4_000),
    );
    const res = await member.raw('POST', '/api/requests', draft);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ jurisdiction: 'east-j', policy: { version: 2 } });
  });
});
