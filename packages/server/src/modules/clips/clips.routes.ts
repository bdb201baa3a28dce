import { Type } from 'typebox';
import { responses } from '../../http/schema.js';
import type { App } from '../../http/types.js';
import { PublicIdParams } from '../../public-ids.js';
import type { Services } from '../../services.js';
import { CiphertextResponse, ClipPage, ClipQuery, ClipSchema } from './clips.schema.js';

export function clipsRoutes(app: App, { clips }: Services): void {
  app.get(
    '/api/clips',
    {
      schema: {
        operationId: 'listClips',
        tags: ['vault'],
        summary: 'Your clips, newest first; filter by camera and time',
        querystring: ClipQuery,
        response: responses(200, ClipPage, 401),
      },
    },
    (request) => clips.list(request.viewer, request.query),
  );

  app.get(
    '/api/clips/:id',
    {
      schema: {
        operationId: 'getClip',
        tags: ['vault'],
        params: PublicIdParams('cl'),
        response: responses(200, ClipSchema, 401, 404),
      },
    },
    (request) => clips.get(request.viewer, request.params.id),
  );

  app.get(
    '/api/clips/:id/ciphertext',
    {
      schema: {
        operationId: 'getClipCiphertext',
        tags: ['vault'],
        summary: 'The clip’s age ciphertext (Range supported; ETag is its sha256)',
        params: PublicIdParams('cl'),
        response: {
          ...responses(200, Type.Unsafe(CiphertextResponse), 401, 404),
          206: Type.Unsafe(CiphertextResponse),
          304: Type.Null({ description: 'Not modified (If-None-Match matched the ETag)' }),
          416: Type.Null({ description: 'Range not satisfiable' }),
        },
      },
    },
    async (request, reply) => {
      const h = request.headers;
      const out = await clips.ciphertext(request.viewer, request.params.id, {
        range: h.range,
        ifNoneMatch: h['if-none-match'],
        ifRange: typeof h['if-range'] === 'string' ? h['if-range'] : undefined,
      });
      void reply.status(out.status).headers(out.headers);
      return reply.send(out.body ?? null);
    },
  );

  app.delete(
    '/api/clips/:id',
    {
      schema: {
        operationId: 'deleteClip',
        tags: ['vault'],
        params: PublicIdParams('cl'),
        response: responses(204, Type.Null(), 401, 403, 404),
      },
    },
    async (request, reply) => {
      await clips.delete(request.viewer, request.params.id);
      return reply.status(204).send(null);
    },
  );
}
