import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser, signIn, type Person } from './support/browser.js';
import { navTo } from './support/header.js';
import { startServer, type RunningServer } from './support/server.js';

/*
 * The app on a phone (390 × 844, as an iPhone 12–15 shows it), for each role: no page scrolls sideways, and on
 * the pages people use most (feed and post) every control is at least 44 × 44 CSS px (WCAG 2.5.5, Apple's and
 * Google's guidance). Links inside running text are exempt, as WCAG's inline exception allows.
 */

const PHONE = { width: 390, height: 844 };

/** Every page each role can open, from the app's own routes. */
const RESIDENT_PAGES = [
  '/',
  '/new',
  '/home',
  '/map',
  '/mine',
  '/inbox',
  '/vault',
  '/vault/upload',
  '/vault/cameras',
  '/vault/hubs',
  '/vault/keys',
  '/notifications',
  '/settings/alerts',
  '/legal-notices',
  '/redact',
  '/account',
  '/account/security',
  '/account/sessions',
  '/transparency',
  '/policies',
  '/requests',
  '/guidelines',
  '/dashboard',
  '/dashboard/agencies/1',
  '/no-such-page',
];
/** What a visitor without an account can open. */
const VISITOR_PAGES = [
  '/',
  '/signin',
  '/signup',
  '/reset-password',
  '/verify-email',
  '/unsubscribe',
  '/transparency',
  '/policies',
  '/requests',
  '/guidelines',
  '/dashboard',
];
const STAFF_PAGES: Record<string, string[]> = {
  'mod@demo.porchlight': ['/', '/moderation', '/moderation/suspensions'],
  'admin@demo.porchlight': ['/', '/admin', '/admin/agencies', '/admin/policies', '/admin/legal'],
  'agency@demo.porchlight': ['/', '/agency/keys', '/agency/requests/new'],
};

/** Lets a page finish loading: no busy region left (live streams keep the network from ever going idle). */
async function settled(page: Page) {
  await page.locator('main').waitFor();
  await page
    .waitForFunction(() => !document.querySelector('[aria-busy="true"]'), null, { timeout: 10_000 })
    .catch(() => undefined);
  await page.waitForTimeout(300);
}

/** How far the page scrolls sideways, and what sticks out. */
async function overflow(page: Page) {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const wide = Array.from(document.querySelectorAll('body *'))
      .filter((el) => el.getBoundingClientRect().right > width + 1)
      .slice(0, 5)
      .map((el) => `${el.tagName.toLowerCase()}.${el.className}`);
    return { by: document.documentElement.scrollWidth - width, wide };
  });
}

/** Controls smaller than 44 × 44, except links inside running text. */
async function smallTargets(page: Page) {
  return page.evaluate(() => {
    const controls = document.querySelectorAll<HTMLElement>(
      'main a[href], main button, main input:not([type=hidden]), main select, main summary, main [role=button], header a[href], header button',
    );
    const small: string[] = [];
    for (const el of Array.from(controls)) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      // A visually hidden radio or checkbox is operated through its label, which is what is measured then.
      const target = el.matches('input[type=radio], input[type=checkbox]') ? (el.closest('label') ?? el) : el;
      const box = target.getBoundingClientRect();
      const inline =
        el.tagName === 'A' && el.closest('p, li.comment, dd') !== null && !el.classList.contains('button');
      if (inline) continue;
      if (box.width < 44 || box.height < 44)
        small.push(
          `${target.tagName.toLowerCase()} "${target.textContent.trim().slice(0, 30)}" ${Math.round(box.width)}×${Math.round(box.height)}`,
        );
    }
    return small;
  });
}

