import type { Page } from 'playwright-core';

/** Opens the account menu (under the person's initials on a laptop, at the foot of "Menu" on a phone). */
export async function openAccountMenu(page: Page): Promise<void> {
  const button = page.getByRole('button', { name: /^Account: / });
  if (await button.isVisible()) {
    if ((await button.getAttribute('aria-expanded')) !== 'true') await button.click();
    return;
  }
  await openPhoneMenu(page);
}

async function openPhoneMenu(page: Page): Promise<void> {
  const menu = page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: /^Menu/ });
  if ((await menu.isVisible()) && (await menu.getAttribute('aria-expanded')) !== 'true') await menu.click();
}

/** Goes to a page through the main navigation as a person would at this width (opening a menu if need be). */
export async function navTo(page: Page, label: string | RegExp): Promise<void> {
  const nav = page.getByRole('navigation', { name: 'Main' });
  const link = nav.getByRole('link', { name: label });
  const group = nav.getByRole('button', { name: /^Public record/ });
  // A page that moves on by itself (an upload finishing) closes an open menu, as a new page does: open it again.
  for (let attempt = 0; attempt < 5 && !(await link.isVisible()); attempt++) {
    await openPhoneMenu(page);
    if (!(await link.isVisible()) && (await group.isVisible())) await group.click();
    if (!(await link.isVisible())) await page.waitForTimeout(500);
  }
  await link.click();
}
