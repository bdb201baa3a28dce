import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/app.js';
import type { TestUser } from './support/client.js';
import { HOME, makePost, makeUser, offsetMeters } from './support/factories.js';
import { startSmtpServer, type ReceivedMail, type SmtpTestServer } from './support/smtp.js';

interface Notification {
  id: string;
  kind: string;
  title: string;
  body: string;
  url: string;
  read: boolean;
  post: { id: string; title: string; hidden: boolean };
}

let t: TestApp;
let smtp: SmtpTestServer;
let author: TestUser;
let moderator: TestUser;

beforeAll(async () => {
  smtp = await startSmtpServer();
  t = await startTestApp({ env: { SMTP_URL: smtp.url, PUBLIC_URL: 'https://porchlight.test' } });
  author = await makeUser(t, { name: 'Ada Author' });
  moderator = await makeUser(t, { role: 'moderator' });
});
afterAll(async () => {
  await t.close();
  await smtp.close();
});

const following = async (user: TestUser, postId: string) => {
  const res = await user.raw('GET', `/api/posts/${postId}/follow`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ following: boolean }>().following;
};
const follow = (user: TestUser, postId: string) => user.raw('PUT', `/api/posts/${postId}/follow`);
const unfollow = (user: TestUser, postId: string) => user.raw('DELETE', `/api/posts/${postId}/follow`);
const comment = async (user: TestUser, postId: string, body: string) => {
  const res = await user.raw('POST', `/api/posts/${postId}/comments`, { body });
  expect(res.statusCode, res.body).toBe(201);
  return res.json<{ id: string }>().id;
};
const edit = async (user: TestUser, postId: string, body: object) => {
  const res = await user.raw('PATCH', `/api/posts/${postId}`, body);
  expect(res.statusCode, res.body).toBe(200);
};
/** The user's notifications about one post, oldest first. */
const about = async (user: TestUser, postId: string) => {
  const res = await user.raw('GET', '/api/notifications');
  expect(res.statusCode, res.body).toBe(200);
  return res
    .json<{ items: Notification[] }>()
    .items.filter((n) => n.post.id === postId)
    .reverse();
};

/** A problem document less its `instance` (the request's own path). */
const withoutInstance = (problem: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(problem).filter(([k]) => k !== 'instance'));

