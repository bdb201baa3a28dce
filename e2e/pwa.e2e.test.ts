import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser, signIn, type Person } from './support/browser.js';
import { startServer, type RunningServer } from './support/server.js';

/*
 * Porchlight installs as an app: the page links a manifest Chromium accepts (name, start URL, standalone, icons
 * that load at their stated sizes), the service worker takes the whole site, and with the network gone a page
 * opens the offline shell, which says so, instead of the browser's error page.
 */

interface Manifest {
  name: string;
  start_url: string;
  scope: string;
  display: string;
  icons: { src: string; sizes: string; type: string; purpose: string }[];
}

describe('installable app', () => {
  let server: RunningServer | undefined;
  let person: Person | undefined;

  beforeAll(async () => {
    [server, person] = await Promise.all([startServer(), openBrowser()]);
  }, 90_000);

  afterAll(async () => {
    await person?.close();
    await server?.stop();
  }, 30_000);

  it('has a manifest with icons that load at their stated sizes', async () => {
    const { page } = person!;
    const url = server!.url;
    await page.goto(url);
    const href = await page.locator('link[rel="manifest"]').getAttribute('href');
    expect(href).toBeTruthy();
    const res = await fetch(new URL(href!, url));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/application\/(manifest\+)?json/);
    const manifest = (await res.json()) as Manifest;
    expect(manifest).toMatchObject({ name: 'Porchlight', start_url: '/', scope: '/', display: 'standalone' });

    // Chromium's install criteria: a 192 px and a 512 px icon; each one is a real image of that size.
    const sizes = new Set<string>();
    for (const icon of manifest.icons) {
      const r = await fetch(new URL(icon.src, url));
      expect(r.status, icon.src).toBe(200);
      expect(r.headers.get('content-type'), icon.src).toContain(icon.type);
      if (icon.type !== 'image/png') continue;
      const measured = await page.evaluate(async (src) => {
        const img = new Image();
        img.src = src;
        await img.decode();
        return `${img.naturalWidth}x${img.naturalHeight}`;
      }, icon.src);
      expect(measured, icon.src).toBe(icon.sizes);
      sizes.add(icon.sizes);
    }
    expect([...sizes].sort()).toEqual(['192x192', '512x512']);
    expect(manifest.icons.some((i) => i.purpose === 'maskable')).toBe(true);
  });

  it('registers its service worker for the whole site and opens an offline page without a network', async () => {
    const { page, context } = person!;
    const url = server!.url;
    await signIn(page, url, 'alice@demo.porchlight');
    const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
    expect(scope).toBe(`${url}/`);
    // The worker controls the page once it has claimed it (a reload makes sure).
    await page.reload();
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);

    await context.setOffline(true);
    try {
      await page.goto(`${url}/mine`);
      await page.getByRole('heading', { name: 'You are offline', level: 1 }).waitFor();
      expect(await page.title()).toMatch(/offline/i);
    } finally {
      await context.setOffline(false);
    }
    // Back online, the same address is the app again.
    await page.goto(`${url}/mine`);
    await page.getByRole('heading', { name: 'My posts', level: 1 }).waitFor();
  });
});
