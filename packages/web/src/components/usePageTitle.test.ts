import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { pageTitle, routeTitle } from './usePageTitle';

describe('page titles', () => {
  it('titles every route the app renders, so no page is just "Porchlight"', () => {
    // The routes App.tsx switches on; a route added there without a title fails here.
    const app = readFileSync(new URL('../App.tsx', import.meta.url), 'utf8');
    const paths = [...app.matchAll(/case '(\/[^']*)':/g)].map((m) => m[1]!);
    expect(paths.length).toBeGreaterThan(10);
    for (const path of paths) expect(routeTitle(path), path).toBeDefined();
    for (const path of [
      '/posts/po_AAAAAAAAAAAAAAAAAAAAAA',
      '/inbox/rq_abc',
      '/agency/requests/rq_x-1',
      '/requests/rq_abc',
      '/vault/keys',
      '/dashboard',
      '/dashboard/agencies/12',
      '/dashboard/agencies/12/report/2026',
    ])
      expect(routeTitle(path), path).toBeDefined();
  });

  it('has no title for addresses where no page lives (they get the 404 page)', () => {
    for (const path of ['/nope', '/posts/abc', '/posts/12', '/vault/other', '/requests/123', '/admin/']) {
      expect(routeTitle(path), path).toBeUndefined();
    }
  });

  it('ends every title with the site name', () => {
    expect(pageTitle(routeTitle('/home'))).toBe('Home area · Porchlight');
    expect(pageTitle(undefined)).toBe('Porchlight');
  });
});
