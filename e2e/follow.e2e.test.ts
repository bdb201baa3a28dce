import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser, signIn, type Person } from './support/browser.js';
import { startServer, type RunningServer } from './support/server.js';

/*
 * Following a post from its page: Alice's own post shows "Following"; Bob presses Follow, and Alice's comment
 * and her "Mark resolved" reach Bob's bell and notification centre live. Bob unfollows and it stays so after
 * a reload.
 */
describe('following a post, end to end', () => {
  let server: RunningServer | undefined;
  const people: Person[] = [];

  beforeAll(async () => {
    server = await startServer(240_000);
    people.push(...(await Promise.all([openBrowser(), openBrowser()])));
  }, 300_000);

  afterAll(async () => {
    await Promise.allSettled(people.map((p) => p.close()));
    await server?.stop();
  }, 30_000);

  it('a follower hears of a new comment and of the post being resolved', async () => {
    const [alice, bob] = people as [Person, Person];
    const url = server!.url;
    await Promise.all([
      signIn(alice.page, url, 'alice@demo.porchlight'),
      signIn(bob.page, url, 'bob@demo.porchlight'),
    ]);

    const title = `Ladder left by the lane ${Date.now().toString(36)}`;
    await alice.page.goto(`${url}/new`);
    await alice.page.getByRole('radio', { name: 'Community' }).check();
    await alice.page.getByLabel('Title').fill(title);
    await alice.page.getByLabel('What happened?').fill('A long ladder is lying across the back lane.');
    await alice.page.getByRole('button', { name: 'Post to neighbours' }).click();
    const article = alice.page.getByRole('article', { name: title });
    await article.waitFor();
    const postPath = (await article.getByRole('link', { name: title }).first().getAttribute('href'))!;
    await alice.page.goto(`${url}${postPath}`);
    // Authors follow their own posts.
    await alice.page.getByRole('button', { name: 'Following this post' }).waitFor();

    await bob.page.goto(`${url}${postPath}`);
    await bob.page.getByRole('button', { name: 'Follow this post' }).click();
    await bob.page.getByRole('button', { name: 'Following this post' }).waitFor();
    await bob.page.getByText('You hear of new comments and updates.').waitFor();

    await alice.page.getByLabel('Add a comment').fill('Moved it to the side, the owner is coming for it.');
    await alice.page.getByRole('button', { name: 'Post comment' }).click();
    await bob.page
      .getByTestId('notification-count')
      .filter({ hasText: /^[1-9]/ })
      .waitFor();

    await alice.page.getByRole('button', { name: 'Mark resolved' }).click();
    await alice.page.getByRole('button', { name: 'Reopen' }).waitFor();

    await bob.page.getByTestId('notification-bell').click();
    await bob.page.getByRole('heading', { name: 'Notifications' }).waitFor();
    const items = bob.page.getByTestId('notification');
    await items
      .filter({ hasText: `New comment on “${title}”, which you follow` })
      .getByText('Moved it to the side, the owner is coming for it.')
      .waitFor();
    await items.filter({ hasText: `“${title}”, which you follow, was marked resolved` }).waitFor();

    // Unfollowing sticks.
    await bob.page.goto(`${url}${postPath}`);
    await bob.page.getByRole('button', { name: 'Following this post' }).click();
    await bob.page.getByRole('button', { name: 'Follow this post' }).waitFor();
    await bob.page.reload();
    await bob.page.getByRole('button', { name: 'Follow this post' }).waitFor();

    expect(alice.errors).toEqual([]);
    expect(bob.errors).toEqual([]);
  });
});
