/**
 * Issue 9, security headers on every response: a strict CSP (no inline or eval'd script), no framing, no MIME
 * sniffing, no Referer, and HSTS only when the instance is served over https. e2e/csp.e2e.test.ts checks in
 * Chromium that the web app lives with the policy.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/app.js';

let plain: TestApp;
let tls: TestApp;
beforeAll(async () => {
  plain = await startTestApp();
  tls = await startTestApp({
    env: { PUBLIC_URL: 'https://porchlight.example', MAP_STYLE_URL: 'https://tiles.example/style.json' },
  });
});
afterAll(async () => {
  await plain.close();
  await tls.close();
});

const directives = (csp: string) =>
  Object.fromEntries(
    csp.split(';').map((d) => {
      const [name, ...values] = d.trim().split(/\s+/);
      return [name!, values];
    }),
  );

describe('security headers', () => {
  it.each(['/api/session', '/healthz', '/api/nope', '/openapi.json'])('are on %s', async (url) => {
    const res = await plain.app.inject({ method: 'GET', url });
    const csp = directives(String(res.headers['content-security-policy']));
    expect(csp['script-src']).toEqual(["'self'"]);
    expect(csp['object-src']).toEqual(["'none'"]);
    expect(csp['frame-ancestors']).toEqual(["'none'"]);
    expect(csp['base-uri']).toEqual(["'none'"]);
    expect(csp['worker-src']).toEqual(["'self'", 'blob:']);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['strict-transport-security']).toBeUndefined();
  });

  it('add HSTS and upgrade-insecure-requests when PUBLIC_URL is https, and allow the map style origin', async () => {
    const res = await tls.app.inject({ method: 'GET', url: '/api/session' });
    expect(res.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    const csp = directives(String(res.headers['content-security-policy']));
    expect(csp['upgrade-insecure-requests']).toEqual([]);
    expect(csp['connect-src']).toEqual(["'self'", 'https://tiles.example']);
    expect(csp['script-src']).toEqual(["'self'"]);
  });
});
