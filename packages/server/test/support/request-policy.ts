import { DEFAULT_POLICY, type Boundary, type RequestPolicyV2 } from '@porchlight/policy';
import { boundaryDigest, policyDigest } from '@porchlight/tlog';
import * as policies from '../../src/modules/policies/policies.repository.js';
import type { TestApp } from './app.js';
import type { TestUser } from './client.js';

/** The v2 policy request tests run under: the defaults, eligible to the jurisdiction's own agencies. */
export const requestPolicy = (slug: string, overrides: Partial<RequestPolicyV2> = {}): RequestPolicyV2 => ({
  ...DEFAULT_POLICY,
  eligibleAgencyJurisdictions: [slug],
  ...overrides,
});

/**
 * Stores the next version of a jurisdiction's v2 request policy as the policies module does (append-only
 * rows). Request tests need v2 rules; how an admin publishes them is tested with the policies module.
 */
export async function publishRequestPolicy(
  t: TestApp,
  admin: TestUser,
  slug: string,
  policy: RequestPolicyV2 = requestPolicy(slug),
  boundary: Boundary | null = null,
): Promise<void> {
  await t.database.db.transaction(async (tx) => {
    const current = await policies.lockJurisdiction(tx, slug);
    const version = (current?.current_version ?? 0) + 1;
    const name = current?.name ?? `Jurisdiction ${slug}`;
    await policies.upsertJurisdiction(tx, { slug, name, version });
    await policies.insertPolicyVersion(tx, {
      jurisdiction: slug,
      version,
      name,
      policy,
      sha256: policyDigest(policy),
      boundary,
      boundary_sha256: boundary ? boundaryDigest(boundary) : null,
      reason: 'Adopted for request tests',
      published_by: admin.id,
    });
  });
}
