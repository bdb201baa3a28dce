import { Type } from 'typebox';
import { MAX_ID, Obj, responses } from '../../http/schema.js';
import type { App } from '../../http/types.js';
import type { Services } from '../../services.js';
import { MuteList } from './mutes.schema.js';

const UserIdParams = Obj({ userId: Type.Integer({ minimum: 1, maximum: MAX_ID }) });

/** A resident's mutes: private, never told to the muted person, never logged. */
export function mutesRoutes(app: App, { mutes }: Services): void {
  app.get(
    '/api/me/mutes',
    {
      schema: {
        operationId: 'getMutes',
        tags: ['users'],
        response: responses(200, MuteList, 401),
      },
    },
    (request) => mutes.list(request.viewer),
  );

  app.put(
    '/api/me/mutes/:userId',
    {
      schema: {
        operationId: 'mute',
        tags: ['users'],
        description:
          'Stop seeing this person’s posts and comments (feed, threads and live). They are not told.',
        params: UserIdParams,
        response: responses(204, Type.Null(), 400, 401, 404),
      },
    },
    async (request, reply) => {
      await mutes.mute(request.viewer, request.params.userId);
      return reply.status(204).send(null);
    },
  );

  app.delete(
    '/api/me/mutes/:userId',
    {
      schema: {
        operationId: 'unmute',
        tags: ['users'],
        params: UserIdParams,
        response: responses(204, Type.Null(), 401),
      },
    },
    async (request, reply) => {
      await mutes.unmute(request.viewer, request.params.userId);
      return reply.status(204).send(null);
    },
  );
}
