import { IdParams, responses } from '../../http/schema.js';
import type { App } from '../../http/types.js';
import type { Services } from '../../services.js';
import { PostIdParams, PostSchema } from '../posts/posts.schema.js';
import {
  AppealBody,
  AppealDecisionBody,
  AppealList,
  DecisionBody,
  PostHistorySchema,
  QueuePage,
  QueueQuery,
} from './moderation.schema.js';

/** Moderation queue, hide/restore decisions, and appeals (filed by authors, decided by other moderators). */
export function moderationRoutes(app: App, { moderation }: Services): void {
  app.get(
    '/api/moderation/queue',
    {
      schema: {
        operationId: 'getModerationQueue',
        tags: ['moderation'],
        summary: 'Reported posts awaiting a decision, the oldest open report first; reporters are not shown',
        querystring: QueueQuery,
        response: responses(200, QueuePage, 401, 403),
      },
    },
    (request) => moderation.queue(request.viewer, request.query),
  );

  app.get(
    '/api/moderation/posts/:id/history',
    {
      schema: {
        operationId: 'getPostModerationHistory',
        tags: ['moderation'],
        summary: 'A post’s reports (never who made them), decisions, appeal and edits, oldest first',
        params: PostIdParams,
        response: responses(200, PostHistorySchema, 401, 403, 404),
      },
    },
    (request) => moderation.history(request.viewer, request.params.id),
  );

  app.post(
    '/api/moderation/posts/:id/decisions',
    {
      schema: {
        operationId: 'decidePost',
        tags: ['moderation'],
        summary: 'Hide or restore a post with a reason the author sees; returns the post',
        params: PostIdParams,
        body: DecisionBody,
        response: responses(200, PostSchema, 401, 403, 404, 409),
      },
    },
    (request) => moderation.decide(request.viewer, request.params.id, request.body),
  );

  app.post(
    '/api/posts/:id/appeal',
    {
      schema: {
        operationId: 'appealDecision',
        tags: ['moderation'],
        summary: 'Appeal the hiding of your own post (once per post); returns the post',
        params: PostIdParams,
        body: AppealBody,
        response: responses(200, PostSchema, 401, 403, 404, 409),
      },
    },
    (request) => moderation.appeal(request.viewer, request.params.id, request.body.statement),
  );

  app.get(
    '/api/moderation/appeals',
    {
      schema: {
        operationId: 'getPendingAppeals',
        tags: ['moderation'],
        summary: 'Pending appeals you may decide, oldest first',
        response: responses(200, AppealList, 401, 403),
      },
    },
    (request) => moderation.pendingAppeals(request.viewer),
  );

  app.post(
    '/api/moderation/appeals/:id/decision',
    {
      schema: {
        operationId: 'decideAppeal',
        tags: ['moderation'],
        summary: 'Uphold or overturn an appeal (not on your own decision); overturning restores the post',
        params: IdParams,
        body: AppealDecisionBody,
        response: responses(200, PostSchema, 401, 403, 404, 409),
      },
    },
    (request) => moderation.decideAppeal(request.viewer, request.params.id, request.body),
  );
}
