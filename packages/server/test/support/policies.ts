import { DEFAULT_POLICY, type RequestPolicyV1, type RequestPolicyV2 } from '@porchlight/policy';
import { policyDigest } from '@porchlight/tlog';
import { expect } from 'vitest';
import { DEMO_BOUNDARY } from '../../src/demo.js';
import * as repo from '../../src/modules/policies/policies.repository.js';
import type { TestApp } from './app.js';
import type { TestUser } from './client.js';

/** A request policy as an admin would type it: lists in no particular order. */
export const POLICY: RequestPolicyV2 = {
  ...DEFAULT_POLICY,
  allowedLegalBases: ['warrant', 'consent', 'exigent_circumstances'],
  prohibitedPurposes: [
    { purpose: 'protest_monitoring', terms: ['protest', 'rally'] },
    { purpose: 'immigration_enforcement', terms: ['deportation', 'ICE'] },
  ],
  eligibleAgencyJurisdictions: ['portland-or'],
};

/** The boundary test jurisdictions are published with, unless a test gives its own. */
export const BOUNDARY = DEMO_BOUNDARY;

/** Publishes a policy version as `admin` (creating the jurisdiction with its first) and returns it. */
export async function publishPolicy(
  admin: TestUser,
  slug: string,
  body: { name?: string; policy?: RequestPolicyV2; reason?: string } = {},
) {
  const res = await admin.api.POST('/api/admin/jurisdictions/{slug}/policies', {
    params: { path: { slug } },
    body: {
      name: body.name ?? `Jurisdiction ${slug}`,
      policy: body.policy ?? { ...POLICY, eligibleAgencyJurisdictions: [slug] },
      boundary: BOUNDARY,
      reason: body.reason ?? 'Adopted by council',
    },
  });
  expect(res.response.status, JSON.stringify(res.error)).toBe(201);
  return res.data!;
}

/** A policy of the first schema (no `version`), as jurisdictions published them before v2. */
export const POLICY_V1: RequestPolicyV1 = {
  maxAreaM2: 2_000_000,
  maxWindowHours: 72,
  caseNumberRequired: true,
  legalBasisRequired: true,
  allowedLegalBases: ['consent', 'exigent_circumstances', 'warrant'],
  prohibitedPurposes: ['immigration_enforcement', 'protest_monitoring'],
  maxRequestsPerCase: 3,
  eligibleAgencyJurisdictions: ['portland-or'],
  disclosureRetentionDays: 90,
};

/**
 * Stores a v1 version the way it was published before v2 (the API refuses new v1 versions), so tests can
 * check that old versions are still read. Not logged: only what reads them is under test.
 */
export async function storeV1Version(t: TestApp, slug: string, publishedBy: number, policy = POLICY_V1) {
  await t.database.db.transaction(async (tx) => {
    const current = await repo.lockJurisdiction(tx, slug);
    const version = (current?.current_version ?? 0) + 1;
    const name = current?.name ?? `Jurisdiction ${slug}`;
    await repo.upsertJurisdiction(tx, { slug, name, version });
    await repo.insertPolicyVersion(tx, {
      jurisdiction: slug,
      version,
      name,
      policy,
      sha256: policyDigest(policy),
      boundary: null,
      boundary_sha256: null,
      reason: 'Published before v2',
      published_by: publishedBy,
    });
  });
}
