import client from 'prom-client';
import { Type } from 'typebox';
import type { Deps } from '../../deps.js';
import { AppError } from '../../errors.js';
import { Obj, responses } from '../../http/schema.js';
import type { App } from '../../http/types.js';
import { checkMetricsAccess, listenForMetrics, type MetricsListener } from './metrics.js';
import { PMTILES_URL } from '../basemap/basemap.routes.js';
import { DEFAULT_RADIUS_M, MAX_RADIUS_M, MIN_RADIUS_M } from '../../geo/cells.js';

/** Liveness, readiness and Prometheus metrics (token-protected, or on a private listener). */
export function opsRoutes(app: App, deps: Deps, registry: client.Registry): void {
  const httpDuration = new client.Histogram({
    name: 'porchlight_http_request_duration_seconds',
    help: 'HTTP request duration by route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  app.addHook('onResponse', (request, reply, done) => {
    httpDuration.observe(
      {
        method: request.method,
        route: request.routeOptions.url ?? 'unmatched',
        status: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
    done();
  });

  const Status = Obj({ status: Type.String() });

  app.get(
    '/healthz',
    { schema: { operationId: 'healthz', tags: ['ops'], response: { 200: Status } }, logLevel: 'warn' },
    () => ({ status: 'ok' }),
  );

  app.get(
    '/readyz',
    {
      schema: { operationId: 'readyz', tags: ['ops'], response: responses(200, Status, 503) },
      logLevel: 'warn',
    },
    async () => {
      try {
        await deps.db.query('SELECT 1');
      } catch {
        throw new AppError('unavailable', 'database is not reachable');
      }
      return { status: 'ready' };
    },
  );

  app.get(
    '/api/config',
    {
      schema: {
        operationId: 'getClientConfig',
        tags: ['ops'],
        summary: 'Settings the web app needs before sign-in',
        response: {
          200: Obj({
            mapStyleUrl: Type.Union([Type.String(), Type.Null()], {
              description: 'MapLibre style URL; null = tile-less',
            }),
            pmtilesUrl: Type.Union([Type.String(), Type.Null()], {
              description:
                'Path of the PMTiles street basemap this server serves (MAP_PMTILES_PATH), e.g. /tiles/basemap.pmtiles; null = none',
            }),
            radius: Obj({ minM: Type.Integer(), maxM: Type.Integer(), defaultM: Type.Integer() }),
            geocoder: Type.Boolean({ description: 'Whether address search (/api/geocode) is configured' }),
          }),
        },
      },
    },
    () => ({
      mapStyleUrl: deps.config.mapStyleUrl || null,
      pmtilesUrl: deps.config.mapPmtilesPath === undefined ? null : PMTILES_URL,
      radius: { minM: MIN_RADIUS_M, maxM: MAX_RADIUS_M, defaultM: DEFAULT_RADIUS_M },
      geocoder: deps.config.geocoder !== undefined,
    }),
  );

  app.get('/metrics', { schema: { hide: true }, logLevel: 'warn' }, async (request, reply) => {
    checkMetricsAccess(deps.config, request.headers.authorization);
    reply.type(registry.contentType).header('cache-control', 'no-store');
    return registry.metrics();
  });

  // The private listener starts with the public one (main.ts's listen), never in tests that only inject.
  const at = deps.config.metricsListen;
  if (at) {
    let listener: MetricsListener | undefined;
    app.addHook('onListen', async () => {
      listener = await listenForMetrics(deps.config, registry, at);
      app.log.info({ metrics: `${at.host}:${listener.address().port}` }, 'serving /metrics privately');
    });
    app.addHook('onClose', async () => {
      await listener?.close();
    });
  }
}
