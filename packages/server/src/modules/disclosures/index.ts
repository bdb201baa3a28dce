import type { Deps } from '../../deps.js';
import { AgencyKeysService } from '../agency-keys/agency-keys.service.js';
import type { AgenciesService } from '../agencies/agencies.service.js';
import type { ClipsService } from '../clips/clips.service.js';
import type { TransparencyService } from '../transparency/transparency.service.js';
import { DisclosureUploadsService } from './disclosure-uploads.js';
import { DisclosuresService } from './disclosures.service.js';
import { EvidenceService } from './evidence.js';

/** The services of agency keys and disclosures, as `Services` holds them. */
export interface DisclosureServices {
  agencyKeys: AgencyKeysService;
  disclosureUploads: DisclosureUploadsService;
  disclosures: DisclosuresService;
  evidence: EvidenceService;
}

/** Builds the agency-key and disclosure services on the shared agencies, clip store and log. */
export function createDisclosureServices(
  deps: Deps,
  shared: { agencies: AgenciesService; clips: ClipsService; transparency: TransparencyService },
): DisclosureServices {
  const agencyKeys = new AgencyKeysService(deps, shared.agencies);
  const disclosureUploads = new DisclosureUploadsService(deps, shared.clips, agencyKeys);
  const disclosures = new DisclosuresService(deps, shared.agencies, shared.clips, disclosureUploads);
  return {
    agencyKeys,
    disclosureUploads,
    disclosures,
    evidence: new EvidenceService(deps, shared.agencies, disclosures, shared.transparency),
  };
}
