import { Type } from 'typebox';
import type { Config } from '../../config.js';
import { responses } from '../../http/schema.js';
import {
  SESSION_COOKIE,
  CSRF_COOKIE,
  cookieOptions,
  setAnonymousCsrf,
  setSessionCookies,
} from '../../http/session.js';
import type { App } from '../../http/types.js';
import type { Services } from '../../services.js';
import { SessionSchema, SignInBody, SignUpBody } from './auth.schema.js';
import { PENDING_COOKIE, secondFactorRoutes } from './mfa.routes.js';
import { STAFF_ROLES } from './mfa.service.js';

export function authRoutes(app: App, { auth, users }: Services, config: Config): void {
  const rateLimit = { max: config.authRateLimit, timeWindow: '1 minute' };

  app.get(
    '/api/session',
    {
      config: { secondFactorEnrolment: true },
      schema: {
        operationId: 'getSession',
        tags: ['auth'],
        summary: 'The signed-in user (or null) and the CSRF token for state-changing requests',
        response: responses(200, SessionSchema),
      },
    },
    async (request, reply) => {
      const user = request.viewer ? await users.me(request.viewer) : null;
      const csrfToken = request.csrfToken ?? setAnonymousCsrf(reply, config);
      return { user, csrfToken, ...(request.secondFactorRequired ? { secondFactorRequired: true } : {}) };
    },
  );

  app.post(
    '/api/auth/signup',
    {
      config: { rateLimit },
      schema: {
        operationId: 'signUp',
        tags: ['auth'],
        summary: 'Create a resident account and sign in',
        body: SignUpBody,
        response: responses(201, SessionSchema, 403, 409, 429),
      },
    },
    async (request, reply) => {
      const s = await auth.signUp(request.body);
      setSessionCookies(reply, config, s);
      return reply.status(201).send({ user: s.user, csrfToken: s.csrfToken });
    },
  );

  app.post(
    '/api/auth/signin',
    {
      config: { rateLimit, secondFactorEnrolment: true },
      schema: {
        operationId: 'signIn',
        tags: ['auth'],
        summary: 'Sign in with email and password',
        body: SignInBody,
        response: responses(200, SessionSchema, 401, 403, 429),
      },
    },
    async (request, reply) => {
      const s = await auth.signIn(request.body);
      if (s.kind === 'second_step') {
        // Not a session: a five-minute token that only the second-step routes accept.
        reply.setCookie(PENDING_COOKIE, s.pendingToken, cookieOptions(config, 300));
        return {
          user: null,
          csrfToken: request.csrfToken ?? setAnonymousCsrf(reply, config),
          secondStep: { methods: s.methods },
        };
      }
      setSessionCookies(reply, config, s);
      // A staff or agency account with no factor to ask for gets a session that may only enrol one.
      return {
        user: s.user,
        csrfToken: s.csrfToken,
        ...(STAFF_ROLES.has(s.user.role) ? { secondFactorRequired: true } : {}),
      };
    },
  );

  app.post(
    '/api/auth/signout',
    {
      config: { secondFactorEnrolment: true },
      schema: {
        operationId: 'signOut',
        tags: ['auth'],
        summary: 'End this session',
        response: responses(
          200,
          Type.Object({ csrfToken: Type.String() }, { additionalProperties: false }),
          403,
        ),
      },
    },
    async (request, reply) => {
      await auth.signOut(request.cookies[SESSION_COOKIE]);
      reply.clearCookie(SESSION_COOKIE, cookieOptions(config));
      reply.clearCookie(CSRF_COOKIE, cookieOptions(config));
      return { csrfToken: setAnonymousCsrf(reply, config) };
    },
  );

  secondFactorRoutes(app, auth, config);
}
