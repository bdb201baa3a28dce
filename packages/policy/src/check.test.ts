import { describe, expect, it } from 'vitest';
import { checkRequest, narrativeMentions, RULE_IDS, type CheckInput, type RuleId } from './check.js';
import type { RequestPolicyV1 } from './request-policy.js';
import { draft, NOW, POLICY, PORTLAND, rect, rectM } from './test-fixtures.js';

const BOUNDARY = rectM(PORTLAND, 20_000, 20_000);

const input = (over: Partial<CheckInput> = {}): CheckInput => ({
  policy: POLICY,
  policyVersion: 4,
  agencyJurisdiction: 'portland-or',
  draft: draft(),
  now: NOW,
  counts: { requestsForCase: 0, requestsThisMonth: 0 },
  boundary: BOUNDARY,
  ...over,
});

const rules = (over: Partial<CheckInput>) => checkRequest(input(over)).map((v) => v.rule);

describe('checkRequest', () => {
  it('passes a draft that keeps every rule', () => {
    expect(checkRequest(input())).toEqual([]);
  });

  // Each rule alone: the draft breaks exactly that rule, and the violation names it and the policy version.
  const alone: [RuleId, Partial<CheckInput>][] = [
    ['area_too_small', { draft: draft({ area: rectM(PORTLAND, 100, 100) }) }],
    ['area_too_large', { draft: draft({ area: rectM(PORTLAND, 3000, 3000) }) }],
    ['area_outside_jurisdiction', { draft: draft({ area: rectM([-122.5, 45.3], 400, 400) }) }],
    ['window_invalid', { draft: draft({ windowEnd: '2026-06-14T19:00:00Z' }) }],
    ['window_invalid', { draft: draft({ windowStart: 'yesterday' }) }],
    ['window_too_long', { draft: draft({ windowStart: '2026-06-11T05:00:00Z' }) }],
    ['window_in_future', { draft: draft({ windowEnd: '2026-06-15T13:00:00Z' }) }],
    [
      'footage_too_old',
      { draft: draft({ windowStart: '2026-05-14T00:00:00Z', windowEnd: '2026-05-15T00:00:00Z' }) },
    ],
    ['case_number_required', { draft: draft({ caseNumber: '  ' }) }],
    ['legal_basis_required', { draft: draft({ legalBasis: null }) }],
    [
      'legal_basis_not_allowed',
      { policy: { ...POLICY, allowedLegalBases: ['warrant'] }, draft: draft({ legalBasis: 'consent' }) },
    ],
    ['offense_category_not_allowed', { draft: draft({ offenseCategory: 'loitering' }) }],
    ['offense_category_not_allowed', { policy: { ...POLICY, offenseCategories: ['homicide'] } }],
    ['requests_per_case', { counts: { requestsForCase: 3, requestsThisMonth: 0 } }],
    ['monthly_cap', { counts: { requestsForCase: 0, requestsThisMonth: 50 } }],
    [
      'prohibited_purpose',
      { draft: draft({ narrative: `${draft().narrative} Suspects were seen at the protest.` }) },
    ],
    [
      'exigent_not_allowed',
      { policy: { ...POLICY, exigentAllowed: false }, draft: draft({ exigent: true }) },
    ],
    ['agency_not_eligible', { agencyJurisdiction: 'gresham-or' }],
  ];
  it.each(alone)('refuses %s alone', (rule, over) => {
    const violations = checkRequest(input(over));
    expect(violations.map((v) => v.rule)).toEqual([rule]);
    expect(violations[0]!.policyVersion).toBe(4);
    expect(violations[0]!.message.length).toBeGreaterThan(10);
  });

  it('covers every rule id in the table above', () => {
    expect(new Set(alone.map(([r]) => r))).toEqual(new Set(RULE_IDS));
  });

  it('names every broken rule at once, in a stable order', () => {
    const all = checkRequest({
      policy: { ...POLICY, exigentAllowed: false, allowedLegalBases: ['warrant'] },
      policyVersion: 7,
      agencyJurisdiction: 'gresham-or',
      now: NOW,
      counts: { requestsForCase: 9, requestsThisMonth: 99 },
      boundary: BOUNDARY,
      draft: draft({
        area: rectM([-122.9, 45.52], 50, 50),
        caseNumber: '',
        legalBasis: 'consent',
        offenseCategory: 'loitering',
        narrative: 'Looking for people at the immigration rally who may have been undocumented visitors.',
        windowStart: '2026-04-01T00:00:00Z',
        windowEnd: '2026-06-16T00:00:00Z',
        exigent: true,
      }),
    });
    expect(all.map((v) => v.rule)).toEqual([
      'area_too_small',
      'area_outside_jurisdiction',
      'window_too_long',
      'window_in_future',
      'footage_too_old',
      'case_number_required',
      'legal_basis_not_allowed',
      'offense_category_not_allowed',
      'requests_per_case',
      'monthly_cap',
      'prohibited_purpose',
      'prohibited_purpose',
      'exigent_not_allowed',
      'agency_not_eligible',
    ]);
    expect(all.every((v) => v.policyVersion === 7)).toBe(true);
    expect(all.find((v) => v.rule === 'prohibited_purpose')!.message).toContain('rally');
  });

  it('skips the count rules when the caller (the web form) has no counts', () => {
    expect(rules({ counts: undefined })).toEqual([]);
  });

  it('skips the jurisdiction boundary when none is given', () => {
    expect(rules({ boundary: null, draft: draft({ area: rectM([-122.5, 45.3], 400, 400) }) })).toEqual([]);
  });

  it('accepts a window exactly at the limits: maxWindowHours long, ending now, starting maxFootageAgeDays ago', () => {
    const longest = draft({ windowStart: '2026-06-12T12:00:00Z', windowEnd: '2026-06-15T12:00:00Z' });
    expect(rules({ draft: longest })).toEqual([]);
    const oldest = draft({ windowStart: '2026-05-16T12:00:00Z', windowEnd: '2026-05-16T13:00:00Z' });
    expect(rules({ draft: oldest })).toEqual([]);
  });

  it('applies a v1 policy by the rules it published only', () => {
    const v1: RequestPolicyV1 = {
      maxAreaM2: 2_000_000,
      maxWindowHours: 72,
      caseNumberRequired: true,
      legalBasisRequired: true,
      allowedLegalBases: ['consent', 'warrant'],
      prohibitedPurposes: ['immigration_enforcement', 'protest_monitoring'],
      maxRequestsPerCase: 3,
      eligibleAgencyJurisdictions: ['portland-or'],
      disclosureRetentionDays: 90,
    };
    // A tiny area, old footage and 10,000 requests this month break no v1 rule.
    const tiny = draft({
      area: rectM(PORTLAND, 20, 20),
      windowStart: '2025-01-01T00:00:00Z',
      windowEnd: '2025-01-01T02:00:00Z',
    });
    expect(
      rules({ policy: v1, draft: tiny, counts: { requestsForCase: 0, requestsThisMonth: 10_000 } }),
    ).toEqual([]);
    // Its prohibited purposes still refuse, by their own words.
    const protest = draft({ narrative: `${draft().narrative} Part of our protest monitoring work.` });
    expect(rules({ policy: v1, draft: protest })).toEqual(['prohibited_purpose']);
  });

  it('refuses an area across the boundary edge, not only one wholly outside it', () => {
    const [w, s, e] = [
      BOUNDARY.coordinates[0]![0]![0],
      BOUNDARY.coordinates[0]![0]![1],
      BOUNDARY.coordinates[0]![1]![0],
    ];
    const straddling = rect(e - 0.002, s + 0.01, e + 0.002, s + 0.014);
    expect(w).toBeLessThan(e);
    expect(rules({ draft: draft({ area: straddling }) })).toEqual(['area_outside_jurisdiction']);
  });
});

describe('narrativeMentions', () => {
  it.each([
    ['Seen near the protest on Main St.', 'protest', true],
    ['Two PROTESTERS were assaulted.', 'protest', true],
    ['They were protesting the closure.', 'protest', true],
    ['Coordinating with ICE agents.', 'ICE', true],
    ['Black ice on the road caused the crash.', 'ICE', false],
    ['The police report lists the vehicle.', 'ICE', false],
    ['Her visa  status is unknown.', 'visa status', true],
    ['The clinic offers gender affirming care.', 'gender-affirming', true],
    ['A reproductive health clinic was vandalised.', 'reproductive', true],
    ['Neighbours were rallying outside.', 'rally', true],
    ['A burglary on 3 March.', 'protest', false],
  ])('%j mentions %s: %s', (text, term, expected) => {
    expect(narrativeMentions(text, term)).toBe(expected);
  });
});
