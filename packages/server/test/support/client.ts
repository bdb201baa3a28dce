import { createPorchlightClient, type PorchlightClient } from '@porchlight/api-client';
import type { LightMyRequestResponse } from 'fastify';
import type { App } from '../../src/http/types.js';

/**
 * A `fetch` that goes through `app.inject` (no socket) with a cookie jar, so API tests exercise the real
 * HTTP stack — routing, validation, cookies, CSRF, serialisation — through the generated client.
 */
export function injectFetch(app: App, jar = new Map<string, string>()): typeof fetch {
  return async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    const headers: Record<string, string> = {};
    request.headers.forEach((v, k) => (headers[k] = v));
    if (jar.size > 0) headers.cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const body = request.body ? Buffer.from(await request.arrayBuffer()) : undefined;
    const res = await app.inject({
      method: request.method as 'GET',
      url: url.pathname + url.search,
      headers,
      ...(body ? { payload: body } : {}),
    });
    storeCookies(jar, res);
    const out = new Response(res.statusCode === 204 ? null : new Uint8Array(res.rawPayload), {
      status: res.statusCode,
      headers: Object.entries(res.headers).flatMap(([k, v]) =>
        v === undefined ? [] : (Array.isArray(v) ? v : [String(v)]).map((x) => [k, x] as [string, string]),
      ),
    });
    Object.defineProperty(out, 'url', { value: url.toString() });
    return out;
  };
}

function storeCookies(jar: Map<string, string>, res: LightMyRequestResponse): void {
  for (const c of res.cookies) {
    const expired = c.maxAge === 0 || (c.expires instanceof Date && c.expires.getTime() < Date.now());
    if (expired || c.value === '') jar.delete(c.name);
    else jar.set(c.name, c.value);
  }
}

/** A signed-out API user with its own cookie jar, speaking through the generated typed client. */
export class TestUser {
  readonly jar = new Map<string, string>();
  readonly api: PorchlightClient;
  id = 0;
  /** The base32 secret of this user's authenticator app, when a test enrolled one. */
  totpSecret: string | undefined;
  /** The last TOTP time step this user's codes were computed for (a code works once). */
  lastTotpStep = 0;

  constructor(readonly app: App) {
    this.api = createPorchlightClient({
      baseUrl: 'http://porchlight.test',
      fetch: injectFetch(app, this.jar),
    });
  }

  /** Fetches the session so the client holds a CSRF token. */
  async begin(): Promise<this> {
    await this.api.GET('/api/session');
    return this;
  }

  /** The CSRF token this user's session currently expects. */
  get csrf(): string | undefined {
    return this.jar.get('pl_csrf');
  }

  /** A raw in-process request with this user's cookies and CSRF header, for inputs the typed client refuses. */
  async raw(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    url: string,
    payload?: unknown,
    headers: Record<string, string> = {},
  ) {
    const res = await this.app.inject({
      method,
      url,
      headers: {
        cookie: [...this.jar].map(([k, v]) => `${k}=${v}`).join('; '),
        ...(this.csrf ? { 'x-csrf-token': this.csrf } : {}),
        ...(payload !== undefined && typeof payload !== 'string'
          ? { 'content-type': 'application/json' }
          : {}),
        ...headers,
      },
      ...(payload !== undefined
        ? { payload: typeof payload === 'string' ? payload : JSON.stringify(payload) }
        : {}),
    });
    storeCookies(this.jar, res);
    return res;
  }
}
