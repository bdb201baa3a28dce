import { DEFAULT_POLICY, type Polygon } from '@porchlight/policy';
import { describe, expect, it } from 'vitest';
import {
  boundaryDigest,
  decodeEntry,
  encodeEntry,
  ENTRY_SCHEMA,
  policyDigest,
  validateEntry,
  type Entry,
} from './entries.js';
import { validateRequestPolicy, type RequestPolicy } from './policy.js';

const policy: RequestPolicy = {
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

const changed = (p: unknown = policy, sha256 = policyDigest(p)) => ({
  schema: ENTRY_SCHEMA,
  seq: 41,
  type: 'policy.changed',
  time: '2026-11-28T23:00:00Z',
  data: {
    jurisdiction: 'portland-or',
    name: 'Portland, OR',
    version: 2,
    sha256,
    policy: p,
    admin: 5,
    reason: 'x',
  },
});

describe('request policies', () => {
  it('accepts a complete policy', () => {
    expect(validateRequestPolicy(policy)).toEqual([]);
  });

  it('names every bad field, unknown fields, and a required basis with none allowed', () => {
    expect(
      validateRequestPolicy({
        ...policy,
        maxAreaM2: 1.5,
        maxWindowHours: 0,
        caseNumberRequired: 'yes',
        allowedLegalBases: [],
        prohibitedPurposes: ['protest_monitoring', 'immigration_enforcement'],
        eligibleAgencyJurisdictions: ['Portland OR'],
        faces: true,
      }),
    ).toEqual([
      'faces is not a policy field',
      'maxAreaM2 must be an integer from 1 to 10000000000',
      'maxWindowHours must be an integer from 1 to 8760',
      'caseNumberRequired must be true or false',
      'prohibitedPurposes must be sorted and without duplicates',
      'eligibleAgencyJurisdictions item 0 must match /^[a-z0-9]+(?:-[a-z0-9]+)*$/ (at most 64 characters)',
      'allowedLegalBases must name at least one basis when legalBasisRequired is true',
    ]);
    expect(validateRequestPolicy({ ...policy, eligibleAgencyJurisdictions: [] })).toEqual([
      'eligibleAgencyJurisdictions must be a list of 1 to 50 items',
    ]);
    expect(validateRequestPolicy({ ...policy, allowedLegalBases: ['warrant', 'warrant'] })).toEqual([
      'allowedLegalBases must be sorted and without duplicates',
    ]);
  });
});

describe('policy.changed entries', () => {
  it('round-trips canonically with the hash of the policy it carries', () => {
    const entry = changed() as Entry;
    expect(validateEntry(entry)).toEqual([]);
    expect(decodeEntry(encodeEntry(entry))).toEqual(entry);
    // The digest is of the canonical bytes, so key order in the source object does not matter.
    const reordered = Object.fromEntries(Object.entries(policy).reverse());
    expect(policyDigest(reordered)).toBe(policyDigest(policy));
    expect(policyDigest(policy)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses a hash that is not of the carried policy', () => {
    const other = { ...policy, maxWindowHours: 73 };
    expect(validateEntry(changed(other, policyDigest(policy)))).toEqual([
      'data.sha256 must be the SHA-256 of data.policy in canonical JSON',
    ]);
  });

  it('refuses an invalid policy or jurisdiction slug, naming the field', () => {
    const bad = changed({ ...policy, disclosureRetentionDays: 0 });
    expect(validateEntry(bad)).toEqual([
      'data.policy is not a request policy: disclosureRetentionDays must be an integer from 1 to 3650',
    ]);
    const slug = changed();
    slug.data.jurisdiction = '../etc';
    expect(validateEntry(slug)).toEqual(['data.jurisdiction must be a jurisdiction slug']);
  });
});

describe('agency entries', () => {
  const verified = {
    schema: ENTRY_SCHEMA,
    seq: 9,
    type: 'agency.verified',
    time: '2026-11-28T23:00:00Z',
    data: { agency: 1, name: 'Portland Police Bureau', jurisdiction: 'portland-or', admin: 2, reason: 'r' },
  };

  it('accepts verification, suspension, reinstatement and membership changes', () => {
    for (const type of ['agency.verified', 'agency.suspended', 'agency.reinstated'])
      expect(validateEntry({ ...verified, type })).toEqual([]);
    for (const type of ['agency.member_added', 'agency.member_removed'])
      expect(validateEntry({ ...verified, type, data: { agency: 1, admin: 2 } })).toEqual([]);
  });

  it('has no place for a member’s identity', () => {
    expect(
      validateEntry({ ...verified, type: 'agency.member_added', data: { agency: 1, admin: 2, user: 7 } }),
    ).toEqual(['data.user is not a field of agency.member_added']);
    expect(validateEntry({ ...verified, data: { ...verified.data, members: [7] } })).toEqual([
      'data.members is not a field of agency.verified',
    ]);
  });
});

describe('policy.changed with a v2 policy and its boundary', () => {
  const v2 = { ...DEFAULT_POLICY, eligibleAgencyJurisdictions: ['portland-or'] };
  const boundary: Polygon = {
    type: 'Polygon',
    coordinates: [
      [
        [-122.8, 45.4],
        [-122.5, 45.4],
        [-122.5, 45.65],
        [-122.8, 45.65],
        [-122.8, 45.4],
      ],
    ],
  };
  const withBoundary = (p: unknown, boundarySha256?: string) => {
    const e = changed(p);
    return { ...e, data: { ...e.data, boundarySha256 } };
  };

  it('accepts a v2 policy with its boundary hash, and round-trips it', () => {
    const entry = withBoundary(v2, boundaryDigest(boundary));
    expect(validateEntry(entry)).toEqual([]);
    expect(decodeEntry(encodeEntry(entry as Entry))).toEqual(entry);
    expect(boundaryDigest(boundary)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('still accepts a v1 entry as it was written, so old logs audit', () => {
    expect(validateEntry(changed(policy))).toEqual([]);
  });

  it('binds a v2 policy to a boundary, and only a v2 policy', () => {
    expect(validateEntry(withBoundary(v2))).toEqual(['data.boundarySha256 is required with a v2 policy']);
    expect(validateEntry(withBoundary(policy, boundaryDigest(boundary)))).toEqual([
      'data.boundarySha256 comes only with a v2 policy',
    ]);
    expect(validateEntry(withBoundary(v2, 'nope'))).toEqual([
      'data.boundarySha256 must be a lowercase hex SHA-256',
    ]);
  });

  it('refuses a v2 policy that breaks its schema, naming the field', () => {
    expect(validateEntry(withBoundary({ ...v2, monthlyRequestCap: 0 }, boundaryDigest(boundary)))).toEqual([
      'data.policy is not a request policy: monthlyRequestCap must be an integer from 1 to 100000',
    ]);
  });
});