describe('following a post', () => {
  it('authors follow their own posts; a neighbour follows with a button press, twice changes nothing', async () => {
    const post = await makePost(author, { title: 'Lost dog on Alder' });
    const neighbour = await makeUser(t);
    expect(await following(author, post.id)).toBe(true);
    expect(await following(neighbour, post.id)).toBe(false);
    for (let i = 0; i < 2; i++) {
      const res = await follow(neighbour, post.id);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toEqual({ following: true });
    }
    expect(await following(neighbour, post.id)).toBe(true);
    const res = await unfollow(neighbour, post.id);
    expect(res.json()).toEqual({ following: false });
    expect(await following(neighbour, post.id)).toBe(false);
  });

  it('followers hear of new comments; the author as a reply; the commenter hears nothing', async () => {
    const post = await makePost(author, { title: 'Fallen tree on Birch St' });
    const follower = await makeUser(t);
    const commenter = await makeUser(t);
    const bystander = await makeUser(t);
    expect((await follow(follower, post.id)).statusCode).toBe(200);
    await comment(commenter, post.id, 'The city crew is on its way, road blocked both directions.');

    expect(await about(follower, post.id)).toMatchObject([
      {
        kind: 'comment',
        title: 'New comment on “Fallen tree on Birch St”, which you follow',
        body: 'The city crew is on its way, road blocked both directions.',
        url: `/posts/${post.id}`,
        read: false,
      },
    ]);
    expect(await about(author, post.id)).toMatchObject([{ kind: 'reply' }]);
    expect(await about(commenter, post.id)).toEqual([]);
    expect(await about(bystander, post.id)).toEqual([]);

    // A follower's own comment tells the others, not them.
    await comment(follower, post.id, 'Thanks, taking the long way.');
    expect(await about(follower, post.id)).toHaveLength(1);
    expect((await about(author, post.id)).map((n) => n.kind)).toEqual(['reply', 'reply']);
  });

  it('followers hear of edits, resolving and reopening; the author is not told of their own', async () => {
    const post = await makePost(author, { title: 'Power out on 12th' });
    const follower = await makeUser(t);
    await follow(follower, post.id);
    await edit(author, post.id, { title: 'Power out on 12th and 13th' });
    await edit(author, post.id, { resolved: true });
    await edit(author, post.id, { resolved: false });
    const items = await about(follower, post.id);
    expect(items.map((n) => [n.kind, n.title])).toEqual([
      ['update', '“Power out on 12th and 13th”, which you follow, was edited'],
      ['update', '“Power out on 12th and 13th”, which you follow, was marked resolved'],
      ['update', '“Power out on 12th and 13th”, which you follow, was reopened'],
    ]);
    expect(await about(author, post.id)).toEqual([]);
  });

  it('unfollowing stops them, for a neighbour and for the author', async () => {
    const post = await makePost(author, { title: 'Loose goats near school' });
    const follower = await makeUser(t);
    const commenter = await makeUser(t);
    await follow(follower, post.id);
    await unfollow(follower, post.id);
    await unfollow(author, post.id);
    await comment(commenter, post.id, 'They are by the fence now.');
    await edit(author, post.id, { resolved: true });
    expect(await about(follower, post.id)).toEqual([]);
    expect(await about(author, post.id)).toEqual([]);
    // Following again brings them back.
    await follow(author, post.id);
    await comment(commenter, post.id, 'Owner found them.');
    expect(await about(author, post.id)).toMatchObject([{ kind: 'reply' }]);
  });

  it('a follower who muted the commenter is not told of their comments', async () => {
    const post = await makePost(author, { title: 'Noise complaint, Oak Ave' });
    const follower = await makeUser(t);
    const muted = await makeUser(t);
    await follow(follower, post.id);
    expect((await follower.raw('PUT', `/api/me/mutes/${muted.id}`)).statusCode).toBe(204);
    await comment(muted, post.id, 'It is my party and it ends at ten.');
    expect(await about(follower, post.id)).toEqual([]);
    expect(await about(author, post.id)).toHaveLength(1);
  });

  it('deleting a comment takes back the notifications it gave followers', async () => {
    const post = await makePost(author, { title: 'Bike stolen from porch' });
    const follower = await makeUser(t);
    const commenter = await makeUser(t);
    await follow(follower, post.id);
    const id = await comment(commenter, post.id, 'Check the pawn shop on Main.');
    expect(await about(follower, post.id)).toHaveLength(1);
    expect((await commenter.raw('DELETE', `/api/comments/${id}`)).statusCode).toBe(204);
    expect(await about(follower, post.id)).toEqual([]);
    expect(await about(author, post.id)).toEqual([]);
  });

  it('a follower with instant email gets the comment by mail', async () => {
    const post = await makePost(author, { title: 'Hawk nesting in the elm' });
    const follower = await makeUser(t);
    const address = (await follower.raw('GET', '/api/session')).json<{ user: { email: string } }>().user
      .email;
    const saved = await follower.raw('PUT', '/api/alerts/settings', {
      categories: [],
      radiusM: 1000,
      quietHours: null,
      timeZone: 'UTC',
      channels: { inApp: true, push: false, email: 'instant' },
    });
    expect(saved.statusCode, saved.body).toBe(200);
    await follow(follower, post.id);
    await comment(author, post.id, 'Two chicks now, visible from the path.');
    await t.services.jobs.runDue(t.app.log);
    const mail = await smtp.waitFor(
      (m: ReceivedMail) => m.to.includes(address) && !/confirm/i.test(m.subject),
    );
    expect(mail.subject).toBe('New comment on “Hawk nesting in the elm”, which you follow');
    expect(mail.text).toContain('Two chicks now, visible from the path.');
    expect(mail.text).toContain(`https://porchlight.test/posts/${post.id}`);
  });
});

