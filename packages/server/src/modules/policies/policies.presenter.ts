import type { PolicyVersionRow } from './policies.repository.js';

/** One published policy version as the public API shows it; who published it is in the log entry. */
export function presentPolicyVersion(v: PolicyVersionRow) {
  return {
    jurisdiction: v.jurisdiction,
    name: v.name,
    version: v.version,
    policy: v.policy,
    sha256: v.sha256,
    boundary: v.boundary,
    boundarySha256: v.boundary_sha256,
    reason: v.reason,
    publishedAt: v.published_at.toISOString(),
  };
}

/** A jurisdiction with its policy in force. */
export function presentJurisdiction(current: PolicyVersionRow) {
  return {
    slug: current.jurisdiction,
    name: current.name,
    currentVersion: current.version,
    current: presentPolicyVersion(current),
  };
}
