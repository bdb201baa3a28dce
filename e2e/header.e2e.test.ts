import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser, signIn, type Person } from './support/browser.js';
import { startServer, type RunningServer } from './support/server.js';

/*
 * The signed-in header stays one row for every role: on a laptop (1366 × 900) the pages sit in one row with the
 * public-record pages and the account links in menus; on a phone (390 × 844) a "Menu" button opens them all.
 */

const LAPTOP = { width: 1366, height: 900 };
const PHONE = { width: 390, height: 844 };
const ROLES = ['alice', 'mod', 'admin', 'agency'].map((name) => `${name}@demo.porchlight`);

/** The header's height and the distinct rows its visible controls sit on. */
async function headerRows(page: Page) {
  return page.evaluate(() => {
    const header = document.querySelector('header.app-header')!;
    const tops = new Set<number>();
    for (const el of Array.from(header.querySelectorAll<HTMLElement>('a[href], button'))) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      tops.add(Math.round(r.top + r.height / 2));
    }
    // Controls centred within 12 px of each other share a row.
    const rows = [...tops].sort((a, b) => a - b).filter((t, i, all) => i === 0 || t - all[i - 1]! > 12);
    return { height: header.getBoundingClientRect().height, rows: rows.length };
  });
}

describe('the header', () => {
  let server: RunningServer | undefined;
  const people: Person[] = [];

  beforeAll(async () => {
    server = await startServer();
  }, 90_000);

  afterAll(async () => {
    await Promise.allSettled(people.map((p) => p.close()));
    await server?.stop();
  }, 30_000);

  it('is one row on a laptop for every role, with menus for the public record and the account', async () => {
    for (const email of ROLES) {
      const person = await openBrowser(LAPTOP);
      people.push(person);
      const { page } = person;
      await signIn(page, server!.url, email);
      await page.locator('main').waitFor();
      const nav = page.getByRole('navigation', { name: 'Main' });
      await nav.getByRole('link', { name: 'Feed' }).waitFor();
      expect(await nav.getByRole('button', { name: 'Menu' }).isVisible(), email).toBe(false);
      const rows = await headerRows(page);
      expect(rows.rows, email).toBe(1);
      expect(rows.height, email).toBeLessThan(80);

      // The public-record menu opens from the keyboard and Escape closes it, focus back on its button.
      const group = nav.getByRole('button', { name: /Public record/ });
      expect(await nav.getByRole('link', { name: 'Dashboard' }).isVisible()).toBe(false);
      await group.focus();
      await page.keyboard.press('Enter');
      await expect.poll(() => group.getAttribute('aria-expanded')).toBe('true');
      for (const name of ['Requests', 'Transparency', 'Dashboard', 'Policies'])
        expect(await nav.getByRole('link', { name }).isVisible(), name).toBe(true);
      await page.keyboard.press('Escape');
      await expect.poll(() => nav.getByRole('link', { name: 'Dashboard' }).isVisible()).toBe(false);
      expect(await group.evaluate((el) => el === document.activeElement)).toBe(true);

      // The account menu is under the person's name; a click outside closes it.
      await page.getByRole('button', { name: /^Account: / }).click();
      await page.getByRole('link', { name: 'Security' }).waitFor();
      expect(await page.getByRole('button', { name: 'Sign out' }).isVisible()).toBe(true);
      await page.locator('main').click({ position: { x: 5, y: 5 } });
      await expect.poll(() => page.getByRole('link', { name: 'Security' }).isVisible()).toBe(false);

      // Going to a public-record page marks the group as where you are.
      await group.click();
      await nav.getByRole('link', { name: 'Dashboard' }).click();
      await page.waitForURL(/\/dashboard$/);
      await expect.poll(() => group.getAttribute('data-current')).toBe('true');
      expect(await nav.getByRole('link', { name: 'Dashboard' }).isVisible()).toBe(false);
    }
  }, 180_000);

  it('is one row on a phone, and its Menu lists every page and the account links', async () => {
    for (const email of ['alice@demo.porchlight', 'admin@demo.porchlight']) {
      const person = await openBrowser(PHONE);
      people.push(person);
      const { page } = person;
      await signIn(page, server!.url, email);
      await page.locator('main').waitFor();
      const nav = page.getByRole('navigation', { name: 'Main' });
      const menu = nav.getByRole('button', { name: 'Menu' });
      await menu.waitFor();
      expect((await headerRows(page)).rows, email).toBe(1);
      const box = (await menu.boundingBox())!;
      expect(Math.min(box.width, box.height)).toBeGreaterThanOrEqual(44);
      expect(await nav.getByRole('link', { name: 'Vault' }).isVisible()).toBe(false);

      await menu.click();
      expect(await menu.getAttribute('aria-expanded')).toBe('true');
      const expected = [
        'Feed',
        'My posts',
        'Home area',
        'Vault',
        'Inbox',
        'Requests',
        'Transparency',
        'Dashboard',
      ]
        .concat(['Policies', 'Account', 'Security'])
        .concat(email.startsWith('admin') ? ['Moderation', 'Admin'] : []);
      for (const name of expected)
        expect(await nav.getByRole('link', { name, exact: true }).isVisible(), `${email}: ${name}`).toBe(
          true,
        );
      expect(await nav.getByRole('button', { name: 'Sign out' }).isVisible()).toBe(true);
      // Every entry is a full-size tap target, and the open menu does not widen the page.
      const small = await nav
        .locator('#main-nav-list a, #main-nav-list button')
        .evaluateAll((els) =>
          els
            .map((el) => el.getBoundingClientRect())
            .filter((r) => r.width > 0 && (r.height < 44 || r.width < 44)),
        );
      expect(small).toEqual([]);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
        PHONE.width,
      );

      // Choosing a page goes there and closes the menu.
      await nav.getByRole('link', { name: 'Vault', exact: true }).click();
      await page.waitForURL(/\/vault$/);
      expect(await menu.getAttribute('aria-expanded')).toBe('false');
      expect(await nav.getByRole('link', { name: 'Vault' }).isVisible()).toBe(false);
      // Choosing the page already open closes the menu too (it would cover the page otherwise).
      await menu.click();
      await nav.getByRole('link', { name: 'Vault', exact: true }).click();
      await expect.poll(() => menu.getAttribute('aria-expanded')).toBe('false');
      expect(await nav.getByRole('link', { name: 'Vault' }).isVisible()).toBe(false);
    }
  }, 120_000);
});
