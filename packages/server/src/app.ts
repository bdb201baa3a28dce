import fs from 'node:fs';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { LogController, type FastifyServerOptions } from 'fastify';
import client from 'prom-client';
import type { Deps } from './deps.js';
import { AppError } from './errors.js';
import { registerQuietRequestLog } from './http/logging.js';
import { registerProblemHandlers, routeNotFound } from './http/problem.js';
import { ProblemSchema } from './http/schema.js';
import { registerSecurityHeaders } from './http/security-headers.js';
import { registerSession } from './http/session.js';
import type { App } from './http/types.js';
import { validatorCompiler } from './http/validation.js';
import { agenciesRoutes } from './modules/agencies/agencies.routes.js';
import { authRoutes } from './modules/auth/auth.routes.js';
import { liveRoutes } from './modules/live/live.routes.js';
import { moderationRoutes } from './modules/moderation/moderation.routes.js';
import { opsRoutes } from './modules/ops/ops.routes.js';
import { requestPoliciesRoutes } from './modules/policies/policies.routes.js';
import { postsRoutes } from './modules/posts/posts.routes.js';
import { mediaRoutes } from './modules/media/media.routes.js';
import { transparencyPublicRoutes } from './modules/transparency/transparency-public.routes.js';
import { dashboardRoutes } from './modules/dashboard/dashboard.routes.js';
import { registerLogMetrics } from './modules/transparency/transparency.metrics.js';
import { transparencyRoutes } from './modules/transparency/transparency.routes.js';
import { registerWitnessMetrics } from './modules/transparency/transparency.witnesses.js';
import { registerClipMetrics } from './modules/clips/clips.metrics.js';
import { registerJobMetrics } from './infra/jobs/index.js';
import { usersRoutes } from './modules/users/users.routes.js';
import { mutesRoutes } from './modules/mutes/mutes.routes.js';
import { followsRoutes } from './modules/follows/follows.routes.js';
import { suspensionsRoutes } from './modules/suspensions/suspensions.routes.js';
import { camerasRoutes } from './modules/cameras/cameras.routes.js';
import { clipsRoutes } from './modules/clips/clips.routes.js';
import { uploadsRoutes } from './modules/clips/uploads.routes.js';
import { devicesRoutes } from './modules/devices/devices.routes.js';
import { vaultRoutes } from './modules/vault/vault.routes.js';
import { bystanderRoutes } from './modules/bystander/bystander.routes.js';
import { inboxRoutes } from './modules/inbox/inbox.routes.js';
import { requestsRoutes } from './modules/requests/requests.routes.js';
import { agencyKeysRoutes } from './modules/agency-keys/agency-keys.routes.js';
import { disclosuresRoutes } from './modules/disclosures/disclosures.routes.js';
import { legalRoutes } from './modules/legal/legal.routes.js';
import { accountRoutes } from './modules/account/account.routes.js';
import { basemapRoutes } from './modules/basemap/basemap.routes.js';
import { geocoderRoutes } from './modules/geocoder/geocoder.routes.js';
import { createGeocoder } from './modules/geocoder/geocoder.service.js';
import { notificationsRoutes } from './modules/notifications/notifications.routes.js';
import { pushRoutes } from './modules/push/push.routes.js';
import { createServices, type Services } from './services.js';

export interface BuiltApp {
  app: App;
  services: Services;
}

