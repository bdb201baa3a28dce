import type { paths } from '@porchlight/api-client';
import { api } from './client';
import { call } from './problem';
import type { Json } from './types';

export type LegalDemand = Json<paths['/api/legal-demands/{id}/answer']['post']['responses'][200]>;
export type LegalNotice = Json<paths['/api/legal-notices']['get']['responses'][200]>['items'][number];
export type LegalStats = Json<paths['/api/legal-demands/stats']['get']['responses'][200]>;
export type RecordDemandBody = NonNullable<
  paths['/api/legal-demands']['post']['requestBody']
>['content']['application/json'];
export type Production = NonNullable<LegalDemand['produced']>;

/** Legal process: admins record demands and answers; owners read their notices; anyone reads the counts. */
export const legal = {
  list: async (): Promise<LegalDemand[]> => (await call(api.GET('/api/legal-demands'))).items,
  record: (body: RecordDemandBody): Promise<LegalDemand> => call(api.POST('/api/legal-demands', { body })),
  answer: (id: string, produced: Production): Promise<LegalDemand> =>
    call(api.POST('/api/legal-demands/{id}/answer', { params: { path: { id } }, body: { produced } })),
  delayNotice: (id: string, until: string, reason: string): Promise<LegalDemand> =>
    call(
      api.POST('/api/legal-demands/{id}/delay-notice', { params: { path: { id } }, body: { until, reason } }),
    ),
  notices: async (): Promise<LegalNotice[]> => (await call(api.GET('/api/legal-notices'))).items,
  stats: (): Promise<LegalStats> => call(api.GET('/api/legal-demands/stats')),
};

/** The lowercase hex SHA-256 of a file, computed in the browser: the document itself is never uploaded. */
export async function fileSha256(file: File): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', await file.arrayBuffer());
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}
