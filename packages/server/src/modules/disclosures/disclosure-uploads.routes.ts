import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../errors.js';
import { TusProblem } from '../clips/uploads.service.js';
import {
  DISCLOSURE_ID_HEADER,
  isDisclosureMetadata,
  type DisclosureUploadsService,
} from './disclosure-uploads.js';

/** What the tus route lends this handler: turning the request into tus's and tus's answer into the reply. */
export interface TusPlumbing {
  webRequest(request: FastifyRequest, path: string): Request;
  send(request: FastifyRequest, reply: FastifyReply, res: Response): Promise<void>;
}

/** Whether a tus request at `/api/uploads[/<id>]` is a disclosure upload (creation metadata, or an upload id). */
export async function isDisclosureUploadRequest(
  d: DisclosureUploadsService,
  id: string | undefined,
  metadata: string | undefined,
): Promise<boolean> {
  return id === undefined ? isDisclosureMetadata(metadata) : d.isDisclosureUpload(id);
}

/**
 * One tus request for a disclosure upload, already routed to the exact authorised `path`. The owner is the
 * session's user (never a device token); every other user's upload does not exist. AppErrors propagate to
 * the tus route, which renders them.
 */
export async function handleDisclosureUpload(
  d: DisclosureUploadsService,
  tus: TusPlumbing,
  request: FastifyRequest,
  reply: FastifyReply,
  path: string,
  id: string | undefined,
  header: (name: string) => string | undefined,
): Promise<void> {
  const owner = d.owner(request.viewer, header('authorization'));
  if (id === undefined) {
    const intent = await d.validateCreation(owner, {
      uploadLength: header('upload-length'),
      uploadDeferLength: header('upload-defer-length'),
      metadata: header('upload-metadata'),
    });
    reply.hijack();
    return tus.send(request, reply, await d.create(tus.webRequest(request, path), intent));
  }
  const upload = await d.ownUpload(owner, id);
  if (upload.disclosure_id !== null) {
    if (request.method === 'HEAD') {
      await reply
        .status(200)
        .headers({
          'tus-resumable': '1.0.0',
          'upload-offset': String(upload.size_bytes),
          'upload-length': String(upload.size_bytes),
          'cache-control': 'no-store',
          [DISCLOSURE_ID_HEADER]: upload.disclosure_id,
        })
        .send();
      return;
    }
    throw new AppError('conflict', `this upload is finished: it is disclosure ${upload.disclosure_id}`);
  }
  reply.hijack();
  let res = await d.tus.handleWeb(tus.webRequest(request, path));
  if (request.method === 'DELETE' && res.status === 204) await d.terminated(id);
  if (request.method === 'HEAD' && res.status === 200) res = await completeInterrupted(d, id, res);
  return tus.send(request, reply, res);
}

/** A HEAD finding every byte stored but no disclosure (the server stopped in between): finish it now. */
async function completeInterrupted(
  d: DisclosureUploadsService,
  id: string,
  res: Response,
): Promise<Response> {
  const offset = res.headers.get('upload-offset');
  if (offset === null || offset !== res.headers.get('upload-length')) return res;
  const headers = new Headers(res.headers);
  try {
    headers.set(DISCLOSURE_ID_HEADER, await d.finish(id));
    return new Response(null, { status: 200, headers });
  } catch (err) {
    if (!(err instanceof TusProblem)) throw err;
    return new Response(err.body, { status: err.status_code, headers });
  }
}
