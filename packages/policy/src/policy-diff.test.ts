import { describe, expect, it } from 'vitest';
import { policyDiff } from './policy-diff.js';
import { DEFAULT_POLICY, type RequestPolicyV1, type RequestPolicyV2 } from './request-policy.js';

const base: RequestPolicyV2 = { ...DEFAULT_POLICY, eligibleAgencyJurisdictions: ['portland-or'] };

describe('policyDiff', () => {
  it('is empty for the same rules', () => {
    expect(policyDiff(base, { ...base })).toEqual([]);
  });

  it('names each changed rule with old and new values, and list items added and removed', () => {
    const next: RequestPolicyV2 = {
      ...base,
      maxWindowHours: 48,
      exigentAllowed: false,
      allowedLegalBases: base.allowedLegalBases.filter((b) => b !== 'consent'),
      eligibleAgencyJurisdictions: ['gresham-or', 'portland-or'],
      legalHoldMaxDays: 180,
    };
    const diff = policyDiff(base, next);
    expect(diff.map((c) => c.rule)).toEqual([
      'maxWindowHours',
      'allowedLegalBases',
      'exigentAllowed',
      'eligibleAgencyJurisdictions',
      'legalHoldMaxDays',
    ]);
    expect(diff[0]).toEqual({
      rule: 'maxWindowHours',
      label: 'Longest time window',
      from: '72 hours',
      to: '48 hours',
      added: [],
      removed: [],
    });
    expect(diff[1]).toMatchObject({ removed: ['consent'], added: [] });
    expect(diff[1]!.to).toBe('court order, exigent circumstances, subpoena, warrant');
    expect(diff[2]).toMatchObject({ from: 'yes', to: 'no' });
    expect(diff[3]).toMatchObject({ added: ['gresham-or'], removed: [], from: 'portland-or' });
  });

  it('compares a v1 policy as the v2 rules it stands for', () => {
    const v1: RequestPolicyV1 = {
      maxAreaM2: base.maxAreaM2,
      maxWindowHours: base.maxWindowHours,
      caseNumberRequired: true,
      legalBasisRequired: true,
      allowedLegalBases: [...base.allowedLegalBases],
      prohibitedPurposes: [],
      maxRequestsPerCase: base.maxRequestsPerCase,
      eligibleAgencyJurisdictions: ['portland-or'],
      disclosureRetentionDays: base.disclosureRetentionDays,
    };
    const diff = policyDiff(v1, base);
    expect(diff.find((c) => c.rule === 'prohibitedPurposes')).toMatchObject({ from: 'none' });
    expect(diff.find((c) => c.rule === 'prohibitedPurposes')!.added.length).toBe(
      base.prohibitedPurposes.length,
    );
    expect(diff.some((c) => c.rule === 'maxWindowHours')).toBe(false);
  });
});
