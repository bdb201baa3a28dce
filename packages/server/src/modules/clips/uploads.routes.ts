import { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError, notFound, type ErrorCode } from '../../errors.js';
import { RETRY_AFTER_SECONDS } from '../../http/outage.js';
import { sendProblem } from '../../http/problem.js';
import type { App } from '../../http/types.js';
import type { Services } from '../../services.js';
import type { DisclosureUploadsService } from '../disclosures/disclosure-uploads.js';
import {
  handleDisclosureUpload,
  isDisclosureUploadRequest,
} from '../disclosures/disclosure-uploads.routes.js';
import { CLIP_ID_HEADER, TusProblem, UPLOADS_PATH, type UploadsService } from './uploads.service.js';

/** tus answers errors in plain text; these codes turn them into problem documents like the rest of the API. */
const TUS_STATUS_CODES: Record<number, ErrorCode> = {
  400: 'bad_request',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  410: 'not_found',
  412: 'bad_request',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  460: 'bad_request',
};

/** An upload id as the tus naming function makes them: 16 random bytes in hex. */
const UPLOAD_ID = /^[0-9a-f]{32}$/;

/**
 * The Fastify request as a WHATWG Request for tus, with the body streamed (never buffered). Its URL is built
 * from the path the route authorised, never from the raw URL: tus takes the upload id from the URL's last
 * segment, and anything the client added (a query string, an encoded slash) must not name another upload.
 */
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
  // tus aborts its work when the Node request errors (client gone); give it the Node objects to watch.
  Object.defineProperty(req, 'runtime', { value: { node: { req: raw, res: request.raw } } });
  return req;
}

/** Writes tus's Response to the hijacked socket, turning plain-text errors into problem documents. */
async function send(request: FastifyRequest, reply: FastifyReply, res: Response): Promise<void> {
  const raw = reply.raw;
  const headers = new Headers(res.headers);
  let body = res.body ? await res.text() : '';
  if (res.status >= 400 && request.method !== 'HEAD') {
    if (!body.startsWith('{')) {
      if (res.status >= 500) request.log.error({ status: res.status, body }, 'tus upload failed');
      const code = TUS_STATUS_CODES[res.status] ?? 'internal';
      const detail =
        code === 'internal' ? `something went wrong; correlation id ${request.id}` : body.trim() || code;
      const problem = JSON.parse(new TusProblem(code, detail).body) as Record<string, unknown>;
      body = JSON.stringify({ ...problem, status: res.status, instance: request.url });
    }
    headers.set('content-type', 'application/problem+json');
    headers.set('content-length', String(Buffer.byteLength(body)));
    if (res.status === 503) headers.set('retry-after', String(RETRY_AFTER_SECONDS));
  }
  const out: Record<string, string> = {};
  headers.forEach((value, name) => (out[name] = value));
  raw.writeHead(res.status, out);
  raw.end(request.method === 'HEAD' ? undefined : body);
}

/** A problem answered before tus is involved (still hijacked: tus routes never use Fastify's reply). */
function refuse(request: FastifyRequest, reply: FastifyReply, err: AppError & { clipId?: string }) {
  if (err.clipId !== undefined) void reply.header(CLIP_ID_HEADER, err.clipId);
  void reply.header('tus-resumable', '1.0.0');
  return sendProblem(reply, request, err);
}

/**
 * A HEAD that finds every byte stored but no clip: the server stopped between the last write and making the
 * clip. Finish it now, so the client that resumes learns its clip id (or the 422) instead of a bare "done".
 */
async function completeInterrupted(uploads: UploadsService, id: string, res: Response): Promise<Response> {
  const offset = res.headers.get('upload-offset');
  if (offset === null || offset !== res.headers.get('upload-length')) return res;
  const headers = new Headers(res.headers);
  try {
    headers.set(CLIP_ID_HEADER, await uploads.finish(id));
    return new Response(null, { status: 200, headers });
  } catch (err) {
    if (!(err instanceof TusProblem)) throw err;
    return new Response(err.body, { status: err.status_code, headers });
  }
}

/**
 * The one URL tus may act on: `/api/uploads` or `/api/uploads/<id>`, exactly as the client sent it. A query
 * string, an encoded character or a trailing segment is refused rather than interpreted.
 */
