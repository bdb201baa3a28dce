import type { Config } from '../../config.js';
import { responses } from '../../http/schema.js';
import type { App } from '../../http/types.js';
import type { Services } from '../../services.js';
import {
  AnswerBystanderBody,
  BystanderIdParams,
  BystanderList,
  BystanderRequestSchema,
  ConfirmBystanderBody,
  ConfirmedSchema,
  FileBystanderBody,
  FiledSchema,
  PostParams,
} from './bystander.schema.js';

/** Bystander requests: anyone files one on a video post; its owner answers; moderators after 7 days. */
export function bystanderRoutes(app: App, { bystander }: Services, config: Config): void {
  app.post(
    '/api/posts/:id/bystander-requests',
    {
      // Anonymous, so rate-limited per client like sign-in and sign-up.
      config: { rateLimit: { max: config.authRateLimit, timeWindow: '1 minute' } },
      schema: {
        operationId: 'fileBystanderRequest',
        tags: ['feed'],
        summary:
          'Ask, without an account, to be blurred in or removed from a video post; the owner answers by email to you',
        params: PostParams,
        body: FileBystanderBody,
        response: responses(202, FiledSchema, 400, 404, 429),
      },
    },
    async (request, reply) => reply.status(202).send(await bystander.file(request.params.id, request.body)),
  );

  app.post(
    '/api/bystander-requests/confirm',
    {
      config: { rateLimit: { max: config.authRateLimit, timeWindow: '1 minute' } },
      schema: {
        operationId: 'confirmBystanderRequest',
        tags: ['feed'],
        summary:
          'Confirm a bystander request with the token of the mailed link; only then does it reach the owner',
        body: ConfirmBystanderBody,
        response: responses(200, ConfirmedSchema, 400, 429),
      },
    },
    (request) => bystander.confirm(request.body.token),
  );

  app.get(
    '/api/me/bystander-requests',
    {
      schema: {
        operationId: 'getMyBystanderRequests',
        tags: ['feed'],
        summary:
          'Requests to blur or remove people in your video posts, unanswered first (requesters are never named)',
        response: responses(200, BystanderList, 401),
      },
    },
    (request) => bystander.mine(request.viewer),
  );

  app.post(
    '/api/me/bystander-requests/:id/answer',
    {
      schema: {
        operationId: 'answerBystanderRequest',
        tags: ['feed'],
        summary:
          'Answer a request about your video post: blurred, removed (deletes the video now) or declined',
        params: BystanderIdParams,
        body: AnswerBystanderBody,
        response: responses(200, BystanderRequestSchema, 400, 401, 403, 404, 409),
      },
    },
    (request) => bystander.answerAsOwner(request.viewer, request.params.id, request.body),
  );

  app.get(
    '/api/moderation/bystander-requests',
    {
      schema: {
        operationId: 'getOverdueBystanderRequests',
        tags: ['moderation'],
        summary: 'Bystander requests their owners left unanswered for 7 days, oldest first',
        response: responses(200, BystanderList, 401, 403),
      },
    },
    (request) => bystander.overdue(request.viewer),
  );

  app.post(
    '/api/moderation/bystander-requests/:id/answer',
    {
      schema: {
        operationId: 'answerOverdueBystanderRequest',
        tags: ['moderation'],
        summary: 'Answer an overdue bystander request: remove the video or decline with a reason',
        params: BystanderIdParams,
        body: AnswerBystanderBody,
        response: responses(200, BystanderRequestSchema, 400, 401, 403, 404, 409),
      },
    },
    (request) => bystander.answerAsModerator(request.viewer, request.params.id, request.body),
  );
}
