import { DEFAULT_POLICY, type RequestPolicyV2 } from '@porchlight/policy';
import { policyDigest } from '@porchlight/tlog';
import type { Database } from '../../packages/server/src/infra/db/index.js';
import * as policies from '../../packages/server/src/modules/policies/policies.repository.js';

/**
 * Stores a jurisdiction's first request policy (the v2 defaults, eligible to its own agencies) the way the
 * policies module does, for benchmarks that file requests.
 */
export async function seedRequestPolicy(db: Database, slug: string, adminId: number): Promise<void> {
  const policy: RequestPolicyV2 = {
    ...DEFAULT_POLICY,
    monthlyRequestCap: 10_000,
    maxRequestsPerCase: 1_000,
    eligibleAgencyJurisdictions: [slug],
  };
  await db.transaction(async (tx) => {
    await policies.upsertJurisdiction(tx, { slug, name: slug, version: 1 });
    await policies.insertPolicyVersion(tx, {
      jurisdiction: slug,
      version: 1,
      name: slug,
      policy,
      sha256: policyDigest(policy),
      reason: 'benchmark',
      published_by: adminId,
    });
  });
}
