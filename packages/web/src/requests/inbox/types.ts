import type { paths } from '@porchlight/api-client';
import type { Json } from '../../api/types';

/** An open request that reached one of the signed-in owner's cameras; only they can see it. */
export type InboxItem = Json<paths['/api/inbox/{requestId}']['get']['responses'][200]>;
/** A published request as anyone sees it: nothing about who it reached (G7), the area only as cells. */
export type PublishedRequest = InboxItem['request'];
/** A clip the owner shared with an agency. */
export type OwnDisclosure = Json<paths['/api/disclosures/mine']['get']['responses'][200]>['items'][number];
/** One of an agency's recipients, with the log entries that added (and removed) it. */
export type AgencyRecipient = Json<
  paths['/api/agencies/{id}/recipients']['get']['responses'][200]
>['items'][number];
