/**
 * The checker against a reference written the simplest way: requests whose areas and boundaries are lon/lat
 * rectangles (exact spherical area, containment by comparing bounds), windows built from whole hours, and
 * each rule restated from its definition.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkRequest, type RuleId } from './check.js';
import { DEFAULT_POLICY, type RequestPolicyV2 } from './request-policy.js';
import { draft, NOW, rect } from './test-fixtures.js';
import { LEGAL_BASES, OFFENSE_CATEGORIES } from './vocabulary.js';

const R = 6_378_137;
const rad = (d: number) => (d * Math.PI) / 180;
const HOUR = 3_600_000;

const policyArb = fc.record({
  minAreaM2: fc.integer({ min: 1, max: 2_000_000 }),
  extraAreaM2: fc.integer({ min: 0, max: 20_000_000 }),
  maxWindowHours: fc.integer({ min: 1, max: 200 }),
  maxFootageAgeDays: fc.integer({ min: 1, max: 60 }),
  monthlyRequestCap: fc.integer({ min: 1, max: 60 }),
  maxRequestsPerCase: fc.integer({ min: 1, max: 5 }),
  caseNumberRequired: fc.boolean(),
  legalBasisRequired: fc.boolean(),
  allowedLegalBases: fc.subarray([...LEGAL_BASES], { minLength: 1 }),
  offenseCategories: fc.subarray([...OFFENSE_CATEGORIES], { minLength: 1 }),
  exigentAllowed: fc.boolean(),
});

const requestArb = fc.record({
  // The request area: a rectangle of 0.0005°–0.06° sides somewhere around Portland.
  west: fc.integer({ min: -1300, max: -1200 }),
  south: fc.integer({ min: 4500, max: 4600 }),
  width: fc.integer({ min: 1, max: 120 }),
  height: fc.integer({ min: 1, max: 120 }),
  // Hours before NOW the window starts and ends (negative: in the future).
  startHoursAgo: fc.integer({ min: -5, max: 24 * 70 }),
  lengthHours: fc.integer({ min: -3, max: 250 }),
  caseNumber: fc.constantFrom('', ' ', 'PPB-1'),
  legalBasis: fc.constantFrom(null, '', 'bribery', ...LEGAL_BASES),
  offenseCategory: fc.constantFrom('loitering', ...OFFENSE_CATEGORIES),
  trigger: fc.constantFrom('', 'protest', 'ICE', 'ice', 'abortion', 'police'),
  exigent: fc.boolean(),
  agencyJurisdiction: fc.constantFrom('portland-or', 'gresham-or'),
  requestsForCase: fc.integer({ min: 0, max: 6 }),
  requestsThisMonth: fc.integer({ min: 0, max: 70 }),
});

/** Boundary: the rectangle -122.9..-122.4 × 45.2..45.7 (units of 0.0005° below). */
const BOUNDARY = rect(-122.9, 45.2, -122.4, 45.7);
const U = 0.0005;

describe('checkRequest against a reference', () => {
  it('names exactly the rules the reference says are broken', () => {
    fc.assert(
      fc.property(policyArb, requestArb, (p, q) => {
        const policy: RequestPolicyV2 = {
          ...DEFAULT_POLICY,
          minAreaM2: p.minAreaM2,
          maxAreaM2: p.minAreaM2 + p.extraAreaM2,
          maxWindowHours: p.maxWindowHours,
          maxFootageAgeDays: p.maxFootageAgeDays,
          monthlyRequestCap: p.monthlyRequestCap,
          maxRequestsPerCase: p.maxRequestsPerCase,
          caseNumberRequired: p.caseNumberRequired,
          legalBasisRequired: p.legalBasisRequired,
          allowedLegalBases: p.allowedLegalBases,
          offenseCategories: p.offenseCategories,
          exigentAllowed: p.exigentAllowed,
          eligibleAgencyJurisdictions: ['portland-or'],
        };
        const [w, s] = [q.west / 10, q.south / 100];
        const [e, n] = [w + q.width * U, s + q.height * U];
        const start = NOW.getTime() - q.startHoursAgo * HOUR;
        const end = start + q.lengthHours * HOUR;
        const narrative = `A car was broken into overnight near the corner store ${q.trigger} and a bag taken.`;
        const d = draft({
          area: rect(w, s, e, n),
          windowStart: new Date(start).toISOString(),
          windowEnd: new Date(end).toISOString(),
          caseNumber: q.caseNumber,
          legalBasis: q.legalBasis,
          offenseCategory: q.offenseCategory,
          narrative,
          exigent: q.exigent,
        });

        const expected = new Set<RuleId>();
        const area = R * R * rad(e - w) * (Math.sin(rad(n)) - Math.sin(rad(s)));
        if (area < policy.minAreaM2) expected.add('area_too_small');
        if (area > policy.maxAreaM2) expected.add('area_too_large');
        if (!(w >= -122.9 && e <= -122.4 && s >= 45.2 && n <= 45.7))
          expected.add('area_outside_jurisdiction');
        if (q.lengthHours <= 0) expected.add('window_invalid');
        else {
          if (q.lengthHours > policy.maxWindowHours) expected.add('window_too_long');
          if (end > NOW.getTime()) expected.add('window_in_future');
          if (q.startHoursAgo > policy.maxFootageAgeDays * 24) expected.add('footage_too_old');
        }
        if (policy.caseNumberRequired && q.caseNumber.trim() === '') expected.add('case_number_required');
        if (!q.legalBasis) {
          if (policy.legalBasisRequired) expected.add('legal_basis_required');
        } else if (!(policy.allowedLegalBases as string[]).includes(q.legalBasis))
          expected.add('legal_basis_not_allowed');
        if (!(policy.offenseCategories as string[]).includes(q.offenseCategory))
          expected.add('offense_category_not_allowed');
        if (q.requestsForCase >= policy.maxRequestsPerCase) expected.add('requests_per_case');
        if (q.requestsThisMonth >= policy.monthlyRequestCap) expected.add('monthly_cap');
        if (['protest', 'ICE', 'abortion'].includes(q.trigger)) expected.add('prohibited_purpose');
        if (q.exigent && !policy.exigentAllowed) expected.add('exigent_not_allowed');
        if (q.agencyJurisdiction !== 'portland-or') expected.add('agency_not_eligible');

        const got = checkRequest({
          policy,
          policyVersion: 3,
          agencyJurisdiction: q.agencyJurisdiction,
          draft: d,
          now: NOW,
          counts: { requestsForCase: q.requestsForCase, requestsThisMonth: q.requestsThisMonth },
          boundary: BOUNDARY,
        });
        // The reference's area is exact; cases within a square metre of a limit are rounding, not rules.
        if (Math.abs(area - policy.minAreaM2) < 1 || Math.abs(area - policy.maxAreaM2) < 1) return;
        expect(new Set(got.map((v) => v.rule))).toEqual(expected);
        expect(got.every((v) => v.policyVersion === 3)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});
