import { DEFAULT_POLICY } from '@porchlight/policy';
import { describe, expect, it } from 'vitest';
import type { PolicyVersion } from '../api/transparency';
import type { Corner } from './area';
import { emptyForm, toDraft, type RequestForm } from './draft';
import { areaOf, liveViolations } from './liveCheck';

const NOW = new Date('2026-03-04T10:25:00Z');

/** A square of about `sideM` metres around central Portland, as the form's corners. */
function square(sideM: number): Corner[] {
  const [lng, lat] = [-122.6784, 45.5152];
  const dLat = sideM / 2 / 111_320;
  const dLng = dLat / Math.cos((lat * Math.PI) / 180);
  return [
    [lng - dLng, lat - dLat],
    [lng + dLng, lat - dLat],
    [lng + dLng, lat + dLat],
    [lng - dLng, lat + dLat],
  ];
}

const version = (boundary: unknown = null): PolicyVersion =>
  ({
    version: 4,
    policy: { ...DEFAULT_POLICY, eligibleAgencyJurisdictions: ['portland-or'] },
    boundary,
  }) as unknown as PolicyVersion;

const form = (over: Partial<RequestForm>): RequestForm => ({
  ...emptyForm(NOW),
  caseNumber: 'PPB-1',
  offenseCategory: 'burglary',
  legalBasis: 'warrant',
  investigatorName: 'Det. A',
  investigatorContact: 'a@example.org',
  narrative: 'Residential burglary; two people left on foot carrying a television.',
  corners: square(400),
  ...over,
});

const rules = (f: RequestForm, boundary?: unknown) => {
  const result = toDraft(f);
  if (!('draft' in result)) throw new Error('incomplete form');
  return liveViolations(version(boundary), 'portland-or', result.draft, NOW).map((v) => v.rule);
};

describe('the request form’s live policy check', () => {
  it('passes a request that keeps every rule, and measures its area', () => {
    expect(rules(form({}))).toEqual([]);
    expect(areaOf(square(400))).toBeGreaterThan(150_000);
    expect(areaOf(square(400).slice(0, 2))).toBeNull();
  });

  it('names every rule the drawn and typed request breaks, with the policy version', () => {
    const result = toDraft(
      form({
        corners: square(60),
        narrative: 'Looking for someone at the protest outside the immigration office on Friday.',
        caseNumber: '',
      }),
    );
    if (!('draft' in result)) throw new Error('incomplete form');
    const found = liveViolations(version(), 'portland-or', result.draft, NOW);
    // Two prohibited purposes are named, one violation each, so the member sees both.
    expect(found.map((v) => v.rule).sort()).toEqual([
      'area_too_small',
      'case_number_required',
      'prohibited_purpose',
      'prohibited_purpose',
    ]);
    const purposes = found.filter((v) => v.rule === 'prohibited_purpose').map((v) => v.message);
    expect(purposes.join(' ')).toMatch(/protest/);
    expect(purposes.join(' ')).toMatch(/immigration/);
    expect(new Set(found.map((v) => v.policyVersion))).toEqual(new Set([4]));
  });

  it('checks the area against the published boundary', () => {
    const far: GeoJSON.Polygon = {
      type: 'Polygon',
      coordinates: [
        [
          [-73.99, 40.7],
          [-73.98, 40.7],
          [-73.98, 40.71],
          [-73.99, 40.71],
          [-73.99, 40.7],
        ],
      ],
    };
    expect(rules(form({}), far)).toEqual(['area_outside_jurisdiction']);
  });

  it('leaves the count rules to the server, which alone knows them', () => {
    // However many requests the agency filed, the browser cannot know; it does not guess.
    expect(rules(form({}))).not.toContain('requests_per_case');
    expect(rules(form({}))).not.toContain('monthly_cap');
  });
});