describe('following and blocks', () => {
  /** A follower with instant email for their follows; returns their address. */
  const emailFollower = async (user: TestUser) => {
    const saved = await user.raw('PUT', '/api/alerts/settings', {
      categories: [],
      radiusM: 1000,
      quietHours: null,
      timeZone: 'UTC',
      channels: { inApp: true, push: false, email: 'instant' },
    });
    expect(saved.statusCode, saved.body).toBe(200);
    return (await user.raw('GET', '/api/session')).json<{ user: { email: string } }>().user.email;
  };
  const mailTo = (address: string) => smtp.messages.filter((m) => m.to.includes(address));

  it('a follower hears nothing, in the app or by email, from someone who blocked them or whom they blocked', async () => {
    const post = await makePost(author, { title: 'Water main burst on Cedar' });
    const [follower, blocker, blocked] = [await makeUser(t), await makeUser(t), await makeUser(t)];
    const address = await emailFollower(follower);
    await follow(follower, post.id);
    expect((await blocker.raw('PUT', `/api/me/blocks/${follower.id}`)).statusCode).toBe(204);
    expect((await follower.raw('PUT', `/api/me/blocks/${blocked.id}`)).statusCode).toBe(204);
    await comment(blocker, post.id, 'Crews from the utility are here now.');
    await comment(blocked, post.id, 'The road is closed at 5th.');
    await comment(author, post.id, 'Water is back on.');
    await t.services.jobs.runDue(t.app.log);

    expect((await about(follower, post.id)).map((n) => n.body)).toEqual(['Water is back on.']);
    await smtp.waitFor((m: ReceivedMail) => m.to.includes(address) && m.text.includes('Water is back on.'));
    expect(mailTo(address).filter((m) => /Crews from the utility|road is closed/.test(m.text))).toEqual([]);
    // The author hears of both neighbours’ comments as replies: no block involves them.
    expect(await about(author, post.id)).toHaveLength(2);
  });

  it('a follower the author blocked hears nothing of the post: not of others’ comments, not of its updates', async () => {
    const post = await makePost(author, { title: 'Scooters left on the footpath' });
    const [follower, neighbour] = [await makeUser(t), await makeUser(t)];
    await follow(follower, post.id);
    expect((await author.raw('PUT', `/api/me/blocks/${follower.id}`)).statusCode).toBe(204);
    await comment(neighbour, post.id, 'Three more by the bus stop.');
    await edit(author, post.id, { title: 'Scooters left on the footpath, Main St' });
    await edit(author, post.id, { resolved: true });
    expect(await about(follower, post.id)).toEqual([]);
    // Unblocked, they follow it as before.
    expect((await author.raw('DELETE', `/api/me/blocks/${follower.id}`)).statusCode).toBe(204);
    await comment(neighbour, post.id, 'All collected now.');
    expect(await about(follower, post.id)).toMatchObject([{ kind: 'comment', body: 'All collected now.' }]);
  });

  it('a follower who moved away, and so can no longer open the post, is not told of it', async () => {
    const post = await makePost(author, { title: 'Pothole on Hawthorne' });
    const [follower, neighbour] = [await makeUser(t), await makeUser(t)];
    await follow(follower, post.id);
    const away = await follower.raw('PUT', '/api/me/home', offsetMeters(HOME, 40_000, 0));
    expect(away.statusCode, away.body).toBe(200);
    expect((await follower.raw('GET', `/api/posts/${post.id}`)).statusCode).toBe(404);
    await comment(neighbour, post.id, 'It has swallowed a hubcap.');
    await edit(author, post.id, { resolved: true });
    expect(await about(follower, post.id)).toEqual([]);
    // Back home, the follow still stands.
    expect((await follower.raw('PUT', '/api/me/home', HOME)).statusCode).toBe(200);
    await comment(neighbour, post.id, 'Filled this morning.');
    expect(await about(follower, post.id)).toMatchObject([{ kind: 'comment', body: 'Filled this morning.' }]);
  });

  it('an edit that also resolves the post is one item, not two', async () => {
    const post = await makePost(author, { title: 'Gas smell on 3rd' });
    const follower = await makeUser(t);
    const address = await emailFollower(follower);
    await follow(follower, post.id);
    await edit(author, post.id, { title: 'Gas smell on 3rd, fixed', resolved: true });
    await t.services.jobs.runDue(t.app.log);
    expect((await about(follower, post.id)).map((n) => [n.kind, n.title])).toEqual([
      ['update', '“Gas smell on 3rd, fixed”, which you follow, was marked resolved'],
    ]);
    await smtp.waitFor((m: ReceivedMail) => m.to.includes(address) && /marked resolved/.test(m.subject));
    expect(mailTo(address).filter((m) => m.subject.includes('Gas smell'))).toHaveLength(1);
    // An edit alone is still an edit.
    await edit(author, post.id, { body: 'The gas company replaced a valve.' });
    expect((await about(follower, post.id)).map((n) => n.title)).toEqual([
      '“Gas smell on 3rd, fixed”, which you follow, was marked resolved',
      '“Gas smell on 3rd, fixed”, which you follow, was edited',
    ]);
  });
});

