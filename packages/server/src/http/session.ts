import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Config } from '../config.js';
import { AppError } from '../errors.js';
import { randomToken, type AuthService } from '../modules/auth/auth.service.js';
import type { Viewer } from '../policies.js';

export const SESSION_COOKIE = 'pl_session';
export const CSRF_COOKIE = 'pl_csrf';
export const CSRF_HEADER = 'x-csrf-token';

declare module 'fastify' {
  interface FastifyInstance {
    /** `METHOD /url` of every route marked `secondFactorEnrolment`: all a limited staff session may use. */
    secondFactorEnrolmentRoutes: ReadonlySet<string>;
  }
  interface FastifyRequest {
    /** The signed-in user, or null. Set for every `/api/` request. */
    viewer: Viewer | null;
    /** The CSRF token bound to this request's session or pre-session cookie. */
    csrfToken: string | undefined;
    /** A staff or agency session that has not passed a second factor: only enrolment routes run for it. */
    secondFactorRequired: boolean;
  }
  interface FastifyContextConfig {
    /** The route accepts `Authorization: Bearer <device token>` and authenticates it itself. */
    deviceAuth?: boolean;
    /** `false` for a route that uses no ambient credential (hub pairing): CSRF cannot apply to it. */
    csrf?: boolean;
    /** `true` for the routes a staff session without a second factor may still use: to enrol one, or leave. */
    secondFactorEnrolment?: boolean;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function equal(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Resolves the session cookie into `request.viewer` and enforces CSRF on every state-changing API route:
 * the `X-CSRF-Token` header must equal the token bound to the session (or, before sign-in, the `pl_csrf`
 * cookie — a double submit, so sign-in itself cannot be forged).
 */
export function registerSession(app: FastifyInstance, auth: AuthService): void {
  app.decorateRequest('viewer', null);
  app.decorateRequest('csrfToken', undefined);
  app.decorateRequest('secondFactorRequired', false);
  const enrolment = new Set<string>(['GET /api/me']);
  app.decorate('secondFactorEnrolmentRoutes', enrolment);
  app.addHook('onRoute', (route) => {
    if (route.config?.secondFactorEnrolment !== true) return;
    for (const method of [route.method].flat()) enrolment.add(`${method} ${route.url}`);
  });
  app.addHook('onRequest', async (request) => {
    // Decide on the route the router matched, never on the raw URL: the router percent-decodes the path, so a
    // check on `request.url` let `POST /%61pi/auth/signout` run the route unchecked (issue 9, hole 4).
    // Every state-changing route lives under /api/; an unmatched path runs no route and needs no check.
    const routed = request.routeOptions.url;
    if (routed === undefined || !routed.startsWith('/api/')) return;
    const route = request.routeOptions.config;
    // A device-token request carries no ambient credential (a browser never adds Authorization on its own),
    // so it is neither CSRF-checked nor mixed with a session: the route authenticates the token itself.
    if (route.deviceAuth === true && /^Bearer\s/i.test(request.headers.authorization ?? '')) return;
    const session = await auth.resolve(request.cookies[SESSION_COOKIE]);
    request.viewer = session?.viewer ?? null;
    request.csrfToken = session?.csrfToken ?? request.cookies[CSRF_COOKIE];
    request.secondFactorRequired = session?.secondFactorRequired ?? false;
    if (!SAFE_METHODS.has(request.method) && route.csrf !== false) {
      const header = request.headers[CSRF_HEADER];
      if (typeof header !== 'string' || !request.csrfToken || !equal(header, request.csrfToken)) {
        throw new AppError(
          'csrf_failed',
          `send the token from GET /api/session in the ${CSRF_HEADER} header`,
        );
      }
    }
    // Staff and agency accounts act on other people's data: until the session has passed a second factor, it
    // may only enrol one (issue 9). Deny by default: every route not marked for enrolment is refused.
    const ownProfile = request.method === 'GET' && routed === '/api/me';
    if (request.secondFactorRequired && route.secondFactorEnrolment !== true && !ownProfile) {
      throw new AppError(
        'second_factor_required',
        `a ${session!.viewer.role} account must use a second factor before acting: add an authenticator app ` +
          'or a passkey on your Security page (/account/security), or sign in again with the one you have',
      );
    }
  });
}

export function cookieOptions(config: Config, maxAgeSeconds?: number) {
  return {
    path: '/',
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: config.cookieSecure,
    ...(maxAgeSeconds === undefined ? {} : { maxAge: maxAgeSeconds }),
  };
}

/** Sets the session and CSRF cookies after sign-in or sign-up. */
export function setSessionCookies(
  reply: FastifyReply,
  config: Config,
  s: { token: string; csrfToken: string; expiresAt: Date },
): void {
  const maxAge = Math.floor((s.expiresAt.getTime() - Date.now()) / 1000);
  reply.setCookie(SESSION_COOKIE, s.token, cookieOptions(config, maxAge));
  reply.setCookie(CSRF_COOKIE, s.csrfToken, cookieOptions(config, maxAge));
}

/** Issues a fresh pre-session CSRF token (after sign-out, or on first visit). */
export function setAnonymousCsrf(reply: FastifyReply, config: Config): string {
  const token = randomToken();
  reply.setCookie(CSRF_COOKIE, token, cookieOptions(config));
  return token;
}
