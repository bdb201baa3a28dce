import type { paths } from '@porchlight/api-client';
import { api } from './client';
import { call } from './problem';
import type { Json } from './types';

export type TransparencySummary = Json<paths['/api/transparency']['get']['responses'][200]>;
export type EntryPage = Json<paths['/api/transparency/entries']['get']['responses'][200]>;
export type LogItem = EntryPage['items'][number];
export type EntryQuery = NonNullable<paths['/api/transparency/entries']['get']['parameters']['query']>;
export type EntryType = NonNullable<EntryQuery['type']>;

export type Jurisdiction = Json<paths['/api/jurisdictions']['get']['responses'][200]>['items'][number];
export type PolicyVersion = Jurisdiction['current'];
export type RequestPolicy = PolicyVersion['policy'];
export type PublishPolicyBody = NonNullable<
  paths['/api/admin/jurisdictions/{slug}/policies']['post']['requestBody']
>['content']['application/json'];
export type PublicAgency = Json<paths['/api/agencies']['get']['responses'][200]>['items'][number];
export type AdminAgency = Json<paths['/api/admin/agencies']['get']['responses'][200]>['items'][number];

/** Every entry type, in the words the transparency page uses. */
export const ENTRY_TYPE_LABELS: Record<EntryType, string> = {
  'instance.created': 'Log started',
  'log.key_rotated': 'Log key rotated',
  'moderation.hidden': 'Post hidden',
  'moderation.restored': 'Post restored',
  'moderation.dismissed': 'Reports dismissed',
  'account.suspended': 'Account suspended',
  'account.suspension_lifted': 'Suspension lifted',
  'appeal.filed': 'Appeal filed',
  'appeal.decided': 'Appeal decided',
  'role.changed': 'Role changed',
  'agency.verified': 'Agency verified',
  'agency.suspended': 'Agency suspended',
  'agency.reinstated': 'Agency reinstated',
  'agency.member_added': 'Agency member added',
  'agency.member_removed': 'Agency member removed',
  'policy.changed': 'Policy published',
  'legal.demand_received': 'Legal demand received',
  'legal.demand_answered': 'Legal demand answered',
  'legal.notice_delayed': 'Owner notice delayed by court order',
  'legal.notice_sent': 'Owner notified of a legal demand',
  'agency.key_added': 'Agency key added',
  'agency.key_removed': 'Agency key removed',
  'request.refused': 'Footage request refused',
  'request.published': 'Footage request published',
  'request.closed': 'Footage request closed',
  'request.expired': 'Footage request expired',
  'request.justified': 'Exigent request justified',
  'request.justification_missed': 'Exigent justification missed',
  'disclosure.created': 'Clip shared with an agency',
  'disclosure.accessed': 'Shared clip opened by the agency',
  'disclosure.revoked': 'Shared clip revoked by its owner',
  'disclosure.held': 'Legal hold on a shared clip',
  'disclosure.expired': 'Shared clip expired',
  'bystander.answered': 'Bystander request answered',
  'report.annotated': 'Annual report annotated',
};

export const entryTypeLabel = (type: string): string =>
  (ENTRY_TYPE_LABELS as Record<string, string>)[type] ?? type;

/** The public transparency log, jurisdiction policies and agencies: no account needed for any read. */
export const transparency = {
  summary: (): Promise<TransparencySummary> => call(api.GET('/api/transparency')),
  entries: (query: EntryQuery): Promise<EntryPage> =>
    call(api.GET('/api/transparency/entries', { params: { query } })),
  jurisdictions: async (): Promise<Jurisdiction[]> => (await call(api.GET('/api/jurisdictions'))).items,
  history: async (slug: string): Promise<PolicyVersion[]> =>
    (await call(api.GET('/api/jurisdictions/{slug}/policies', { params: { path: { slug } } }))).items,
  agencies: async (): Promise<PublicAgency[]> => (await call(api.GET('/api/agencies'))).items,
};

/** Admin-only: publish policy versions, verify and suspend agencies, link their members. */
export const governance = {
  publishPolicy: (slug: string, body: PublishPolicyBody) =>
    call(api.POST('/api/admin/jurisdictions/{slug}/policies', { params: { path: { slug } }, body })),
  agencies: async (): Promise<AdminAgency[]> => (await call(api.GET('/api/admin/agencies'))).items,
  register: (body: { name: string; jurisdiction: string; contact: string; reason: string }) =>
    call(api.POST('/api/admin/agencies', { body })),
  suspend: (id: number, reason: string) =>
    call(api.POST('/api/admin/agencies/{id}/suspend', { params: { path: { id } }, body: { reason } })),
  reinstate: (id: number, reason: string) =>
    call(api.POST('/api/admin/agencies/{id}/reinstate', { params: { path: { id } }, body: { reason } })),
  addMember: (id: number, userId: number) =>
    call(api.PUT('/api/admin/agencies/{id}/members/{userId}', { params: { path: { id, userId } } })),
  removeMember: (id: number, userId: number) =>
    call(api.DELETE('/api/admin/agencies/{id}/members/{userId}', { params: { path: { id, userId } } })),
};
