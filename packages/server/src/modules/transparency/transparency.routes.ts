import { parseEntriesPath, parseTilePath } from '@porchlight/tlog';
import type { FastifyReply } from 'fastify';
import { notFound } from '../../errors.js';
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

/** A path the C2SP layout does not spell is simply not a resource here. */
function parseOr404<T>(parse: () => T): T {
  try {
    return parse();
  } catch {
    throw notFound('tile');
  }
}
