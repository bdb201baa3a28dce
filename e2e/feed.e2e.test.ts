import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser, signIn, type Person } from './support/browser.js';
import { startServer, type RunningServer } from './support/server.js';

/*
 * Two neighbours and a moderator, each in their own browser profile, against the real built server:
 * a post reaches the other neighbour live (no reload), a report brings it to the moderator, the moderator
 * hides it with a reason, and the author reads that reason in "My posts" and appeals.
 */
describe('neighbourhood feed, end to end', () => {
  let server: RunningServer | undefined;
  const people: Person[] = [];

  beforeAll(async () => {
    server = await startServer();
    people.push(...(await Promise.all([openBrowser(), openBrowser(), openBrowser()])));
  }, 90_000);

  afterAll(async () => {
    await Promise.allSettled(people.map((p) => p.close()));
    await server?.stop();
  }, 30_000);

  it('delivers a post live, shows the author why a moderator hid it, keeps up a post whose reports were dismissed, and drops one its author deleted', async () => {
    const [alice, bob, mod] = people as [Person, Person, Person];
    const url = server!.url;
    const title = `Found a set of keys by the fountain ${Date.now().toString(36)}`;

    await Promise.all([
      signIn(alice.page, url, 'alice@demo.porchlight'),
      signIn(bob.page, url, 'bob@demo.porchlight'),
      signIn(mod.page, url, 'mod@demo.porchlight'),
    ]);

    // Bob's feed is open and subscribed to live updates; mark the page so a reload would be noticed.
    await bob.page.getByTitle('New posts and comments appear as they happen').waitFor();
    await bob.page.evaluate(() => {
      document.documentElement.dataset.e2eNoReload = 'yes';
    });

    // Alice posts.
    await alice.page.getByRole('link', { name: 'New post' }).click();
    await alice.page.getByRole('radio', { name: 'Community' }).check();
    await alice.page.getByLabel('Title').fill(title);
    await alice.page
      .getByLabel('What happened?')
      .fill(
        'A ring of three keys with a blue tag, on the bench by the fountain. Ask me to describe them. ' +
          'Photos of the bench: https://example.org/lost-keys',
      );
    await alice.page.getByRole('button', { name: 'Post to neighbours' }).click();
    await alice.page.getByRole('article', { name: title }).waitFor();

    // Bob sees it at the top of his feed without reloading.
    const bobsPost = bob.page.getByRole('article', { name: title });
    await bobsPost.waitFor();
    const top = bob.page.getByRole('list', { name: 'Posts near you' }).getByRole('article').first();
    expect(await top.getByRole('heading').textContent()).toBe(title);
    expect(await bob.page.evaluate(() => document.documentElement.dataset.e2eNoReload)).toBe('yes');
    // The address in her text is a link that opens apart, sends no referrer and lends no standing.
    const link = bobsPost.getByRole('link', { name: 'https://example.org/lost-keys' });
    expect(await link.getAttribute('href')).toBe('https://example.org/lost-keys');
    expect(await link.getAttribute('rel')).toBe('noopener noreferrer nofollow ugc');
    expect(await link.getAttribute('target')).toBe('_blank');
    // Reactions are drawn icons beside their words, not emoji (an empty box where no emoji font is installed).
    const reactions = bobsPost.getByRole('group', { name: 'Reactions' }).getByRole('button');
    expect(await reactions.count()).toBe(4);
    for (const button of await reactions.all()) {
      const icon = await button.locator('svg.reaction__icon').boundingBox();
      expect(icon?.width).toBeGreaterThanOrEqual(16);
      expect((await button.innerText()).trim()).toMatch(/^[A-Z][a-z]+( \d+)?$/);
    }
    // The comment count's bubble is drawn too, with a space before its number.
    const comments = bobsPost.locator('.post__comment-count');
    expect(await comments.locator('svg.icon').count()).toBe(1);
    expect(((await comments.textContent()) ?? '').replace(/\s+/g, ' ').trim()).toMatch(/^0 comments on “/);

    // Bob reports it.
    await bobsPost.getByRole('button', { name: 'Report' }).click();
    const dialog = bob.page.getByRole('dialog');
    // A rule must be chosen; "Something else" needs words.
    await dialog.getByRole('button', { name: 'Send report' }).click();
    await dialog.getByText('Choose the rule this post breaks.').waitFor();
    await dialog.getByRole('radio', { name: /^Something else/ }).check();
    await dialog
      .getByLabel('Reason for reporting')
      .fill('Posting where the keys are invites anyone to claim them.');
    await dialog.getByRole('button', { name: 'Send report' }).click();
    await bobsPost.getByRole('button', { name: 'Reported' }).waitFor();

    // The moderator hides it from the queue with a reason.
    const reason = 'Hidden so the owner can claim the keys privately; please message Alice instead.';
    await mod.page.getByRole('link', { name: 'Moderation' }).click();
    const queued = mod.page.getByRole('article', { name: title });
    await queued.getByLabel('Reason for hiding').fill(reason);
    await queued.getByRole('button', { name: 'Hide post' }).click();
    await mod.page.getByRole('heading', { name: 'Decided this session' }).waitFor();

    // It leaves Bob's feed live too.
    await bobsPost.waitFor({ state: 'detached' });

    // Alice finds the reason in My posts, opens the post and appeals once from its own page.
    await alice.page.getByRole('link', { name: 'My posts' }).click();
    const listed = alice.page.getByRole('article', { name: title });
    await listed.getByText('Hidden by a moderator').waitFor();
    await listed.getByText(reason).waitFor();
    await listed.getByRole('link', { name: title, exact: true }).click();
    const mine = alice.page.getByRole('article', { name: title });
    await mine.getByText(reason).waitFor();
    await mine.getByRole('button', { name: 'Appeal this decision' }).click();
    await mine
      .getByLabel('Why should this post be restored?')
      .fill('The post gives no way to claim the keys without describing them first.');
    await mine.getByRole('button', { name: 'Send appeal' }).click();
    await mine.getByText('Your appeal is waiting for a different moderator.').waitFor();
    expect(await mine.getByRole('button', { name: 'Appeal this decision' }).count()).toBe(0);

    // The moderator reads the post's decision history on its page: the report (never who), the hide with its
    // reason and the appeal waiting.
    const postPath = new URL(alice.page.url()).pathname;
    await mod.page.goto(`${url}${postPath}`);
    const history = mod.page.locator('details.post-history').filter({ hasText: 'Moderation history' });
    await history.locator('summary').click();
    const entries = history.locator('.post-history__body');
    await entries.filter({ hasText: 'Appealed:' }).waitFor();
    const lines = await entries.allTextContents();
    expect(lines.some((l) => l.startsWith('Reported: ') && l.includes('Posting where the keys are'))).toBe(
      true,
    );
    expect(lines.some((l) => l.startsWith('Hidden by ') && l.endsWith(reason))).toBe(true);
    expect(lines.some((l) => l.includes('(waiting)'))).toBe(true);
    expect(lines.join(' ')).not.toContain('Bob');
    await mod.page.goto(`${url}/moderation`);
    await mod.page.getByRole('heading', { name: 'Moderation', level: 1 }).waitFor();

    // A report that breaks no rule: the moderator dismisses it and the post stays up for everyone.
    const second = `Found: a child's red scooter by the library steps (${Date.now()})`;
    await alice.page.getByRole('link', { name: 'New post' }).click();
    await alice.page.getByRole('radio', { name: 'Community' }).check();
    await alice.page.getByLabel('Title').fill(second);
    await alice.page
      .getByLabel('What happened?')
      .fill('Left by the library steps this afternoon; it is inside the front desk now.');
    await alice.page.getByRole('button', { name: 'Post to neighbours' }).click();
    const bobsSecond = bob.page.getByRole('article', { name: second });
    await bobsSecond.getByRole('button', { name: 'Report' }).click();
    await dialog.getByRole('radio', { name: /^Spam or advertising/ }).check();
    await dialog.getByLabel('Reason for reporting (optional)').fill('I do not want scooters on the feed.');
    await dialog.getByRole('button', { name: 'Send report' }).click();
    await bobsSecond.getByRole('button', { name: 'Reported' }).waitFor();
    await mod.page.reload();
    const reported = mod.page.getByRole('article', { name: second });
    await reported.getByText('Spam or advertising “I do not want scooters on the feed.”').waitFor();
    await reported
      .getByLabel(/^Reason for hiding or for dismissing the reports/)
      .fill('Lost-and-found posts are welcome.');
    await reported.getByRole('button', { name: 'Dismiss reports, keep it up' }).click();
    await mod.page.getByRole('heading', { name: 'Decided this session' }).waitFor();
    await mod.page.reload();
    await mod.page.getByRole('heading', { name: 'Moderation', level: 1 }).waitFor();
    expect(await mod.page.getByRole('article', { name: second }).count()).toBe(0);
    await bob.page.reload();
    await bob.page.getByRole('article', { name: second }).waitFor();

    // Bob comments on it, edits his comment (its earlier words stay readable to him), thinks better of it and
    // deletes it (asked twice).
    await bob.page.getByRole('link', { name: second, exact: true }).click();
    await bob.page.getByLabel('Add a comment').fill('Is it still at the front desk today?');
    await bob.page.getByRole('button', { name: 'Post comment' }).click();
    await bob.page.locator('.comment').filter({ hasText: 'front desk today?' }).waitFor();
    await bob.page.getByRole('button', { name: 'Edit your comment' }).click();
    await bob.page.getByLabel('Edit your comment').fill('Is it still at the front desk tomorrow?');
    await bob.page.getByRole('button', { name: 'Save comment' }).click();
    const bobsComment = bob.page
      .locator('.comment')
      .filter({ hasText: 'Is it still at the front desk tomorrow?' });
    await bobsComment.getByText('(edited)').waitFor();
    await bob.page.reload();
    await bobsComment.getByText('Earlier versions').click();
    await bobsComment.locator('.post-history__body').filter({ hasText: 'front desk today?' }).waitFor();
    await bobsComment.getByRole('button', { name: 'Delete your comment' }).click();
    await bobsComment
      .getByRole('group', { name: 'Delete this comment?' })
      .getByRole('button', { name: 'Delete comment' })
      .click();
    await bobsComment.waitFor({ state: 'detached' });
    await bob.page.getByRole('heading', { name: 'Comments (0)' }).waitFor();
    await bob.page.getByRole('link', { name: '← Back to the feed' }).click();
    await bob.page.getByRole('article', { name: second }).waitFor();

    // Alice deletes it from My posts (asked twice); it leaves Bob's open feed without a reload.
    await bob.page.evaluate(() => {
      document.documentElement.dataset.e2eNoReload = 'yes';
    });
    await alice.page.getByRole('link', { name: 'My posts' }).click();
    const own = alice.page.getByRole('article', { name: second });
    const path = await own.getByRole('link', { name: second, exact: true }).getAttribute('href');
    expect(path).toMatch(/^\/posts\/po_[A-Za-z0-9_-]{22}$/);
    await own.getByRole('button', { name: `Delete “${second}”` }).click();
    await own
      .getByRole('group', { name: 'Delete this post?' })
      .getByRole('button', { name: 'Delete post' })
      .click();
    await own.waitFor({ state: 'detached' });
    await bob.page.getByRole('article', { name: second }).waitFor({ state: 'detached' });
    expect(await bob.page.evaluate(() => document.documentElement.dataset.e2eNoReload)).toBe('yes');
    expect((await bob.page.request.get(`${url}/api${path}`)).status()).toBe(404);

    for (const p of people) expect(p.errors).toEqual([]);
  }, 90_000);

  it('lets an author edit a post (a moderator reads the earlier version) and mark it resolved, live, a neighbour find it by its words, and mute and unmute its author', async () => {
    const [alice, bob, mod] = people as [Person, Person, Person];
    const url = server!.url;
    const tag = Date.now().toString(36);
    const title = `Bike taken from the rack on Pine ${tag}`;
    const before = 'A red bike was taken from the rack outside the library around noon.';
    const after = 'A red bike with a child seat was taken from the rack outside the library around noon.';

    await alice.page.goto(`${url}/new`);
    // The composer points to the guidelines.
    expect(await alice.page.getByRole('link', { name: 'community guidelines' }).getAttribute('href')).toBe(
      '/guidelines',
    );
    await alice.page.getByRole('radio', { name: 'Community' }).check();
    await alice.page.getByLabel('Title').fill(title);
    await alice.page.getByLabel('What happened?').fill(before);
    await alice.page.getByRole('button', { name: 'Post to neighbours' }).click();
    await alice.page.getByRole('article', { name: title }).waitFor();
    await alice.page.getByRole('link', { name: title, exact: true }).click();
    const postUrl = alice.page.url();

    // Bob has the post open; the edit reaches him without a reload.
    await bob.page.goto(postUrl);
    await bob.page.getByText(before).waitFor();
    await bob.page.evaluate(() => {
      document.documentElement.dataset.e2eNoReload = 'yes';
    });

    await alice.page.getByRole('button', { name: 'Edit your post' }).click();
    const form = alice.page.getByRole('form', { name: 'Edit your post' });
    await form.getByLabel('What happened?').fill(after);
    await form.getByRole('button', { name: 'Save changes' }).click();
    await alice.page.getByText(after).waitFor();
    await bob.page.getByText(after).waitFor();
    await bob.page.getByText('(edited').waitFor();
    // Bob shares its link (copied, as headless Chromium on Linux has no share sheet).
    await bob.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: url });
    await bob.page.getByRole('button', { name: /^Share link/ }).click();
    await bob.page.getByRole('button', { name: /^Link copied/ }).waitFor();
    expect(await bob.page.evaluate(() => navigator.clipboard.readText())).toBe(postUrl);
    // A neighbour does not get the history.
    expect(await bob.page.getByText('Earlier versions').count()).toBe(0);

    // The moderator reads what it said before.
    await mod.page.goto(postUrl);
    await mod.page.getByText('Earlier versions').click();
    await mod.page.locator('.post-history__body').filter({ hasText: before }).waitFor();

    // Resolved: Bob sees the badge live.
    await alice.page.getByRole('button', { name: 'Mark resolved' }).click();
    await alice.page.getByRole('button', { name: 'Reopen' }).waitFor();
    await bob.page.locator('.badge--resolved').waitFor();
    expect(await bob.page.evaluate(() => document.documentElement.dataset.e2eNoReload)).toBe('yes');

    // Bob searches his feed for its words: only that post; the filter is in the address.
    await bob.page.goto(url);
    await bob.page.getByRole('searchbox', { name: 'Words' }).fill(`child seat`);
    await bob.page.getByRole('button', { name: 'Search' }).click();
    await bob.page.waitForURL(/[?&]q=child\+seat/);
    const found = bob.page.getByRole('list', { name: 'Posts near you' }).getByRole('article');
    await found.first().waitFor();
    expect(await found.count()).toBe(1);
    await found.getByRole('heading', { name: title }).waitFor();
    await bob.page.getByRole('searchbox', { name: 'Words' }).fill(`no such words ${tag}`);
    await bob.page.getByRole('button', { name: 'Search' }).click();
    await bob.page.getByRole('heading', { name: 'No posts match these filters' }).click();
    await bob.page.getByRole('button', { name: 'Clear filters' }).click();
    await bob.page.waitForURL(`${url}/`);

    // Bob mutes Alice from her post: her posts leave his feed; his account page lists her, and unmuting
    // brings them back.
    await bob.page.goto(postUrl);
    await bob.page.getByRole('button', { name: /^Mute / }).click();
    await bob.page
      .getByRole('group', { name: /^Mute .*\?$/ })
      .getByRole('button', { name: /^Mute / })
      .click();
    await bob.page.waitForURL(`${url}/`);
    await bob.page.getByRole('list', { name: 'Posts near you' }).waitFor();
    expect(await bob.page.getByRole('article', { name: title }).count()).toBe(0);
    await bob.page.goto(`${url}/account`);
    const muted = bob.page.getByRole('region', { name: 'People you muted' });
    await muted.getByRole('button', { name: /^Unmute / }).click();
    await muted.getByText('You have not muted anyone.').waitFor();
    await bob.page.goto(url);
    await bob.page.getByRole('article', { name: title }).waitFor();

    // The report dialog points to the guidelines, and the link opens them (the dialog goes with the feed).
    await bob.page.getByRole('article', { name: title }).getByRole('button', { name: 'Report' }).click();
    const report = bob.page.getByRole('dialog', { name: `Report “${title}”` });
    const rules = report.getByRole('link', { name: 'community guidelines' });
    expect(await rules.getAttribute('href')).toBe('/guidelines');
    await rules.click();
    await bob.page.waitForURL(`${url}/guidelines`);
    await bob.page.getByRole('heading', { name: 'Community guidelines', level: 1 }).waitFor();
    expect(await bob.page.getByRole('dialog').count()).toBe(0);
    expect(await bob.page.title()).toBe('Community guidelines · Porchlight');

    // The guidelines are open to anyone.
    const visitor = await fetch(`${url}/guidelines`);
    expect(visitor.status).toBe(200);

    for (const p of people) expect(p.errors).toEqual([]);
  }, 90_000);
  it('narrows the feed by time, distance and words, and keeps the filter in the address across a reload', async () => {
    const bob = people[1]!;
    const url = server!.url;
    const feed = bob.page.getByRole('list', { name: 'Posts near you' });
    const listed = async () => {
      const headings = await feed.getByRole('article').locator('.post__title').allTextContents();
      return headings.map((h) => h.trim());
    };
    const cat = 'Found: grey tabby cat with a blue collar';
    const reload = async () => {
      await bob.page.reload();
      await feed
        .getByRole('article')
        .first()
        .waitFor({ timeout: 30_000 })
        .catch(async (err: unknown) => {
          throw new Error(`${String(err)}\n${await bob.page.locator('body').innerText()}`);
        });
    };

    // Everything so far was posted before `cutoff`; Bob posts once more after it, at his home.
    const cutoff = Date.now();
    await new Promise((r) => setTimeout(r, 1100));
    const fresh = `Lost: silver house key on a red lanyard ${Date.now().toString(36)}`;
    await bob.page.goto(`${url}/new`);
    await bob.page.getByRole('radio', { name: 'Community' }).check();
    await bob.page.getByLabel('Title').fill(fresh);
    await bob.page
      .getByLabel('What happened?')
      .fill('Dropped somewhere between the bakery and the bus stop.');
    await bob.page.getByRole('button', { name: 'Post to neighbours' }).click();
    await bob.page.getByRole('article', { name: fresh }).waitFor();
    await bob.page.goto(url);
    await feed.getByRole('article').first().waitFor();
    const everything = await listed();
    expect(everything[0]).toBe(fresh);
    expect(everything).toContain(cat);
    expect(everything).toContain('Someone trying car door handles on our block');

    // "Last 24 hours" counts back from the browser's clock. Every post here is minutes old, so Bob's browser's
    // clock is held at a day after `cutoff`: then only the post made after it is from the last 24 hours. The
    // server's clock and data are untouched.
    await bob.page.clock.setFixedTime(cutoff + 24 * 3600_000);
    await reload();
    expect(await listed()).toEqual(everything);
    await bob.page.getByLabel('When').selectOption({ label: 'Last 24 hours' });
    await bob.page.waitForURL(`${url}/?period=day`);
    await expect.poll(listed).toEqual([fresh]);
    await reload();
    expect(await bob.page.getByLabel('When').inputValue()).toBe('day');
    expect(await listed()).toEqual([fresh]);
    await bob.page.getByLabel('When').selectOption({ label: 'Last 7 days' });
    await bob.page.waitForURL(`${url}/?period=week`);
    await expect.poll(listed).toEqual(everything);

    // Within 250 m of Bob's home leaves his own two posts: Alice's home and the precinct are 450–600 m away.
    await bob.page.getByLabel('When').selectOption({ label: 'Any time' });
    await bob.page.getByLabel('Distance').selectOption('250');
    await bob.page.waitForURL(`${url}/?within=250`);
    await expect.poll(listed).toEqual([fresh, cat]);
    // Words narrow it further; all of it survives a reload.
    await bob.page.getByRole('searchbox', { name: 'Words' }).fill('tabby');
    await bob.page.getByRole('button', { name: 'Search' }).click();
    await bob.page.waitForURL(`${url}/?within=250&q=tabby`);
    await expect.poll(listed).toEqual([cat]);
    await reload();
    expect(await bob.page.getByLabel('Distance').inputValue()).toBe('250');
    expect(await bob.page.getByRole('searchbox', { name: 'Words' }).inputValue()).toBe('tabby');
    expect(await listed()).toEqual([cat]);
    await bob.page.getByLabel('Distance').selectOption('');
    await bob.page.waitForURL(`${url}/?q=tabby`);
    await expect.poll(listed).toEqual([cat]);

    expect(bob.errors).toEqual([]);
  }, 90_000);
});
