import { parseEntriesPath, parseTilePath } from '@porchlight/tlog';
import type { FastifyReply } from 'fastify';
import { Type } from 'typebox';
import { notFound } from '../../errors.js';
import { Obj } from '../../http/schema.js';
import type { App } from '../../http/types.js';
import type { Services } from '../../services.js';

const IMMUTABLE = 'public, max-age=31536000, immutable';
// A partial tile's bytes never change either, but clients should move on to the wider or full tile soon.
const PARTIAL = 'public, max-age=60';

function sendBytes(reply: FastifyReply, data: Uint8Array, full: boolean): FastifyReply {
  return reply
    .type('application/octet-stream')
    .header('cache-control', full ? IMMUTABLE : PARTIAL)
    .send(Buffer.from(data.buffer, data.byteOffset, data.length));
}

/**
 * The public transparency log in C2SP tlog-tiles layout under `/log/`. No session, no CSRF: anyone may read
 * and mirror it. Not in the OpenAPI document — the C2SP specs are its contract.
 */
export function transparencyRoutes(app: App, services: Services): void {
  const log = services.transparency;

  app.get('/log/checkpoint', { schema: { hide: true } }, async (_request, reply) => {
    const note = await log.checkpoint();
    return reply.type('text/plain; charset=utf-8').header('cache-control', 'no-store').send(note);
  });

  app.get('/log/key', { schema: { hide: true } }, async (_request, reply) => {
    const vkey = await log.verifierKey();
    return reply.type('text/plain; charset=utf-8').header('cache-control', 'no-cache').send(vkey);
  });

  // Porchlight extensions next to the C2SP resources: an inclusion proof for any entry (c2sp.org/tlog-proof),
  // the log's key history and any checkpoint it has signed (an auditor follows a key rotation with these).
  app.get<{ Params: { index: number } }>(
    '/log/proof/:index',
    { schema: { hide: true, params: LogIndexParams('index') } },
    async (request, reply) => {
      const proof = await log.proofDocument(request.params.index);
      return reply.type('text/plain; charset=utf-8').header('cache-control', 'no-cache').send(proof);
    },
  );

  app.get('/log/keys', { schema: { hide: true } }, async (_request, reply) => {
    const vkeys = await log.keyHistory();
    return reply
      .type('text/plain; charset=utf-8')
      .header('cache-control', 'no-cache')
      .send(vkeys.map((k) => `${k}\n`).join(''));
  });

  app.get<{ Params: { size: number } }>(
    '/log/checkpoints/:size',
    { schema: { hide: true, params: LogIndexParams('size') } },
    async (request, reply) => {
      const note = await log.checkpointAt(request.params.size);
      return reply.type('text/plain; charset=utf-8').header('cache-control', IMMUTABLE).send(note);
    },
  );

  app.get<{ Params: { '*': string } }>('/log/tile/*', { schema: { hide: true } }, async (request, reply) => {
    const path = `tile/${request.params['*']}`;
    if (path.startsWith('tile/entries/')) {
      const at = parseOr404(() => parseEntriesPath(path));
      return sendBytes(reply, await log.entryBundle(at.index, at.width), at.width === 256);
    }
    const tile = parseOr404(() => parseTilePath(path));
    return sendBytes(reply, await log.hashTile(tile), tile.width === 256);
  });
}

/** A leaf index or tree size in a path; anything else is a 400 naming the parameter. */
function LogIndexParams(name: string) {
  return Obj({ [name]: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }) });
}

/** A path the C2SP layout does not spell is simply not a resource here. */
function parseOr404<T>(parse: () => T): T {
  try {
    return parse();
  } catch {
    throw notFound('tile');
  }
}
