import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.js';

/**
 * The Content-Security-Policy the web app lives with. Scripts only from this origin (Vite emits no inline
 * script; no 'unsafe-inline', no eval); workers from this origin or blob: (MapLibre builds its tile worker from
 * a blob); media from this origin (the vault service worker answers `/vault/stream/…` on it) or blob:. Inline
 * styles are allowed: React and MapLibre position elements with style attributes, which run no code. The map
 * style's origin, when one is configured, may be fetched and its images shown.
 */
export function contentSecurityPolicy(config: Pick<Config, 'mapStyleUrl' | 'publicUrl'>): string {
  const mapOrigin = URL.canParse(config.mapStyleUrl) ? ` ${new URL(config.mapStyleUrl).origin}` : '';
  const directives = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    `img-src 'self' data: blob:${mapOrigin}`,
    "font-src 'self' data:",
    `connect-src 'self'${mapOrigin}`,
    "media-src 'self' blob:",
    "worker-src 'self' blob:",
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(config.publicUrl.startsWith('https:') ? ['upgrade-insecure-requests'] : []),
  ];
  return directives.join('; ');
}

/**
 * Security headers on every response (issue 9): the CSP above, no framing (clickjacking), no MIME sniffing,
 * no Referer leaving the site (a post or clip URL says where someone looked), a separate browsing context
 * group, only the browser features the app uses, and HSTS when the public URL is https.
 */
export function registerSecurityHeaders(app: FastifyInstance, config: Config): void {
  const headers: Record<string, string> = {
    'content-security-policy': contentSecurityPolicy(config),
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    'permissions-policy':
      'camera=(), microphone=(), geolocation=(self), payment=(), usb=(), interest-cohort=()',
    ...(config.publicUrl.startsWith('https:')
      ? { 'strict-transport-security': 'max-age=31536000; includeSubDomains' }
      : {}),
  };
  app.addHook('onRequest', (_request, reply, done) => {
    void reply.headers(headers);
    done();
  });
}
