import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser, signIn, type Person } from './support/browser.js';
import { startServer, type RunningServer } from './support/server.js';

/*
 * Forms say what is wrong once, all at once, and stop saying it when it is fixed: the composer flags every
 * empty field on the first try and drops a message as its field is filled; signing up with a taken address
 * says so once; a post that is not there says so in one plain sentence.
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
});
