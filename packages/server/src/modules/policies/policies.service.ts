import {
  canonicalBoundary,
  normaliseBoundary,
  validateBoundary,
  validateRequestPolicy,
  type Boundary,
  type RequestPolicy,
  type RequestPolicyV2,
} from '@porchlight/policy';
import { boundaryDigest, policyDigest } from '@porchlight/tlog';
import type { Deps } from '../../deps.js';
import { AppError, invalid, notFound } from '../../errors.js';
import { authorize, type Viewer } from '../../policies.js';
import { insertEvent } from '../events/events.repository.js';
import { presentJurisdiction, presentPolicyVersion } from './policies.presenter.js';
import * as repo from './policies.repository.js';

export interface PublishPolicyInput {
  name?: string | undefined;
  /** Only v2 can be published; v1 versions published before it are still read and shown. */
  policy: RequestPolicyV2;
  /** The jurisdiction's boundary, required; checked here. */
  boundary?: unknown;
  reason: string;
}

const sorted = (list: readonly string[]): string[] => [...list].sort();

/**
 * The one spelling of a policy: lists sorted, so a policy's hash does not depend on the order an admin typed
 * its items in. Unknown keys cannot reach here: the route schema refuses them.
 */
function normalise(p: RequestPolicyV2): RequestPolicyV2 {
  return {
    ...p,
    allowedLegalBases: [...p.allowedLegalBases].sort(),
    offenseCategories: [...p.offenseCategories].sort(),
    prohibitedPurposes: p.prohibitedPurposes
      .map((r) => ({ purpose: r.purpose, terms: sorted(r.terms) }))
      .sort((a, b) => (a.purpose < b.purpose ? -1 : a.purpose > b.purpose ? 1 : 0)),
    eligibleAgencyJurisdictions: sorted(p.eligibleAgencyJurisdictions),
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

  /**
   * The canonical JSON of the boundary whose SHA-256 is `sha256`, byte for byte what was hashed, so anyone can
   * check a `policy.changed` entry's `boundarySha256` with `sha256sum` (the entry carries only the hash: a
   * boundary may be larger than an entry may be). Public.
   */
  async boundary(sha256: string): Promise<string> {
    const boundary = await repo.findBoundary(this.deps.db, sha256);
    if (!boundary) throw notFound('boundary');
    return canonicalBoundary(boundary);
  }

  /** The policy in force for a jurisdiction, for other modules (agency registration, request checks). */
  async current(
    slug: string,
  ): Promise<{ version: number; policy: RequestPolicy; boundary: Boundary | null } | undefined> {
    const row = await repo.findVersion(this.deps.db, slug, undefined);
    return row && { version: row.version, policy: row.policy, boundary: row.boundary };
  }

  /**
   * Publishes the next version of a jurisdiction's policy (creating the jurisdiction with its first). Old
   * versions are never changed. Logged publicly with the admin's reason.
   */
  async publish(viewer: Viewer | null, slug: string, input: PublishPolicyInput) {
    const v = authorize(viewer, 'policy.publish');
    // The route schema admits only v2; other callers (the demo, scripts) are held to the same rule.
    if ((input.policy as { version?: unknown }).version !== 2) {
      throw invalid('/body/policy/version', 'must be 2: v1 policies can no longer be published');
    }
    const policy = normalise(input.policy);
    if (policy.legalBasisRequired && policy.allowedLegalBases.length === 0) {
      throw invalid('/body/policy/allowedLegalBases', 'must name at least one basis when one is required');
    }
    // The log's own schema is the last word: an entry it would refuse must never be written to the outbox.
    const problems = validateRequestPolicy(policy);
    if (problems.length > 0) throw new AppError('validation_failed', `policy: ${problems.join('; ')}`);
    const boundary = this.#boundary(input.boundary);
    const boundarySha256 = boundaryDigest(boundary);

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
        boundary,
        boundary_sha256: boundarySha256,
        reason: input.reason,
        published_by: v.id,
      });
      await insertEvent(tx, {
        type: 'policy.published',
        actorId: v.id,
        subjectType: 'jurisdiction',
        subjectId: slug,
        data: {
          jurisdiction: slug,
          name,
          version,
          sha256,
          policy,
          boundarySha256,
          reason: input.reason,
        },
      });
      return presentPolicyVersion(row);
    });
  }

  /**
   * The boundary a version is published with, normalised to its one spelling. A v2 policy decides which
   * requests it governs by its boundary, so it must have one.
   */
  #boundary(boundary: unknown): Boundary {
    if (boundary === undefined) throw invalid('/body/boundary', 'is required with a v2 policy');
    const problems = validateBoundary(boundary);
    if (problems.length > 0) {
      throw new AppError(
        'validation_failed',
        `boundary: ${problems.join('; ')}`,
        problems.map((message) => ({ field: '/body/boundary', message })),
      );
    }
    // validateBoundary found it a well-formed Polygon or MultiPolygon.
    return normaliseBoundary(boundary as Boundary);
  }
}
