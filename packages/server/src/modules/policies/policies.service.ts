import { policyDigest, validateRequestPolicy, type RequestPolicy } from '@porchlight/tlog';
import type { Deps } from '../../deps.js';
import { AppError, invalid, notFound } from '../../errors.js';
import { authorize, type Viewer } from '../../policies.js';
import { insertEvent } from '../events/events.repository.js';
import { presentJurisdiction, presentPolicyVersion } from './policies.presenter.js';
import * as repo from './policies.repository.js';

export interface PublishPolicyInput {
  name?: string | undefined;
  policy: RequestPolicy;
  reason: string;
}

const sorted = (list: readonly string[]): string[] => [...list].sort();

/**
 * The one spelling of a policy: lists sorted, so a policy's hash does not depend on the order an admin typed
 * its items in. Unknown keys cannot reach here: the route schema refuses them.
 */
function normalise(p: RequestPolicy): RequestPolicy {
  return {
    maxAreaM2: p.maxAreaM2,
    maxWindowHours: p.maxWindowHours,
    caseNumberRequired: p.caseNumberRequired,
    legalBasisRequired: p.legalBasisRequired,
    allowedLegalBases: sorted(p.allowedLegalBases),
    prohibitedPurposes: sorted(p.prohibitedPurposes),
    maxRequestsPerCase: p.maxRequestsPerCase,
    eligibleAgencyJurisdictions: sorted(p.eligibleAgencyJurisdictions),
    disclosureRetentionDays: p.disclosureRetentionDays,
  };
}

/**
 * Jurisdiction request policies (G4): public, versioned, append-only. Each version is published to the
 * transparency log whole, with the SHA-256 of its canonical JSON, in the transaction that stores it.
 */
export class RequestPoliciesService {
  constructor(private readonly deps: Deps) {}

  /** Every jurisdiction with the policy in force. Public: no account needed. */
  async jurisdictions() {
    const rows = await repo.listCurrent(this.deps.db);
    return { items: rows.map(presentJurisdiction) };
  }

  /** One version of a jurisdiction's policy (default: the current one). Public. */
  async policy(slug: string, version?: number) {
    const row = await repo.findVersion(this.deps.db, slug, version);
    if (!row) throw notFound(version === undefined ? 'jurisdiction' : `version ${version} of this policy`);
    return presentPolicyVersion(row);
  }

  /** Every version of a jurisdiction's policy, newest first. Public. */
  async history(slug: string) {
    const rows = await repo.listVersions(this.deps.db, slug);
    if (rows.length === 0) throw notFound('jurisdiction');
    return { items: rows.map(presentPolicyVersion) };
  }

  /** The policy in force for a jurisdiction, for other modules (agency registration, request checks). */
  async current(slug: string): Promise<{ version: number; policy: RequestPolicy } | undefined> {
    const row = await repo.findVersion(this.deps.db, slug, undefined);
    return row && { version: row.version, policy: row.policy };
  }

  /**
   * Publishes the next version of a jurisdiction's policy (creating the jurisdiction with its first). Old
   * versions are never changed. Logged publicly with the admin's reason.
   */
  async publish(viewer: Viewer | null, slug: string, input: PublishPolicyInput) {
    const v = authorize(viewer, 'policy.publish');
    const policy = normalise(input.policy);
    if (policy.legalBasisRequired && policy.allowedLegalBases.length === 0) {
      throw invalid('/body/policy/allowedLegalBases', 'must name at least one basis when one is required');
    }
    // The log's own schema is the last word: an entry it would refuse must never be written to the outbox.
    const problems = validateRequestPolicy(policy);
    if (problems.length > 0) throw new AppError('validation_failed', `policy: ${problems.join('; ')}`);

    return this.deps.db.transaction(async (tx) => {
      const current = await repo.lockJurisdiction(tx, slug);
      const name = input.name ?? current?.name;
      if (name === undefined) throw invalid('/body/name', 'is required for a jurisdiction’s first policy');
      const listed = input.policy.eligibleAgencyJurisdictions;
      const known = await repo.existingJurisdictions(tx, listed);
      const unknown = listed.findIndex((j) => j !== slug && !known.has(j));
      if (unknown !== -1) {
        throw invalid(
          `/body/policy/eligibleAgencyJurisdictions/${unknown}`,
          `names no known jurisdiction (${listed[unknown]})`,
        );
      }
      const version = (current?.current_version ?? 0) + 1;
      await repo.upsertJurisdiction(tx, { slug, name, version });
      const sha256 = policyDigest(policy);
      const row = await repo.insertPolicyVersion(tx, {
        jurisdiction: slug,
        version,
        name,
        policy,
        sha256,
        reason: input.reason,
        published_by: v.id,
      });
      await insertEvent(tx, {
        type: 'policy.published',
        actorId: v.id,
        subjectType: 'jurisdiction',
        subjectId: slug,
        data: { jurisdiction: slug, name, version, sha256, policy, reason: input.reason },
      });
      return presentPolicyVersion(row);
    });
  }
}
