import createClient, { type Client, type Middleware } from 'openapi-fetch';
import type { components, paths } from './schema.js';

export type { components, paths } from './schema.js';

/** An RFC 9457 problem document as the API returns it. */
export type Problem = components['schemas']['Problem'];

export type PorchlightClient = Client<paths> & {
  /** Sets the CSRF token sent with every state-changing request (from getSession, signIn or signUp). */
  setCsrfToken(token: string): void;
};

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The typed Porchlight API client, generated from `/openapi.json`. Cookies carry the session; the client adds
 * the `X-CSRF-Token` header to every state-changing request once it knows the token.
 */
export function createPorchlightClient(
  options: { baseUrl?: string; fetch?: typeof globalThis.fetch; headers?: Record<string, string> } = {},
): PorchlightClient {
  let csrf: string | undefined;
  const client = createClient<paths>({
    baseUrl: options.baseUrl ?? '',
    credentials: 'same-origin',
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.headers ? { headers: options.headers } : {}),
  });
  const csrfMiddleware: Middleware = {
    onRequest({ request }) {
      if (csrf && !SAFE.has(request.method)) request.headers.set('X-CSRF-Token', csrf);
      return request;
    },
    async onResponse({ response }) {
      // Session-changing responses carry the new token; pick it up so callers need not.
      if (response.ok && response.headers.get('content-type')?.includes('application/json')) {
        const url = new URL(response.url, 'http://x');
        if (url.pathname === '/api/session' || url.pathname.startsWith('/api/auth/')) {
          const body = (await response.clone().json()) as { csrfToken?: unknown };
          if (typeof body.csrfToken === 'string') csrf = body.csrfToken;
        }
      }
      return response;
    },
  };
  client.use(csrfMiddleware);
  return Object.assign(client, {
    setCsrfToken(token: string) {
      csrf = token;
    },
  });
}

/** True when a value is a problem document. */
export function isProblem(value: unknown): value is Problem {
  return (
    typeof value === 'object' && value !== null && 'code' in value && 'status' in value && 'title' in value
  );
}
