import type { paths } from '@porchlight/api-client';
import type { Json } from '../api/types';

/** What an agency member drafts (the body of POST /api/requests and /api/requests/check). */
export type RequestDraft = NonNullable<
  paths['/api/requests']['post']['requestBody']
>['content']['application/json'];
export type CheckResult = Json<paths['/api/requests/check']['post']['responses'][200]>;
/** A published request as anyone sees it: fields, H3 cells, status, counts; nothing about owners. */
export type FootageRequest = Json<paths['/api/requests/{id}']['get']['responses'][200]>;
export type RequestPage = Json<paths['/api/requests']['get']['responses'][200]>;
export type RequestQuery = NonNullable<paths['/api/requests']['get']['parameters']['query']>;
export type RequestStatus = FootageRequest['status'];
export type Hold = FootageRequest['holds'][number];