describe('on a phone', () => {
  let server: RunningServer | undefined;
  const people: Person[] = [];

  beforeAll(async () => {
    server = await startServer();
  }, 90_000);

  afterAll(async () => {
    await Promise.allSettled(people.map((p) => p.close()));
    await server?.stop();
  }, 30_000);

  it('no page scrolls sideways and each has its own title, for a visitor, a resident and each staff role', async () => {
    const url = server!.url;
    const problems: string[] = [];
    /** Each page's document title, by who saw it and where. */
    const titles: { who: string; path: string; title: string }[] = [];
    for (const [email, pages] of [
      ['visitor', VISITOR_PAGES],
      ['alice@demo.porchlight', RESIDENT_PAGES],
      ...Object.entries(STAFF_PAGES),
    ] as [string, string[]][]) {
      const person = await openBrowser(PHONE);
      people.push(person);
      if (email !== 'visitor') await signIn(person.page, url, email);
      for (const path of pages) {
        await person.page.goto(`${url}${path}`);
        await settled(person.page);
        const o = await overflow(person.page);
        if (o.by > 0) problems.push(`${email} ${path}: ${o.by}px wider (${o.wide.join(', ')})`);
        titles.push({ who: email, path, title: await person.page.title() });
      }
      // A post's own page, too.
      if (email === 'alice@demo.porchlight') {
        await person.page.goto(url);
        await person.page.locator('.post__title a').first().click();
        await person.page.waitForURL(/\/posts\/po_/);
        await settled(person.page);
        const o = await overflow(person.page);
        if (o.by > 0) problems.push(`post page: ${o.by}px wider (${o.wide.join(', ')})`);
        titles.push({ who: email, path: '/posts/…', title: await person.page.title() });
      }
    }
    expect(problems).toEqual([]);

    // Every page names itself before the site ("Inbox · Porchlight"), and no two addresses share a name. The
    // visitor's "/" is the landing page, so it is told apart from the signed-in feed by who saw it.
    const untitled = titles.filter((t) => !/^\S.* · Porchlight$/.test(t.title));
    expect(untitled).toEqual([]);
    const pagesByTitle = new Map<string, Set<string>>();
    for (const t of titles) {
      const page = t.who === 'visitor' && t.path === '/' ? 'landing' : t.path;
      pagesByTitle.set(t.title, (pagesByTitle.get(t.title) ?? new Set()).add(page));
    }
    const shared = [...pagesByTitle]
      .filter(([, pages]) => pages.size > 1)
      .map(([t, p]) => `${t}: ${[...p].join(', ')}`);
    expect(shared).toEqual([]);
  }, 240_000);

  it('keeps each page’s own title when moving between pages in the app (no page leaves its title behind)', async () => {
    const url = server!.url;
    const person = await openBrowser(PHONE);
    people.push(person);
    await signIn(person.page, url, 'alice@demo.porchlight');
    for (const [label, title] of [
      ['Inbox', 'Inbox · Porchlight'],
      ['Vault', 'Vault · Porchlight'],
      ['Requests', 'Footage requests · Porchlight'],
      ['Map', 'Incident map · Porchlight'],
      ['Feed', 'Feed · Porchlight'],
    ] as const) {
      await navTo(person.page, label);
      await settled(person.page);
      expect(await person.page.title(), label).toBe(title);
    }
  }, 90_000);

  it('has no tap target under 44 px on the feed and a post page', async () => {
    const url = server!.url;
    const person = await openBrowser(PHONE);
    people.push(person);
    await signIn(person.page, url, 'bob@demo.porchlight');
    await person.page.goto(url);
    await person.page.locator('.post').first().waitFor();
    // The side map loads lazily; measure once its zoom buttons are there, so they are always measured.
    await person.page.locator('.maplibregl-ctrl-zoom-in').waitFor({ timeout: 30_000 });
    expect(await smallTargets(person.page), 'feed').toEqual([]);
    await person.page.locator('.post__title a').first().click();
    await person.page.waitForURL(/\/posts\/po_/);
    await person.page.getByRole('heading', { name: /^Comments/ }).waitFor();
    expect(await smallTargets(person.page), 'post page').toEqual([]);
  }, 90_000);
});
