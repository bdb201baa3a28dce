import './bystander.css';
import type { paths } from '@porchlight/api-client';
import { api } from '../api/client';
import { call } from '../api/problem';
import type { Json } from '../api/types';

export type BystanderRequest = Json<
  paths['/api/me/bystander-requests']['get']['responses'][200]
>['items'][number];
export type FileBody = NonNullable<
  paths['/api/posts/{id}/bystander-requests']['post']['requestBody']
>['content']['application/json'];
export type AnswerBody = NonNullable<
  paths['/api/me/bystander-requests/{id}/answer']['post']['requestBody']
>['content']['application/json'];

/** Bystander requests: filed by anyone on a video post; answered by its owner, or by moderators after 7 days. */
export const bystander = {
  file: (postId: string, body: FileBody) =>
    call(api.POST('/api/posts/{id}/bystander-requests', { params: { path: { id: postId } }, body })),
  mine: async (): Promise<BystanderRequest[]> => (await call(api.GET('/api/me/bystander-requests'))).items,
  answer: (id: string, body: AnswerBody): Promise<BystanderRequest> =>
    call(api.POST('/api/me/bystander-requests/{id}/answer', { params: { path: { id } }, body })),
  confirm: (token: string) => call(api.POST('/api/bystander-requests/confirm', { body: { token } })),
  overdue: async (): Promise<BystanderRequest[]> =>
    (await call(api.GET('/api/moderation/bystander-requests'))).items,
  answerOverdue: (id: string, body: AnswerBody): Promise<BystanderRequest> =>
    call(api.POST('/api/moderation/bystander-requests/{id}/answer', { params: { path: { id } }, body })),
};

/** Where the mailed confirmation link opens (the server writes the same path). */
export const CONFIRM_PATH = '/bystander/confirm';

/** The path of a post's bystander form: an open page, no account needed. */
export const askPath = (postId: string): string => `/posts/${postId}/ask`;

/** `/posts/po_…/ask` → the post id. */
export const askPostIdOf = (path: string): string | undefined =>
  /^\/posts\/(po_[A-Za-z0-9_-]{22})\/ask$/.exec(path)?.[1];

/** "0:05–0:12", for a time range in a video. */
export function rangeText(start: number, end: number): string {
  const t = (s: number) => `${Math.floor(s / 60)}:${String(Math.floor(s % 60)).padStart(2, '0')}`;
  return `${t(start)}–${t(end)}`;
}
