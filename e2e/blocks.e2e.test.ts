import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser, signIn, type Person } from './support/browser.js';
import { startServer, type RunningServer } from './support/server.js';

/*
 * Block and suspension in Chromium, against the real built server: Bob blocks Alice from her post, each loses
 * the other's posts, and his post's page is "not available" to her, as for one that never existed; a moderator
 * suspends Alice from her post page, Alice sees why and until when, cannot post, and appeals; the moderator
 * lifts it and Bob unblocks her from his account page.
 */
describe('block and suspension, end to end', () => {
  let server: RunningServer | undefined;
  const people: Person[] = [];

  beforeAll(async () => {
    // A loaded machine can take minutes to create and seed the embedded database.
    server = await startServer(280_000);
    people.push(...(await Promise.all([openBrowser(), openBrowser(), openBrowser()])));
  }, 300_000);

  afterAll(async () => {
    await Promise.allSettled(people.map((p) => p.close()));
    await server?.stop();
  }, 30_000);

  const compose = async (person: Person, url: string, title: string) => {
    await person.page.goto(url);
    await person.page.getByRole('link', { name: 'New post' }).click();
    await person.page.getByRole('radio', { name: 'Community' }).check();
    await person.page.getByLabel('Title').fill(title);
    await person.page.getByLabel('What happened?').fill('The bins on the corner were knocked over again.');
    await person.page.getByRole('button', { name: 'Post to neighbours' }).click();
  };

  it('blocks both ways, and suspends with a reason, an end and an appeal', async () => {
    const [alice, bob, mod] = people as [Person, Person, Person];
    const url = server!.url;
    const tag = Date.now().toString(36);
    const aliceTitle = `Bins knocked over on Oak ${tag}`;
    const bobTitle = `Bins knocked over on Elm ${tag}`;
    await Promise.all([
      signIn(alice.page, url, 'alice@demo.porchlight'),
      signIn(bob.page, url, 'bob@demo.porchlight'),
      signIn(mod.page, url, 'mod@demo.porchlight'),
    ]);

    await compose(alice, url, aliceTitle);
    const href = await alice.page
      .getByRole('article', { name: aliceTitle })
      .locator('a.post__comment-count')
      .getAttribute('href');
    const postUrl = `${url}${href!}`;
    await compose(bob, url, bobTitle);
    const bobHref = await bob.page
      .getByRole('article', { name: bobTitle })
      .locator('a.post__comment-count')
      .getAttribute('href');

    // Bob blocks Alice from her post: her post leaves his feed, and his leaves hers.
    await bob.page.goto(postUrl);
    await bob.page.getByRole('button', { name: /^Block / }).click();
    await bob.page
      .getByRole('group', { name: /^Block .*\?$/ })
      .getByRole('button', { name: /^Block / })
      .click();
    await bob.page.waitForURL(`${url}/`);
    await bob.page.getByRole('list', { name: 'Posts near you' }).waitFor();
    expect(await bob.page.getByRole('article', { name: aliceTitle }).count()).toBe(0);
    await alice.page.goto(url);
    await alice.page.getByRole('list', { name: 'Posts near you' }).waitFor();
    expect(await alice.page.getByRole('article', { name: bobTitle }).count()).toBe(0);
    // His post's address is "not found" for her, exactly as for a post that never existed. (He, who blocked,
    // may still open hers: he sees what he did, and cannot reply.)
    const notAvailable = async (address: string) => {
      await alice.page.goto(address);
      const card = alice.page.locator('.card', {
        has: alice.page.getByRole('heading', { name: 'This post is not available' }),
      });
      await card.waitFor();
      return card.innerText();
    };
    const blockedPage = await notAvailable(`${url}${bobHref!}`);
    expect(blockedPage).toBe(await notAvailable(`${url}/posts/po_${'A'.repeat(22)}`));
    expect(blockedPage.toLowerCase()).not.toContain('block');

    // The moderator suspends Alice from her post page for 3 days.
    await mod.page.goto(postUrl);
    await mod.page.getByRole('button', { name: /^Suspend Alice/ }).click();
    const form = mod.page.getByRole('form', { name: /^Suspend Alice/ });
    await form.getByLabel('Rule broken').selectOption('harassment');
    await form.getByLabel('Reason for suspending').fill('Insulted neighbours in three threads');
    await form.getByLabel('For how long').selectOption('3');
    await form.getByRole('button', { name: /^Suspend Alice/ }).click();
    await mod.page.getByText(/Alice \(resident\) is suspended/).waitFor();

    // Alice sees why and until when, cannot post, and appeals once.
    await alice.page.goto(url);
    const banner = alice.page.getByRole('region', { name: 'Your account is suspended' });
    await banner.getByText('Insulted neighbours in three threads', { exact: false }).waitFor();
    expect(await banner.textContent()).toMatch(/until .*Harassment/);
    await compose(alice, url, `Another post ${tag}`);
    await alice.page
      .getByRole('alert')
      .getByText(/suspended until/)
      .waitFor();
    await banner.getByRole('button', { name: 'Appeal this suspension' }).click();
    await banner
      .getByLabel('Why the suspension is wrong')
      .fill('Those were quotes from a flyer, not my words.');
    await banner.getByRole('button', { name: 'Send appeal' }).click();
    await banner.getByText('You appealed; a moderator will review it.').waitFor();

    // The moderator reads the appeal on the suspensions page and lifts the suspension there.
    await mod.page.goto(`${url}/moderation`);
    await mod.page.getByRole('link', { name: 'Suspended accounts and their appeals' }).click();
    await mod.page.getByRole('heading', { name: 'Suspensions', level: 1 }).waitFor();
    const appealed = mod.page
      .getByRole('list', { name: 'Suspensions in force' })
      .getByRole('listitem')
      .filter({ hasText: 'Those were quotes from a flyer, not my words.' });
    await appealed.getByText(/Alice.* is suspended .*; they appealed/).waitFor();
    await appealed.getByLabel('Reason for lifting it early').fill('The quotes were from a flyer');
    await appealed.getByRole('button', { name: 'Lift suspension' }).click();
    await appealed.waitFor({ state: 'detached' });
    await mod.page.goto(postUrl);
    await mod.page.getByRole('button', { name: /^Suspend Alice/ }).waitFor();

    // Alice's banner goes at her next page, without a reload, and she can post again.
    await alice.page.getByRole('link', { name: 'My posts', exact: true }).first().click();
    await alice.page.waitForURL(`${url}/mine`);
    await banner.waitFor({ state: 'detached' });
    const again = `Bins collected ${tag}`;
    await compose(alice, url, again);
    await alice.page.getByRole('article', { name: again }).waitFor();
    expect(await alice.page.getByRole('region', { name: 'Your account is suspended' }).count()).toBe(0);

    // Bob unblocks Alice from his account page; her posts come back.
    await bob.page.goto(`${url}/account`);
    const blocked = bob.page.getByRole('region', { name: 'People you blocked' });
    await blocked.getByRole('button', { name: /^Unblock Alice/ }).click();
    await blocked.getByText('You have not blocked anyone.').waitFor();
    await bob.page.goto(url);
    await bob.page.getByRole('article', { name: aliceTitle }).waitFor();
  }, 400_000);
});