describe('following what you cannot see', () => {
  it('a post outside your area is 404 to follow, exactly like one that does not exist', async () => {
    const post = await makePost(author, { title: 'Car alarm all night' });
    const faraway = await makeUser(t, { home: offsetMeters(HOME, 40_000, 0) });
    const unknown = 'po_' + 'A'.repeat(22);
    const outside = await follow(faraway, post.id);
    const missing = await follow(faraway, unknown);
    expect(outside.statusCode).toBe(404);
    expect(missing.statusCode).toBe(404);
    expect(withoutInstance(outside.json())).toEqual(withoutInstance(missing.json()));
    expect((await faraway.raw('GET', `/api/posts/${post.id}/follow`)).statusCode).toBe(404);
    expect((await unfollow(faraway, post.id)).statusCode).toBe(404);
    // Nothing was written: a later comment tells them nothing.
    await comment(author, post.id, 'It stopped at 4 am.');
    expect(await about(faraway, post.id)).toEqual([]);
  });

  it('a hidden post: others cannot follow it and its followers are told nothing while it is hidden', async () => {
    const post = await makePost(author, { title: 'Suspicious person on Pine' });
    const follower = await makeUser(t);
    const latecomer = await makeUser(t);
    await follow(follower, post.id);
    const hide = await moderator.raw('POST', `/api/moderation/posts/${post.id}/decisions`, {
      action: 'hide',
      reason: 'Describes a person without any conduct',
    });
    expect(hide.statusCode, hide.body).toBe(200);
    expect((await follow(latecomer, post.id)).statusCode).toBe(404);
    expect((await follower.raw('GET', `/api/posts/${post.id}/follow`)).statusCode).toBe(404);
    // The author may still edit it; the follower hears nothing of it.
    await edit(author, post.id, { title: 'Open gate on Pine' });
    expect(await about(follower, post.id)).toEqual([]);
    // The author can still follow and unfollow their hidden post.
    expect((await unfollow(author, post.id)).statusCode).toBe(200);
    expect((await follow(author, post.id)).statusCode).toBe(200);
  });

  it('refuses a malformed post id with a 400 naming it, and needs a session', async () => {
    const bad = await author.raw('PUT', '/api/posts/123/follow');
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('/params/id');
    const res = await t.app.inject({ method: 'GET', url: `/api/posts/po_${'A'.repeat(22)}/follow` });
    expect(res.statusCode).toBe(401);
  });
});
