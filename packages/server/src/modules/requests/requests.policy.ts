import {
  checkRequest,
  pointInPolygon,
  policyRules,
  polygonAreaM2,
  polygonWithin,
  type RequestPolicyV2,
  type Violation,
} from '@porchlight/policy';
import type { Queryable } from '../../infra/db/index.js';
import { listCurrent, type PolicyVersionRow } from '../policies/policies.repository.js';
import { requestCounts } from './requests.repository.js';
import type { Draft } from './requests.schema.js';

/** What checking a draft found, and what publishing it needs from the policy that applied. */
export interface Evaluation {
  violations: Violation[];
  areaM2: number;
  jurisdiction: string;
  policyVersion: number;
  policySha256: string;
  /** The rules in force, in v2's shape (a v1 policy's unpublished rules at their most permissive). */
  rules: RequestPolicyV2;
  /** The exact point-in-polygon test for matching cameras. */
  inside: (lngLat: [number, number]) => boolean;
}

const monthStart = (d: Date): Date => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1));

/**
 * Checks a draft against the policy of the jurisdiction whose boundary contains its area — the agency's own
 * when that one does, any other otherwise. When none contains it, the agency's own jurisdiction's policy
 * applies and names the area as outside it. The per-case and monthly counts are the agency's published
 * requests; inside the transaction that holds the agency's filing lock they are exact.
 */
export async function evaluateDraft(
  q: Queryable,
  o: { agency: { id: number; jurisdiction: string }; draft: Draft; now: Date },
): Promise<Evaluation> {
  const policies = await listCurrent(q);
  const contains = (p: PolicyVersionRow) => {
    const boundary = p.boundary;
    return boundary !== null && polygonWithin(o.draft.area, boundary);
  };
  const own = policies.find((p) => p.jurisdiction === o.agency.jurisdiction);
  const chosen = own && contains(own) ? own : (policies.find(contains) ?? own);
  // Agencies are registered only in jurisdictions with a policy, and policies are never deleted.
  if (!chosen) throw new Error(`the jurisdiction of agency ${o.agency.id} has no policy`);
  const counts = await requestCounts(q, {
    agencyId: o.agency.id,
    caseNumber: o.draft.caseNumber,
    monthStart: monthStart(o.now),
  });
  const violations = checkRequest({
    policy: chosen.policy,
    policyVersion: chosen.version,
    boundary: chosen.boundary,
    agencyJurisdiction: o.agency.jurisdiction,
    draft: o.draft,
    now: o.now,
    counts,
  });
  return {
    violations,
    areaM2: polygonAreaM2(o.draft.area),
    jurisdiction: chosen.jurisdiction,
    policyVersion: chosen.version,
    policySha256: chosen.sha256,
    rules: policyRules(chosen.policy),
    inside: (p) => pointInPolygon(o.draft.area, p),
  };
}
