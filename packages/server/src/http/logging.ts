import type { FastifyRequest, FastifyServerOptions } from 'fastify';
import type { Config } from '../config.js';
import type { App } from './types.js';

/** Paths whose query strings are personal (a searched address, a point near someone's home): never logged. */
const PRIVATE_QUERY_PATHS = ['/api/geocode'];

/** The URL as logs may show it: private queries are replaced by `?…`. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const path = url.slice(0, q);
  return PRIVATE_QUERY_PATHS.some((p) => path === p || path.startsWith(`${p}/`)) ? `${path}?…` : url;
}

/**
 * The logger for `npm start`: on a terminal, pino-pretty's coloured one-liners (time, level, message) and a
 * quiet request log (see {@link registerQuietRequestLog}); otherwise JSON lines for a log collector. Either way
 * the request serializer drops private query strings.
 */
export function loggerOptions(config: Config, tty: boolean): FastifyServerOptions['logger'] {
  return {
    level: config.logLevel,
    serializers: {
      // Fastify's default request fields, with the URL redacted.
      req: (req: FastifyRequest) => ({
        method: req.method,
        url: redactUrl(req.url),
        host: req.host,
        remoteAddress: req.ip,
        remotePort: req.socket.remotePort,
      }),
    },
    ...(tty
      ? {
          transport: {
            target: 'pino-pretty',
            options: {
              colorize: true,
              translateTime: 'SYS:HH:MM:ss',
              ignore: 'pid,hostname',
              singleLine: true,
            },
          },
        }
      : {}),
  };
}

/** Requests slower than this are worth a line at info level even when they succeeded. */
const SLOW_MS = 1000;

/**
 * One line per request instead of Fastify's two ("incoming request", "request completed"): `GET /api/feed 200
 * 12 ms`. Successful, fast requests log at debug, so a terminal at the default level shows only what needs a
 * look: client and server errors and slow requests.
 */
export function registerQuietRequestLog(app: App): void {
  app.addHook('onResponse', (request, reply, done) => {
    const ms = Math.round(reply.elapsedTime);
    const line = `${request.method} ${redactUrl(request.url)} ${reply.statusCode} ${ms} ms`;
    if (reply.statusCode >= 500) request.log.error(line);
    else if (reply.statusCode >= 400 || ms >= SLOW_MS) request.log.info(line);
    else request.log.debug(line);
    done();
  });
}