function exactPath(request: FastifyRequest, id: string | undefined): string {
  if (id !== undefined && !UPLOAD_ID.test(id)) throw notFound('upload');
  const path = id === undefined ? UPLOADS_PATH : `${UPLOADS_PATH}/${id}`;
  const raw = request.raw.url ?? '';
  if (raw.includes('?'))
    throw new AppError('bad_request', `upload URLs take no query string: use ${path} exactly`);
  if (raw !== path) throw new AppError('bad_request', `the upload URL must be exactly ${path}`);
  return path;
}

async function handle(
  uploads: UploadsService,
  disclosures: DisclosureUploadsService,
  request: FastifyRequest,
  reply: FastifyReply,
) {
  const method = request.method;
  const id = (request.params as { id?: string }).id;
  if (method === 'OPTIONS') {
    // Capabilities only: tus answers OPTIONS the same for every upload, and reads none.
    reply.hijack();
    return send(request, reply, await uploads.tus.handleWeb(webRequest(request, UPLOADS_PATH)));
  }
  const h = request.headers;
  const header = (name: string) => {
    const v = h[name];
    return Array.isArray(v) ? v.join(',') : v;
  };
  try {
    const path = exactPath(request, id);
    // Disclosures to an agency's request (kind=disclosure) have their own rules: modules/disclosures.
    if (await isDisclosureUploadRequest(disclosures, id, header('upload-metadata'))) {
      await handleDisclosureUpload(disclosures, { webRequest, send }, request, reply, path, id, header);
      return;
    }
    const who = await uploads.uploader(request.viewer, h.authorization);
    if (id === undefined) {
      const intent = await uploads.validateCreation(who, {
        uploadLength: header('upload-length'),
        uploadDeferLength: header('upload-defer-length'),
        metadata: header('upload-metadata'),
      });
      reply.hijack();
      await send(request, reply, await uploads.create(webRequest(request, path), intent));
      return;
    }
    const upload = await uploads.ownUpload(who, id);
    if (upload.clip_public_id !== null) {
      // A finished upload is a clip now: report it complete (so a resuming client stops) and name the clip.
      if (method === 'HEAD') {
        return await reply
          .status(200)
          .headers({
            'tus-resumable': '1.0.0',
            'upload-offset': String(upload.size_bytes),
            'upload-length': String(upload.size_bytes),
            'cache-control': 'no-store',
            [CLIP_ID_HEADER]: upload.clip_public_id,
          })
          .send();
      }
      throw Object.assign(
        new AppError('clip_exists', `this upload is finished: it is clip ${upload.clip_public_id}`),
        { clipId: upload.clip_public_id },
      );
    }
    reply.hijack();
    let res = await uploads.tus.handleWeb(webRequest(request, path));
    if (method === 'DELETE' && res.status === 204) await uploads.terminated(id);
    if (method === 'HEAD' && res.status === 200) res = await completeInterrupted(uploads, id, res);
    await send(request, reply, res);
    return;
  } catch (err) {
    if (err instanceof AppError && !reply.sent) return refuse(request, reply, err);
    throw err;
  }
}

/**
 * tus 1.0 at `/api/uploads` (creation, HEAD, PATCH, termination, OPTIONS). Fastify routes and authenticates
 * (device token or session + CSRF); tus, on the raw stream, does the protocol.
 */
export function uploadsRoutes(app: App, { uploads, disclosureUploads }: Services): void {
  void app.register((scope, _opts, done) => {
    // PATCH bodies are streamed to the blob store by tus; Fastify must leave the stream alone.
    scope.addContentTypeParser('application/offset+octet-stream', (_req, _payload, next) => {
      next(null);
    });
    const config = { deviceAuth: true };
    const schema = { hide: true };
    const handler = (request: FastifyRequest, reply: FastifyReply) =>
      handle(uploads, disclosureUploads, request, reply);
    scope.route({ method: ['POST', 'OPTIONS'], url: UPLOADS_PATH, config, schema, handler });
    scope.route({
      method: ['HEAD', 'PATCH', 'DELETE', 'OPTIONS'],
      url: `${UPLOADS_PATH}/:id`,
      config,
      schema,
      handler,
    });
    done();
  });
}
