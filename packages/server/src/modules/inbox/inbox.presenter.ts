import { presentRequest, type DisclosureSummary } from '../requests/requests.presenter.js';
import type { FootageRequestRow } from '../requests/requests.repository.js';
import type { MatchedCameraRow } from './inbox.repository.js';

/**
 * One inbox item, shown only to the owner it is about: the public request, who to contact, which of the
 * owner's own cameras lie in the area (by name, never by place) and the policy check the request passed.
 */
export function presentInboxItem(
  r: FootageRequestRow,
  cameras: MatchedCameraRow[],
  d: DisclosureSummary | undefined,
) {
  return {
    request: presentRequest(r, d),
    investigator: { name: r.investigator_name, contact: r.investigator_contact },
    myCameras: presentMyCameras(cameras),
    policyCheck: {
      jurisdiction: r.jurisdiction,
      policyVersion: r.policy_version,
      policySha256: r.policy_sha256,
      // A published request is one the checker found no violation in; refused ones never reach an inbox.
      passed: true,
    },
    logIndex: r.log_index,
  };
}

/** The owner's own cameras in a request's area: by id and name, never by place. */
export const presentMyCameras = (cameras: MatchedCameraRow[]) =>
  cameras.map((c) => ({ id: c.camera_id, name: c.camera_name }));
