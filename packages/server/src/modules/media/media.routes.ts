import { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { AppError, notFound } from '../../errors.js';
import { sendProblem } from '../../http/problem.js';
import { responses } from '../../http/schema.js';
import type { App } from '../../http/types.js';
import type { Services } from '../../services.js';
import { TusProblem } from '../clips/uploads.service.js';
import { MediaBody, MediaParams } from './media.schema.js';
import { MEDIA_ID_HEADER, MEDIA_UPLOADS_PATH, type MediaService } from './media.service.js';

const UPLOAD_ID = /^[0-9a-f]{32}$/;

/** The Fastify request as tus's WHATWG Request, body streamed, URL built from the authorised path only. */
function webRequest(request: FastifyRequest, path: string): Request {
  const raw = request.raw;
  const headers = new Headers();
  for (const [k, v] of Object.entries(raw.headers)) {
    if (Array.isArray(v)) for (const x of v) headers.append(k, x);
    else if (v !== undefined) headers.set(k, v);
  }
  const hasBody = raw.method === 'PATCH' || raw.method === 'POST';
  const req = new Request(new URL(path, 'http://porchlight.internal'), {
    method: raw.method ?? 'GET',
    headers,
    ...(hasBody ? { body: Readable.toWeb(raw) as ReadableStream<Uint8Array>, duplex: 'half' } : {}),
  });
  Object.defineProperty(req, 'runtime', { value: { node: { req: raw, res: request.raw } } });
  return req;
}

/** Writes tus's Response; a plain-text error becomes a problem document like the rest of the API. */
async function send(request: FastifyRequest, reply: FastifyReply, res: Response): Promise<void> {
  const headers = new Headers(res.headers);
  let body = res.body ? await res.text() : '';
  if (res.status >= 400 && request.method !== 'HEAD') {
    if (!body.startsWith('{')) {
      if (res.status >= 500) request.log.error({ status: res.status, body }, 'tus media upload failed');
      const code = res.status === 413 ? 'payload_too_large' : res.status >= 500 ? 'internal' : 'bad_request';
      const detail =
        code === 'internal' ? `something went wrong; correlation id ${request.id}` : body.trim() || code;
      body = JSON.stringify({ ...JSON.parse(new TusProblem(code, detail).body), status: res.status });
    }
    headers.set('content-type', 'application/problem+json');
    headers.set('content-length', String(Buffer.byteLength(body)));
  }
  const out: Record<string, string> = {};
  headers.forEach((value, name) => (out[name] = value));
  reply.raw.writeHead(res.status, out);
  reply.raw.end(request.method === 'HEAD' ? undefined : body);
}

/** `/api/media/uploads[/<id>]` exactly: a query string or anything else in the URL is refused. */
function exactPath(request: FastifyRequest, id: string | undefined): string {
  if (id !== undefined && !UPLOAD_ID.test(id)) throw notFound('upload');
  const path = id === undefined ? MEDIA_UPLOADS_PATH : `${MEDIA_UPLOADS_PATH}/${id}`;
  if ((request.raw.url ?? '') !== path)
    throw new AppError('bad_request', `the upload URL must be exactly ${path}`);
  return path;
}

async function handleTus(media: MediaService, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const id = (request.params as { id?: string }).id;
  if (request.method === 'OPTIONS') {
    reply.hijack();
    await send(request, reply, await media.tus.handleWeb(webRequest(request, MEDIA_UPLOADS_PATH)));
    return;
  }
  const header = (name: string) => {
    const v = request.headers[name];
    return Array.isArray(v) ? v.join(',') : v;
  };
  try {
    const path = exactPath(request, id);
    const owner = media.uploader(request.viewer, header('authorization'));
    if (id === undefined) {
      await media.assertMayUpload(owner);
      const intent = media.validateCreation(owner, {
        uploadLength: header('upload-length'),
        uploadDeferLength: header('upload-defer-length'),
        metadata: header('upload-metadata'),
      });
      reply.hijack();
      await send(request, reply, await media.create(webRequest(request, path), intent));
      return;
    }
    const upload = await media.ownUpload(owner, id);
    if (request.method === 'PATCH') await media.assertMayUpload(owner);
    if (upload.media_id !== null) {
      if (request.method === 'HEAD') {
        await reply
          .status(200)
          .headers({
            'tus-resumable': '1.0.0',
            'upload-offset': String(upload.size_bytes),
            'upload-length': String(upload.size_bytes),
            'cache-control': 'no-store',
            [MEDIA_ID_HEADER]: upload.media_id,
          })
          .send();
        return;
      }
      throw new AppError('conflict', `this upload is finished: it is ${upload.media_id}`);
    }
    reply.hijack();
    let res = await media.tus.handleWeb(webRequest(request, path));
    if (request.method === 'DELETE' && res.status === 204) await media.terminated(id);
    if (request.method === 'HEAD' && res.status === 200) {
      // Every byte stored but no media: the server stopped in between. Finish it now.
      const offset = res.headers.get('upload-offset');
      if (offset !== null && offset === res.headers.get('upload-length')) {
        const headers = new Headers(res.headers);
        try {
          headers.set(MEDIA_ID_HEADER, await media.finish(id));
          res = new Response(null, { status: 200, headers });
        } catch (err) {
          if (!(err instanceof TusProblem)) throw err;
          res = new Response(err.body, { status: err.status_code, headers });
        }
      }
    }
    await send(request, reply, res);
    return;
  } catch (err) {
    if (err instanceof AppError && !reply.sent) {
      void reply.header('tus-resumable', '1.0.0');
      return sendProblem(reply, request, err);
    }
    throw err;
  }
}

/**
 * Post photos and video: tus uploads at `/api/media/uploads` (session + CSRF, like every state change) and the
 * re-encoded files at `/api/media/{id}` and `/api/media/{id}/thumbnail` (Range supported).
 */
export function mediaRoutes(app: App, { media }: Services): void {
  void app.register((scope, _opts, done) => {
    scope.addContentTypeParser('application/offset+octet-stream', (_req, _payload, next) => {
      next(null);
    });
    const schema = { hide: true };
    const handler = (request: FastifyRequest, reply: FastifyReply) => handleTus(media, request, reply);
    scope.route({ method: ['POST', 'OPTIONS'], url: MEDIA_UPLOADS_PATH, schema, handler });
    scope.route({
      method: ['HEAD', 'PATCH', 'DELETE', 'OPTIONS'],
      url: `${MEDIA_UPLOADS_PATH}/:id`,
      schema,
      handler,
    });
    done();
  });

  for (const variant of ['full', 'thumbnail'] as const) {
    app.get(
      variant === 'full' ? '/api/media/:id' : '/api/media/:id/thumbnail',
      {
        schema: {
          operationId: variant === 'full' ? 'getMedia' : 'getMediaThumbnail',
          tags: ['posts'],
          summary:
            variant === 'full'
              ? 'A post’s photo (JPEG) or video (MP4), re-encoded without metadata; Range supported'
              : 'A post photo’s thumbnail or a video’s poster frame (JPEG)',
          params: MediaParams,
          response: {
            ...responses(200, Type.Unsafe(MediaBody), 401, 404),
            206: Type.Unsafe(MediaBody),
            304: Type.Null({ description: 'Not modified (If-None-Match matched the ETag)' }),
            416: Type.Null({ description: 'Range not satisfiable' }),
          },
        },
      },
      async (request, reply) => {
        const h = request.headers;
        const out = await media.serve(request.viewer, request.params.id, variant, {
          range: h.range,
          ifNoneMatch: h['if-none-match'],
          ifRange: typeof h['if-range'] === 'string' ? h['if-range'] : undefined,
        });
        void reply.status(out.status).headers(out.headers);
        return reply.send(out.body ?? null);
      },
    );
  }
}
