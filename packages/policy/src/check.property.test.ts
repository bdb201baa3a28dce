/**
 * The checker against a reference written the simplest way: requests whose areas and boundaries are lon/lat
 * rectangles (exact spherical area, containment by comparing bounds), windows built from whole hours, and
 * each rule restated from its definition; then the area rules alone for random non-convex polygons against a
 * U-shaped (non-convex) jurisdiction, with area from an equal-area projection and containment by sampling.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkRequest, type RuleId } from './check.js';
import { DEFAULT_POLICY, type RequestPolicyV2 } from './request-policy.js';
import type { Polygon, Position } from './geometry.js';
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

  it('applies the area rules to any polygon: size by equal-area projection, inside a non-convex boundary', () => {
    // The jurisdiction: the rectangle -122.9..-122.4 × 45.2..45.7 with a notch cut down from its north edge
    // (-122.7..-122.6 × 45.45..45.7), so a request can have every corner inside and still cross the notch.
    const notch = { w: -122.7, e: -122.6, s: 45.45 };
    const uShape: Polygon = {
      type: 'Polygon',
      coordinates: [
        [
          [-122.9, 45.2],
          [-122.4, 45.2],
          [-122.4, 45.7],
          [notch.e, 45.7],
          [notch.e, notch.s],
          [notch.w, notch.s],
          [notch.w, 45.7],
          [-122.9, 45.7],
          [-122.9, 45.2],
        ],
      ],
    };
    // A star-shaped polygon: corners at increasing angles around a centre, each at its own distance, so it
    // never crosses itself but is often non-convex.
    const starArb = fc.record({
      lon: fc.double({ min: -123.0, max: -122.3, noNaN: true }),
      lat: fc.double({ min: 45.1, max: 45.8, noNaN: true }),
      radii: fc.array(fc.double({ min: 0.0005, max: 0.08, noNaN: true }), { minLength: 3, maxLength: 12 }),
      turn: fc.double({ min: 0, max: 2 * Math.PI, noNaN: true }),
      // The largest allowed area, as a multiple of the drawn one: near 1, so any error in the size shows.
      limit: fc.double({ min: 0.99, max: 1.01, noNaN: true }),
    });
    fc.assert(
      fc.property(starArb, (q) => {
        const ring: Position[] = q.radii.map((r, i) => {
          const a = q.turn + (2 * Math.PI * i) / q.radii.length;
          return [q.lon + r * Math.cos(a), q.lat + r * 0.7 * Math.sin(a)];
        });
        ring.push(ring[0]!);
        const area: Polygon = { type: 'Polygon', coordinates: [ring] };
        // Lambert cylindrical equal-area: x = R·λ, y = R·sin φ; the shoelace there is the spherical area of a
        // ring whose edges are straight on the lon/lat plane, which is what a drawn map polygon is.
        let twice = 0;
        for (let i = 0; i + 1 < ring.length; i++) {
          const [x1, y1] = [R * rad(ring[i]![0]), R * Math.sin(rad(ring[i]![1]))];
          const [x2, y2] = [R * rad(ring[i + 1]![0]), R * Math.sin(rad(ring[i + 1]![1]))];
          twice += x1 * y2 - x2 * y1;
        }
        const areaM2 = Math.abs(twice) / 2;
        // Inside iff every point of every edge is in the outer rectangle and none is in the notch. Edges are
        // sampled finely; a sample within 1e-6° of the border is too close to call, so the case is skipped.
        const EPS = 1e-6;
        let inside = true;
        for (let i = 0; i + 1 < ring.length; i++) {
          for (let k = 0; k <= 400; k++) {
            const t = k / 400;
            const x = ring[i]![0] + t * (ring[i + 1]![0] - ring[i]![0]);
            const y = ring[i]![1] + t * (ring[i + 1]![1] - ring[i]![1]);
            const near = (v: number, edge: number) => Math.abs(v - edge) < EPS;
            if ([-122.9, -122.4, notch.w, notch.e].some((e) => near(x, e))) return;
            if ([45.2, 45.7, notch.s].some((e) => near(y, e))) return;
            const inOuter = x > -122.9 && x < -122.4 && y > 45.2 && y < 45.7;
            const inNotch = x > notch.w && x < notch.e && y > notch.s;
            if (!inOuter || inNotch) inside = false;
          }
        }
        const minAreaM2 = 1;
        const policy: RequestPolicyV2 = {
          ...DEFAULT_POLICY,
          minAreaM2,
          maxAreaM2: areaM2 * q.limit,
          eligibleAgencyJurisdictions: ['portland-or'],
        };
        if (Math.abs(q.limit - 1) < 1e-6) return;
        const got = checkRequest({
          policy,
          policyVersion: 1,
          agencyJurisdiction: 'portland-or',
          draft: draft({ area, windowStart: '2026-06-14T20:00:00Z', windowEnd: '2026-06-14T22:00:00Z' }),
          now: NOW,
          boundary: uShape,
        });
        const areaRules = new Set(got.map((v) => v.rule).filter((r) => r.startsWith('area_')));
        const expected = new Set<RuleId>();
        if (q.limit < 1) expected.add('area_too_large');
        if (!inside) expected.add('area_outside_jurisdiction');
        expect(areaRules).toEqual(expected);
      }),
      { numRuns: 1500 },
    );
  });
});
