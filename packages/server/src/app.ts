import fs from 'node:fs';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyServerOptions } from 'fastify';
import client from 'prom-client';
import type { Deps } from './deps.js';
import { AppError } from './errors.js';
import { registerProblemHandlers, routeNotFound } from './http/problem.js';
import { ProblemSchema } from './http/schema.js';
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
import { transparencyPublicRoutes } from './modules/transparency/transparency-public.routes.js';
import { registerLogMetrics } from './modules/transparency/transparency.metrics.js';
import { transparencyRoutes } from './modules/transparency/transparency.routes.js';
import { registerWitnessMetrics } from './modules/transparency/transparency.witnesses.js';
import { usersRoutes } from './modules/users/users.routes.js';
import { camerasRoutes } from './modules/cameras/cameras.routes.js';
import { clipsRoutes } from './modules/clips/clips.routes.js';
import { uploadsRoutes } from './modules/clips/uploads.routes.js';
import { devicesRoutes } from './modules/devices/devices.routes.js';
import { vaultRoutes } from './modules/vault/vault.routes.js';
import { createServices, type Services } from './services.js';

export interface BuiltApp {
  app: App;
  services: Services;
}

/** Builds the HTTP application on the given infrastructure. Does not listen; `main.ts` does. */
export async function buildApp(
  deps: Deps,
  options: { logger?: FastifyServerOptions['logger'] } = {},
): Promise<BuiltApp> {
  const app = Fastify({
    logger: options.logger ?? { level: deps.config.logLevel },
    trustProxy: deps.config.trustProxy,
    bodyLimit: 256 * 1024,
    genReqId: () => crypto.randomUUID(),
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.setValidatorCompiler(validatorCompiler());
  // The API speaks JSON only; Fastify's default text/plain parser would turn a 415 into a confusing 400.
  app.removeContentTypeParser('text/plain');
  registerProblemHandlers(app);
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

  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry });
  opsRoutes(app, deps, registry);
  authRoutes(app, services, deps.config);
  usersRoutes(app, services);
  postsRoutes(app, services);
  moderationRoutes(app, services);
  liveRoutes(app, services, registry);
  transparencyRoutes(app, services);
  registerLogMetrics(registry, services.transparency);
  registerWitnessMetrics(registry, services.transparency.witnesses);
  transparencyPublicRoutes(app, services);
  agenciesRoutes(app, services);
  requestPoliciesRoutes(app, services);
  vaultRoutes(app, services);
  camerasRoutes(app, services);
  devicesRoutes(app, services, deps.config);
  clipsRoutes(app, services);
  uploadsRoutes(app, services);
  // Started by main.ts like the sequencer; a retention run in flight finishes before the database closes.
  app.addHook('onClose', () => services.retention.stop());
  // The sequencer is started by main.ts; whoever started it, it must finish before the database closes.
  app.addHook('onClose', () => services.transparency.stop());

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
