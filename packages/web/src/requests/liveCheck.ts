import { checkRequest, polygonAreaM2, type Boundary, type Polygon, type Violation } from '@porchlight/policy';
import type { PolicyVersion } from '../api/transparency';
import { cornersToPolygon, type Corner } from './area';
import type { RequestDraft } from './types';

/** The published boundary of a policy version, when it has one (version 2 policies do). */
export function boundaryOf(version: PolicyVersion | null): Boundary | null {
  const b = (version as { boundary?: unknown } | null)?.boundary;
  if (typeof b !== 'object' || b === null) return null;
  const type = (b as { type?: unknown }).type;
  return type === 'Polygon' || type === 'MultiPolygon' ? (b as Boundary) : null;
}

/** Size of the area the corners enclose, or null below three corners. */
export function areaOf(corners: readonly Corner[]): number | null {
  const polygon = cornersToPolygon(corners);
  return polygon ? polygonAreaM2(polygon) : null;
}

/**
 * The rules a draft breaks under the jurisdiction's policy in force, judged in the browser by the same code
 * the server runs. Rules that need the server's counts (requests per case, monthly cap) are left to it.
 */
export function liveViolations(
  version: PolicyVersion,
  agencyJurisdiction: string,
  draft: RequestDraft,
  now: Date,
): Violation[] {
  return checkRequest({
    policy: version.policy,
    policyVersion: version.version,
    agencyJurisdiction,
    // The API's schema types positions as number lists; the form only ever builds [lng, lat] pairs.
    draft: { ...draft, area: draft.area as Polygon },
    now,
    boundary: boundaryOf(version),
  });
}