/** Builds the HTTP application on the given infrastructure. Does not listen; `main.ts` does. */
export async function buildApp(
  deps: Deps,
  options: {
    logger?: FastifyServerOptions['logger'];
    /** One log line per request, errors and slow ones only at info (http/logging.ts); for a terminal. */
    quietRequests?: boolean;
  } = {},
): Promise<BuiltApp> {
  const app = Fastify({
    logger: options.logger ?? { level: deps.config.logLevel },
    // Quiet mode replaces Fastify's two lines per request with registerQuietRequestLog's one.
    ...(options.quietRequests ? { logController: new LogController({ disableRequestLogging: true }) } : {}),
    trustProxy: deps.config.trustProxy,
    bodyLimit: 256 * 1024,
    genReqId: () => crypto.randomUUID(),
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.setValidatorCompiler(validatorCompiler());
  // The API speaks JSON only; Fastify's default text/plain parser would turn a 415 into a confusing 400.
  app.removeContentTypeParser('text/plain');
  registerProblemHandlers(app);
  if (options.quietRequests) registerQuietRequestLog(app);
  registerSecurityHeaders(app, deps.config);
  app.addSchema(ProblemSchema);

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Porchlight API',
        version: '0.1.0',
        description:
          'Neighbourhood safety network. Errors are RFC 9457 application/problem+json with a stable code.',
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'pl_session' },
          csrf: { type: 'apiKey', in: 'header', name: 'X-CSRF-Token' },
          device: { type: 'http', scheme: 'bearer', description: 'A paired hub’s device token' },
        },
      },
    },
    refResolver: {
      buildLocalReference: (json, _base, _fragment, i) =>
        typeof json.$id === 'string' ? json.$id : `def-${i}`,
    },
  });

  await app.register(cookie);
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) =>
      new AppError('rate_limited', `too many attempts; try again in ${Math.ceil(context.ttl / 1000)} s`),
  });

  const services = createServices(deps);
  registerSession(app, services.auth);
  services.mail.useLog(app.log);
  app.addHook('onClose', () => {
    services.mail.close();
  });

  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry });
  opsRoutes(app, deps, registry);
  authRoutes(app, services, deps.config);
  accountRoutes(app, services, deps.config);
  usersRoutes(app, services);
  mutesRoutes(app, services);
  followsRoutes(app, services);
  suspensionsRoutes(app, services);
  postsRoutes(app, services);
  mediaRoutes(app, services);
  moderationRoutes(app, services);
  liveRoutes(app, services, registry);
  transparencyRoutes(app, services);
  registerLogMetrics(registry, services.transparency);
  registerWitnessMetrics(registry, services.transparency.witnesses);
  registerClipMetrics(registry, services.clips);
  registerJobMetrics(registry, deps.db, deps.clock);
  transparencyPublicRoutes(app, services);
  dashboardRoutes(app, services);
  agenciesRoutes(app, services);
  requestPoliciesRoutes(app, services);
  legalRoutes(app, services);
  vaultRoutes(app, services);
  camerasRoutes(app, services);
  devicesRoutes(app, services, deps.config);
  clipsRoutes(app, services);
  uploadsRoutes(app, services);
  agencyKeysRoutes(app, services);
  disclosuresRoutes(app, services);
  requestsRoutes(app, services);
  inboxRoutes(app, services);
  bystanderRoutes(app, services, deps.config);
  notificationsRoutes(app, services);
  pushRoutes(app, services);
  // Live notifications: listens for new ones from any process while the app runs.
  app.addHook('onReady', () => services.notifications.start(app.log));
  app.addHook('onClose', () => services.notifications.stop());
  // Started by main.ts like the sequencer; a job in flight finishes before the database closes.
  app.addHook('onClose', () => services.jobs.stop());
  // The sequencer is started by main.ts; whoever started it, it must finish before the database closes.
  app.addHook('onClose', () => services.transparency.stop());

  geocoderRoutes(app, createGeocoder(deps.config));
  basemapRoutes(app, deps.config);

  app.get('/openapi.json', { schema: { hide: true } }, () => app.swagger());

  if (fs.existsSync(deps.config.webDir)) {
    await app.register(fastifyStatic, { root: deps.config.webDir, wildcard: false, index: 'index.html' });
    // Client-side routes fall back to the SPA shell; unknown API paths stay problem documents.
    app.setNotFoundHandler((request, reply) =>
      request.method === 'GET' && !request.url.startsWith('/api/') && !request.url.startsWith('/log/')
        ? reply.sendFile('index.html')
        : routeNotFound(request, reply),
    );
  } else {
    app.setNotFoundHandler(routeNotFound);
  }

  return { app, services };
}
