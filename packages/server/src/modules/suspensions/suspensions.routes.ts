import { Type } from 'typebox';
import { responses } from '../../http/schema.js';
import type { App } from '../../http/types.js';
import type { Services } from '../../services.js';
import {
  LiftBody,
  MySuspension,
  SuspendBody,
  SuspensionAppealBody,
  SuspensionIdParams,
  SuspensionList,
  SuspensionSchema,
  UserIdParams,
  UserSuspension,
} from './suspensions.schema.js';

/** Account suspensions: moderators suspend and lift; the suspended account sees why and appeals once. */
export function suspensionsRoutes(app: App, { suspensions }: Services): void {
  app.post(
    '/api/moderation/users/:userId/suspensions',
    {
      schema: {
        operationId: 'suspendAccount',
        tags: ['moderation'],
        summary:
          'Suspend an account for a rule, a reason and a number of days (or until lifted); published in the transparency log without the account',
        params: UserIdParams,
        body: SuspendBody,
        response: responses(201, SuspensionSchema, 400, 401, 403, 404, 409),
      },
    },
    async (request, reply) =>
      reply.status(201).send(await suspensions.suspend(request.viewer, request.params.userId, request.body)),
  );

  app.get(
    '/api/moderation/users/:userId/suspension',
    {
      schema: {
        operationId: 'getAccountSuspension',
        tags: ['moderation'],
        summary: 'The suspension in force on an account, if any',
        params: UserIdParams,
        response: responses(200, UserSuspension, 401, 403, 404),
      },
    },
    (request) => suspensions.ofUser(request.viewer, request.params.userId),
  );

  app.get(
    '/api/moderation/suspensions',
    {
      schema: {
        operationId: 'getSuspensions',
        tags: ['moderation'],
        summary: 'Suspensions in force, appealed ones first',
        response: responses(200, SuspensionList, 401, 403),
      },
    },
    (request) => suspensions.list(request.viewer),
  );

  app.post(
    '/api/moderation/suspensions/:id/lift',
    {
      schema: {
        operationId: 'liftSuspension',
        tags: ['moderation'],
        summary: 'Lift a suspension before its end (published in the transparency log)',
        params: SuspensionIdParams,
        body: LiftBody,
        response: responses(200, Type.Object({ lifted: Type.Literal(true) }), 400, 401, 403, 404, 409),
      },
    },
    (request) => suspensions.lift(request.viewer, request.params.id, request.body),
  );

  app.get(
    '/api/me/suspension',
    {
      schema: {
        operationId: 'getMySuspension',
        tags: ['users'],
        summary: 'Your suspension in force, if any',
        response: responses(200, MySuspension, 401),
      },
    },
    (request) => suspensions.mine(request.viewer),
  );

  app.post(
    '/api/me/suspension/appeal',
    {
      schema: {
        operationId: 'appealSuspension',
        tags: ['users'],
        summary: 'Appeal your suspension (once); moderators see it first in their list',
        body: SuspensionAppealBody,
        response: responses(200, MySuspension, 400, 401, 409),
      },
    },
    (request) => suspensions.appeal(request.viewer, request.body.statement),
  );
}
