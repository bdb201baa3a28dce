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
  interface FastifyRequest {
    /** The signed-in user, or null. Set for every `/api/` request. */
    viewer: Viewer | null;
    /** The CSRF token bound to this request's session or pre-session cookie. */
    csrfToken: string | undefined;
  }
  interface FastifyContextConfig {
    /** The route accepts `Authorization: Bearer <device token>` and authenticates it itself. */
    deviceAuth?: boolean;
    /** `false` for a route that uses no ambient credential (hub pairing): CSRF cannot apply to it. */
    csrf?: boolean;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function equal(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Resolves the session cookie into `request.viewer` and enforces CSRF on every state-changing API request:
 * the `X-CSRF-Token` header must equal the token bound to the session (or, before sign-in, the `pl_csrf`
 * cookie — a double submit, so sign-in itself cannot be forged).
 */
export function registerSession(app: FastifyInstance, auth: AuthService): void {
  app.decorateRequest('viewer', null);
  app.decorateRequest('csrfToken', undefined);
  app.addHook('onRequest', async (request) => {
    if (!request.url.startsWith('/api/')) return;
    const route = request.routeOptions.config;
    // A device-token request carries no ambient credential (a browser never adds Authorization on its own),
    // so it is neither CSRF-checked nor mixed with a session: the route authenticates the token itself.
    if (route.deviceAuth === true && /^Bearer\s/i.test(request.headers.authorization ?? '')) return;
    const session = await auth.resolve(request.cookies[SESSION_COOKIE]);
    request.viewer = session?.viewer ?? null;
    request.csrfToken = session?.csrfToken ?? request.cookies[CSRF_COOKIE];
    if (SAFE_METHODS.has(request.method) || route.csrf === false) return;
    const header = request.headers[CSRF_HEADER];
    if (typeof header !== 'string' || !request.csrfToken || !equal(header, request.csrfToken)) {
      throw new AppError('csrf_failed', `send the token from GET /api/session in the ${CSRF_HEADER} header`);
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
