import type { paths } from '@porchlight/api-client';
import type { Json } from '../api/types';

/** The member's agency key as stored: the public recipient and the identity wrapped two ways. */
export type AgencyKeys = Json<paths['/api/agency/keys']['get']['responses'][200]>;
/** The agency the signed-in member belongs to. */
export type MyAgency = Json<paths['/api/agencies/mine']['get']['responses'][200]>;
/** The filing agency's view of its request: the public fields plus the investigator and the drawn area. */
export type AgencyRequest = Json<paths['/api/agency/requests/{id}']['get']['responses'][200]>;
export type Disclosure = Json<
  paths['/api/requests/{id}/disclosures']['get']['responses'][200]
>['items'][number];
