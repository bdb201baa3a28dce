import path from 'node:path';
import send from '@fastify/send';
import type { Config } from '../../config.js';
import { AppError } from '../../errors.js';
import { sendProblem } from '../../http/problem.js';
import type { App } from '../../http/types.js';

/** Where the web app finds the operator's PMTiles basemap (`MAP_PMTILES_PATH`). */
export const PMTILES_URL = '/tiles/basemap.pmtiles';

/**
 * Serves the PMTiles basemap file with HTTP range requests (the `pmtiles` client reads the header, directories
 * and tiles as byte ranges): 206 with `Content-Range`, 416 outside the file, `If-Range`, ETag and
 * Last-Modified, cached for a day and revalidated by ETag after a file is replaced. HEAD is answered too.
 * Without `MAP_PMTILES_PATH` the URL is a 404 problem document, not the SPA shell.
 */
export function basemapRoutes(app: App, config: Pick<Config, 'mapPmtilesPath'>): void {
  const file = config.mapPmtilesPath;
  app.get(PMTILES_URL, { schema: { hide: true }, logLevel: 'warn' }, async (request, reply) => {
    if (file === undefined)
      throw new AppError('not_found', 'this server has no PMTiles basemap (MAP_PMTILES_PATH)');
    const result = await send(request.raw, `/${encodeURIComponent(path.basename(file))}`, {
      root: path.dirname(file),
      dotfiles: 'allow',
      index: false,
      maxAge: '1d',
    });
    if (result.type === 'file') {
      void reply.code(result.statusCode).headers(result.headers);
      if (result.statusCode !== 304) void reply.type('application/vnd.pmtiles');
      return reply.send(result.stream);
    }
    if (result.statusCode === 416) {
      const range = result.headers['Content-Range'] ?? '';
      void reply.header('content-range', range);
      return sendProblem(
        reply,
        request,
        new AppError('range_not_satisfiable', `the basemap file has ${range.replace('bytes */', '')} bytes`),
      );
    }
    if (result.statusCode === 412) return reply.code(412).headers(result.headers).send(result.stream);
    request.log.error({ err: result.metadata }, 'the PMTiles basemap file cannot be read');
    throw new AppError('unavailable', 'the PMTiles basemap file cannot be read');
  });
}
