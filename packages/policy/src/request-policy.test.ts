import { describe, expect, it } from 'vitest';
import {
  DEFAULT_POLICY,
  policyRules,
  validateRequestPolicy,
  type RequestPolicyV1,
} from './request-policy.js';
import { POLICY } from './test-fixtures.js';

const V1: RequestPolicyV1 = {
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

describe('validateRequestPolicy', () => {
  it('accepts the default v2 policy (with eligible jurisdictions) and a v1 policy', () => {
    expect(validateRequestPolicy(POLICY)).toEqual([]);
    expect(validateRequestPolicy(V1)).toEqual([]);
  });

  it('has the defaults issue 8 names', () => {
    expect(DEFAULT_POLICY).toMatchObject({
      minAreaM2: 64_750,
      maxFootageAgeDays: 30,
      responseWindowDays: 7,
      monthlyRequestCap: 50,
      exigentAllowed: true,
      exigentJustificationHours: 48,
      legalHoldMaxDays: 365,
      nonDisclosureMaxDays: 90,
      disclosureRetentionDays: 90,
    });
    expect(DEFAULT_POLICY.prohibitedPurposes.map((p) => p.purpose)).toEqual([
      'first_amendment_activity',
      'immigration_enforcement',
      'reproductive_or_gender_care',
    ]);
  });

  it.each([
    [{ version: 3 }, 'version must be 2 (or absent, for a v1 policy)'],
    [{ minAreaM2: 0 }, 'minAreaM2 must be an integer from 1 to 10000000000'],
    [{ minAreaM2: 3_000_000 }, 'minAreaM2 must not be larger than maxAreaM2'],
    [{ offenseCategories: [] }, 'offenseCategories must be a list of 1 to 15 items'],
    [{ offenseCategories: ['burglary', 'arson'] }, 'offenseCategories must be sorted and without duplicates'],
    [
      { offenseCategories: ['jaywalking'] },
      'offenseCategories item 0 must be an offense category (see OFFENSE_CATEGORIES)',
    ],
    [
      { allowedLegalBases: ['hunch'] },
      'allowedLegalBases item 0 must be one of consent, court_order, exigent_circumstances, subpoena, warrant',
    ],
    [
      {
        prohibitedPurposes: [
          { purpose: 'b', terms: ['x'] },
          { purpose: 'a', terms: ['y'] },
        ],
      },
      'prohibitedPurposes must be sorted by purpose and without duplicates',
    ],
    [
      { prohibitedPurposes: [{ purpose: 'a', terms: [] }] },
      'prohibitedPurposes item 0.terms must be a list of 1 to 50 items',
    ],
    [
      { prohibitedPurposes: [{ purpose: 'a', terms: ['b', 'a'] }] },
      'prohibitedPurposes item 0.terms must be sorted and without duplicates',
    ],
    [
      { prohibitedPurposes: [{ purpose: 'a', terms: ['x'], note: 'n' }] },
      'prohibitedPurposes item 0 has unknown field note',
    ],
    [{ exigentAllowed: 'yes' }, 'exigentAllowed must be true or false'],
    [{ nonDisclosureMaxDays: 0 }, 'nonDisclosureMaxDays must be an integer from 1 to 3650'],
    [{ extra: 1 }, 'extra is not a policy field'],
  ])('refuses %j, naming the field', (change, problem) => {
    expect(validateRequestPolicy({ ...POLICY, ...change })).toEqual([problem]);
  });

  it('refuses a v2 policy missing a v2 field, and a v1 policy carrying one', () => {
    const missing: Record<string, unknown> = { ...POLICY };
    delete missing.monthlyRequestCap;
    expect(validateRequestPolicy(missing)).toEqual(['monthlyRequestCap must be an integer from 1 to 100000']);
    expect(validateRequestPolicy({ ...V1, minAreaM2: 5 })).toEqual(['minAreaM2 is not a policy field']);
  });
});

describe('policyRules', () => {
  it('returns a v2 policy as it is', () => {
    expect(policyRules(POLICY)).toBe(POLICY);
  });

  it('gives a v1 policy the most permissive value for every rule it did not publish', () => {
    const rules = policyRules(V1);
    expect(validateRequestPolicy(rules)).toEqual([]);
    expect(rules).toMatchObject({
      minAreaM2: 1,
      maxFootageAgeDays: 3650,
      monthlyRequestCap: 100_000,
      exigentAllowed: true,
    });
    expect(rules.prohibitedPurposes).toEqual([
      {
        purpose: 'immigration_enforcement',
        terms: [
          'CBP',
          'ICE',
          'border patrol',
          'deportation',
          'immigration',
          'immigration enforcement',
          'undocumented',
          'visa status',
        ],
      },
      { purpose: 'protest_monitoring', terms: ['protest monitoring'] },
    ]);
  });
});
