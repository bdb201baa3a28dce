import type { paths } from '@porchlight/api-client';
import { api } from './client';
import { call } from './problem';
import type { PendingAppeal, Post, QueueItem } from './types';

export type { PendingAppeal, QueueItem };

/** hide, restore, or dismiss a post's open reports (the server's vocabulary). */
export type DecisionAction =
  paths['/api/moderation/posts/{id}/decisions']['post']['requestBody']['content']['application/json']['action'];

/** The moderation endpoints, for moderators and admins (and `appeal`, for a hidden post's author). */
export const moderation = {
  /** The first page of reported posts (oldest open report first), with every report's reason. */
  queue: async (): Promise<QueueItem[]> => (await call(api.GET('/api/moderation/queue'))).items,

  decide: (postId: string, action: DecisionAction, reason: string): Promise<Post> =>
    call(
      api.POST('/api/moderation/posts/{id}/decisions', {
        params: { path: { id: postId } },
        body: { action, reason },
      }),
    ),

  /** The author asks a different moderator to review a hide decision; once per decision. */
  appeal: (postId: string, statement: string): Promise<Post> =>
    call(api.POST('/api/posts/{id}/appeal', { params: { path: { id: postId } }, body: { statement } })),

  /** Pending appeals the viewer may decide (not on their own decisions or posts). */
  appeals: async (): Promise<PendingAppeal[]> => (await call(api.GET('/api/moderation/appeals'))).items,

  decideAppeal: (appealId: number, outcome: 'upheld' | 'overturned', reason: string): Promise<Post> =>
    call(
      api.POST('/api/moderation/appeals/{id}/decision', {
        params: { path: { id: appealId } },
        body: { outcome, reason },
      }),
    ),
};
