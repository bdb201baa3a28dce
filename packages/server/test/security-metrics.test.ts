/**
 * Issue 9, hole 11: `/metrics` shows instance-wide vault activity (uploads, clips, open streams), so it must not
 * be public. It is served only with the operator's token, or on a private listener (`METRICS_LISTEN`).
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/app.js';

const TOKEN = 'scrape-me-0123456789abcdef';

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) =>
    server.close(() => {
      resolve();
    }),
  );
  return port;
}

describe('/metrics on the public listener', () => {
  let open: TestApp;
  let locked: TestApp;
  beforeAll(async () => {
    open = await startTestApp({ env: { PORCHLIGHT_METRICS_TOKEN: '' } });
    locked = await startTestApp({ env: { PORCHLIGHT_METRICS_TOKEN: TOKEN } });
  });
  afterAll(async () => {
    await open.close();
    await locked.close();
  });

  it('serves nothing to anyone when no token is configured', async () => {
    const res = await open.app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).not.toContain('porchlight_');
    expect(res.json()).toMatchObject({ code: 'not_found' });
    expect(res.json<{ detail: string }>().detail).toContain('PORCHLIGHT_METRICS_TOKEN');
  });

  it.each([
    ['no Authorization header', undefined],
    ['a wrong token', `Bearer ${TOKEN}x`],
    ['the token without Bearer', TOKEN],
    ['a token prefix', `Bearer ${TOKEN.slice(0, 10)}`],
  ])('refuses a scrape with %s (401, no metrics)', async (_what, authorization) => {
    const res = await locked.app.inject({
      method: 'GET',
      url: '/metrics',
      headers: authorization === undefined ? {} : { authorization },
    });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ code: 'unauthenticated' });
    expect(res.body).not.toContain('porchlight_');
  });

  it('serves Prometheus text with the right token', async () => {
    const res = await locked.app.inject({
      method: 'GET',
      url: '/metrics',
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(res.body).toContain('# TYPE porchlight_http_request_duration_seconds histogram');
  });
});

describe('METRICS_LISTEN', () => {
  it('serves /metrics on the private address only, and not on the public one', async () => {
    const port = await freePort();
    const t = await startTestApp({
      env: { PORCHLIGHT_METRICS_TOKEN: '', METRICS_LISTEN: `127.0.0.1:${port}` },
    });
    try {
      await t.app.listen({ port: 0, host: '127.0.0.1' });
      const publicPort = (t.app.server.address() as net.AddressInfo).port;
      const priv = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(priv.status).toBe(200);
      expect(await priv.text()).toContain('porchlight_http_request_duration_seconds');
      expect((await fetch(`http://127.0.0.1:${port}/api/session`)).status).toBe(404);
      const pub = await fetch(`http://127.0.0.1:${publicPort}/metrics`);
      expect(pub.status).toBe(404);
    } finally {
      await t.close();
    }
    // Closing the app closes the private listener too.
    await expect(fetch(`http://127.0.0.1:${port}/metrics`)).rejects.toThrow();
  });
});
