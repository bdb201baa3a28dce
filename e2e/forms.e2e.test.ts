import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { locationRefusal } from '../packages/web/src/map/locationRefusal.js';
import { openBrowser, signIn, type Person } from './support/browser.js';
import { startServer, type RunningServer } from './support/server.js';

/*
 * Forms say what is wrong once, all at once, and stop saying it when it is fixed: the composer flags every
 * empty field on the first try and drops a message as its field is filled; signing up with a taken address
 * says so once; a post that is not there says so in one plain sentence; a camera's missing name is flagged
 * until one is typed; an admin types legal bases as their labels read; a refused location is explained in
 * the app's words.
 */
describe('forms and messages', () => {
  let server: RunningServer | undefined;
  let person: Person | undefined;

  beforeAll(async () => {
    [server, person] = await Promise.all([startServer(), openBrowser()]);
  }, 90_000);

  afterAll(async () => {
    await person?.close();
    await server?.stop();
  }, 30_000);

  it('says a taken email once when signing up', async () => {
    const { page } = person!;
    await page.goto(`${server!.url}/signup`);
    await page.getByLabel('Display name').fill('Alice again');
    await page.getByLabel('Email').fill('alice@demo.porchlight');
    await page.getByLabel('Password').fill('a long enough password');
    await page.getByRole('button', { name: 'Create account' }).click();
    await expect.poll(() => page.getByLabel('Email').getAttribute('aria-invalid')).toBe('true');
    const text = (await page.locator('body').innerText()).toLowerCase();
    expect(text.split('an account with this email already exists').length - 1).toBe(1);
    expect(text).toContain('already registered');
  });

  it('flags every empty field of a post at once, and clears each as it is filled', async () => {
    const { page } = person!;
    const url = server!.url;
    await signIn(page, url, 'alice@demo.porchlight');
    await page.goto(`${url}/new`);
    await page.getByRole('button', { name: 'Post to neighbours' }).click();
    await page.getByText('Choose a category for your post.').waitFor();
    expect(await page.getByLabel('Title').getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByLabel('What happened?').getAttribute('aria-invalid')).toBe('true');

    await page.getByLabel('Title').fill('Bins knocked over on Elm St');
    expect(await page.getByLabel('Title').getAttribute('aria-invalid')).toBeNull();
    expect(await page.getByLabel('What happened?').getAttribute('aria-invalid')).toBe('true');
    await page.getByLabel('What happened?').fill('Foxes again, I think; the lids were left open overnight.');
    await page.getByRole('radio', { name: 'Community' }).check();
    expect(await page.locator('.field__error').count()).toBe(0);
    expect(await page.locator('.alert--error').count()).toBe(0);
  });

  it('says a missing post is not available, once', async () => {
    const { page } = person!;
    await page.goto(`${server!.url}/posts/po_AAAAAAAAAAAAAAAAAAAAAA`);
    await page.getByRole('heading', { name: 'This post is not available', level: 1 }).waitFor();
    const text = (await page.locator('main').innerText()).toLowerCase();
    expect(text).not.toContain('not found');
  });
  it('flags a camera without a name until one is typed', async () => {
    const { page } = person!;
    await page.goto(`${server!.url}/vault`);
    await page.getByRole('heading', { name: 'Set up your clip vault' }).waitFor();
    await page.getByLabel('Vault passphrase', { exact: true }).fill('quiet harbour lantern moss');
    await page.getByLabel('Repeat the passphrase', { exact: true }).fill('quiet harbour lantern moss');
    await page.getByRole('button', { name: 'Create my vault' }).click();
    await page.getByLabel('Recovery code', { exact: true }).waitFor({ timeout: 60_000 });
    await page.getByLabel('I have saved my recovery code somewhere safe').check();
    await page.getByRole('button', { name: 'Open my vault' }).click();
    await page.getByText('Unlocked in this tab').waitFor();

    await page.getByRole('link', { name: 'Cameras' }).click();
    await page.getByRole('button', { name: 'Add a camera' }).click();
    await page.getByRole('button', { name: 'Add camera' }).click();
    const message = 'Give the camera a name, like “Front door”.';
    await page.getByText(message).first().waitFor();
    expect(await page.getByLabel('Name').getAttribute('aria-invalid')).toBe('true');
    await page.getByLabel('Name').pressSequentially('Back gate');
    expect(await page.getByLabel('Name').getAttribute('aria-invalid')).toBeNull();
    expect(await page.getByText(message).count()).toBe(0);
    expect(await page.locator('.field__error, .alert--error').count()).toBe(0);
    await page.getByRole('button', { name: 'Add camera' }).click();
    await page.getByRole('article', { name: 'Back gate' }).waitFor();
  }, 120_000);

  it('explains a refused location in its own words, not the browser’s', async () => {
    const { page } = person!;
    // This browser was never granted geolocation, so Chromium refuses it as a person clicking "Block" would.
    await page.goto(`${server!.url}/home`);
    await page.getByRole('button', { name: 'Use my location' }).click();
    const alert = page.getByRole('alert').filter({ hasText: locationRefusal({ code: 1 }) });
    await alert.waitFor();
    const text = (await page.locator('main').innerText()).toLowerCase();
    expect(text).not.toContain('user denied');
    expect(text).not.toContain('geolocation');
  });

  it('publishes a policy whose legal bases are typed as their labels read', async () => {
    const admin = await openBrowser();
    try {
      const { page } = admin;
      const url = server!.url;
      await signIn(page, url, 'admin@demo.porchlight');
      await page.goto(`${url}/admin/policies`);
      await page.getByRole('button', { name: /^Edit Portland, Oregon \(v\d+\)$/ }).click();
      const form = page.getByRole('form', { name: 'Publish a policy' });
      await form.getByLabel('Allowed legal bases').fill('warrant, consent, Exigent Circumstances');
      await form.getByLabel('Reason for this version').fill('Consent and exigency join warrants');
      await form.getByRole('button', { name: 'Publish new version' }).click();
      await form
        .getByRole('status')
        .filter({ hasText: /^Published version 2 of Portland, Oregon’s policy\.$/ })
        .waitFor();
      expect(await form.getByText('cannot be blank').count()).toBe(0);
      expect(await form.getByLabel('Allowed legal bases').getAttribute('aria-invalid')).toBeNull();
      const res = await page.request.get(`${url}/api/jurisdictions`);
      const { items } = (await res.json()) as {
        items: {
          slug: string;
          currentVersion: number;
          current: { policy: { allowedLegalBases: string[] } };
        }[];
      };
      const portland = items.find((j) => j.slug === 'portland-or');
      expect(portland?.currentVersion).toBe(2);
      expect([...(portland?.current.policy.allowedLegalBases ?? [])].sort()).toEqual([
        'consent',
        'exigent_circumstances',
        'warrant',
      ]);
      expect(admin.errors).toEqual([]);
    } finally {
      await admin.close();
    }
  }, 90_000);
});
