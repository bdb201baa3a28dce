import { Type } from 'typebox';
import { MAX_ID, Obj, responses } from '../../http/schema.js';
import type { App } from '../../http/types.js';
import type { Services } from '../../services.js';
import { BlockList, MuteList } from './mutes.schema.js';

const UserIdParams = Obj({ userId: Type.Integer({ minimum: 1, maximum: MAX_ID }) });

/** A resident's mutes and blocks: private, never told to the other person, never logged. */
export function mutesRoutes(app: App, { mutes }: Services): void {
  // Mutes and blocks have the same three routes; only the names, the rule and the service calls differ.
  const relations = [
    {
      path: '/api/me/mutes',
      list: { operationId: 'getMutes', schema: MuteList, run: mutes.list.bind(mutes) },
      put: {
        operationId: 'mute',
        description:
          'Stop seeing this person’s posts and comments (feed, threads and live). They are not told.',
        run: mutes.mute.bind(mutes),
      },
      remove: { operationId: 'unmute', run: mutes.unmute.bind(mutes) },
    },
    {
      path: '/api/me/blocks',
      list: { operationId: 'getBlocks', schema: BlockList, run: mutes.listBlocks.bind(mutes) },
      put: {
        operationId: 'block',
        description:
          'Neither of you sees the other’s posts and comments (feed, threads and live), and they cannot comment on or react to your posts (they get 404, as for a post that does not exist). No notifications pass between you. They are not told.',
        run: mutes.block.bind(mutes),
      },
      remove: { operationId: 'unblock', run: mutes.unblock.bind(mutes) },
    },
  ] as const;

  for (const r of relations) {
    app.get(
      r.path,
      {
        schema: {
          operationId: r.list.operationId,
          tags: ['users'],
          response: responses(200, r.list.schema, 401),
        },
      },
      (request) => r.list.run(request.viewer),
    );
    app.put(
      `${r.path}/:userId`,
      {
        schema: {
          operationId: r.put.operationId,
          tags: ['users'],
          description: r.put.description,
          params: UserIdParams,
          response: responses(204, Type.Null(), 400, 401, 404),
        },
      },
      async (request, reply) => {
        await r.put.run(request.viewer, request.params.userId);
        return reply.status(204).send(null);
      },
    );
    app.delete(
      `${r.path}/:userId`,
      {
        schema: {
          operationId: r.remove.operationId,
          tags: ['users'],
          params: UserIdParams,
          response: responses(204, Type.Null(), 401),
        },
      },
      async (request, reply) => {
        await r.remove.run(request.viewer, request.params.userId);
        return reply.status(204).send(null);
      },
    );
  }
}
