import { Type } from 'typebox';
import { MAX_ID, Obj, responses } from '../../http/schema.js';
import type { App } from '../../http/types.js';
import type { Services } from '../../services.js';
import { BlockList, MuteList } from './mutes.schema.js';

const UserIdParams = Obj({ userId: Type.Integer({ minimum: 1, maximum: MAX_ID }) });

/** A resident's mutes and blocks: private, never told to the other person, never logged. */
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

  app.get(
    '/api/me/blocks',
    {
      schema: {
        operationId: 'getBlocks',
        tags: ['users'],
        response: responses(200, BlockList, 401),
      },
    },
    (request) => mutes.listBlocks(request.viewer),
  );

  app.put(
    '/api/me/blocks/:userId',
    {
      schema: {
        operationId: 'block',
        tags: ['users'],
        description:
          'Neither of you sees the other’s posts and comments (feed, threads and live), and they cannot comment on or react to your posts (they get 404, as for a post that does not exist). No notifications pass between you. They are not told.',
        params: UserIdParams,
        response: responses(204, Type.Null(), 400, 401, 404),
      },
    },
    async (request, reply) => {
      await mutes.block(request.viewer, request.params.userId);
      return reply.status(204).send(null);
    },
  );

  app.delete(
    '/api/me/blocks/:userId',
    {
      schema: {
        operationId: 'unblock',
        tags: ['users'],
        params: UserIdParams,
        response: responses(204, Type.Null(), 401),
      },
    },
    async (request, reply) => {
      await mutes.unblock(request.viewer, request.params.userId);
      return reply.status(204).send(null);
    },
  );
}
