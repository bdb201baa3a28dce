import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/app.js';
import type { TestUser } from './support/client.js';
import { makePost, makeUser } from './support/factories.js';
import { listen, openLive, type LiveStream } from './support/sse.js';

interface Notification {
  id: string;
  kind: 'reply' | 'reaction' | 'moderation' | 'appeal';
  title: string;
  body: string;
  url: string;
  read: boolean;
  post: { id: string; title: string; hidden: boolean };
  reason: string | null;
  canAppeal: boolean;
}
interface List {
  items: Notification[];
  unread: number;
}

let t: TestApp;
let origin: string;
let author: TestUser;
let neighbour: TestUser;
let moderator: TestUser;
const streams: LiveStream[] = [];

beforeAll(async () => {
  t = await startTestApp();
  origin = await listen(t.app);
  author = await makeUser(t, { name: 'Ada Author' });
  neighbour = await makeUser(t, { name: 'Ned Neighbour' });
  moderator = await makeUser(t, { role: 'moderator' });
});
afterEach(async () => {
  await Promise.all(streams.splice(0).map((s) => s.close()));
});
afterAll(() => t.close());

async function centre(user: TestUser): Promise<List> {
  const res = await user.raw('GET', '/api/notifications');
  expect(res.statusCode, res.body).toBe(200);
  return res.json<List>();
}

const comment = async (user: TestUser, postId: string | number, body: string) => {
  const res = await user.raw('POST', `/api/posts/${postId}/comments`, { body });
  expect(res.statusCode, res.body).toBe(201);
};

describe('the notification centre', () => {
  it('lists a reply to my post, with an excerpt and a link to the post, and counts it unread', async () => {
    const post = await makePost(author, { title: 'Lost cat near the park' });
    await comment(neighbour, post.id, 'I saw a grey cat by the bakery this morning, heading north.');
    // Written with the comment itself: there when the comment's response is.
    const list = await centre(author);
    const reply = list.items.find((n) => n.post.id === post.id && n.kind === 'reply');
    expect(reply).toMatchObject({
      title: 'New reply to “Lost cat near the park”',
      body: 'I saw a grey cat by the bakery this morning, heading north.',
      url: `/posts/${post.id}`,
      read: false,
    });
    expect(reply!.id).toMatch(/^nt_[A-Za-z0-9_-]{22}$/);
    expect(list.unread).toBeGreaterThanOrEqual(1);
    const count = await author.raw('GET', '/api/notifications/count');
    expect(count.json()).toEqual({ unread: list.unread });
  });

  it('does not notify me of my own comments or reactions, and tells no one else', async () => {
    const post = await makePost(author, { title: 'Road closed on Elm' });
    const before = (await centre(author)).items.length;
    await comment(author, post.id, 'Update: reopened at noon.');
    expect((await author.raw('PUT', `/api/posts/${post.id}/reaction`, { kind: 'helpful' })).statusCode).toBe(
      200,
    );
    expect((await centre(author)).items.length).toBe(before);
    await comment(neighbour, post.id, 'Thanks for the update!');
    expect((await centre(moderator)).items.some((n) => n.post.id === post.id)).toBe(false);
    expect((await centre(neighbour)).items.some((n) => n.post.id === post.id)).toBe(false);
  });

  it('collects reactions to one post into one unread item', async () => {
    const post = await makePost(author, { title: 'Free firewood' });
    const third = await makeUser(t);
    for (const [u, kind] of [
      [neighbour, 'thanks'],
      [third, 'helpful'],
    ] as const) {
      expect((await u.raw('PUT', `/api/posts/${post.id}/reaction`, { kind })).statusCode).toBe(200);
    }
    const items = (await centre(author)).items.filter((n) => n.post.id === post.id);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ kind: 'reaction', title: '2 neighbours reacted to “Free firewood”' });
  });

  it('marks one read, then all; another account cannot mark mine (404, as if it did not exist)', async () => {
    const post = await makePost(author, { title: 'Package thief on 5th' });
    await comment(neighbour, post.id, 'Same happened to us last week.');
    await comment(moderator, post.id, 'Please add a time if you can.');
    const [first] = (await centre(author)).items;
    expect((await neighbour.raw('POST', `/api/notifications/${first!.id}/read`)).statusCode).toBe(404);
    expect((await centre(author)).items[0]!.read).toBe(false);

    expect((await author.raw('POST', `/api/notifications/${first!.id}/read`)).statusCode).toBe(204);
    const after = await centre(author);
    expect(after.items.find((n) => n.id === first!.id)!.read).toBe(true);
    expect(after.unread).toBeGreaterThan(0);

    const all = await author.raw('POST', '/api/notifications/read-all');
    expect(all.json()).toEqual({ marked: after.unread });
    expect((await centre(author)).unread).toBe(0);
  });

  it('refuses a malformed id with a 400 naming it, and needs a session', async () => {
    const bad = await author.raw('POST', '/api/notifications/123/read');
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('/params/id');
    expect((await t.app.inject({ method: 'GET', url: '/api/notifications' })).statusCode).toBe(401);
  });
});

describe('moderation decisions reach the author', () => {
  it('a hide arrives live with the reason and the appeal offer; after appealing, the offer is gone', async () => {
    const post = await makePost(author, { title: 'Suspicious van again' });
    const stream = await openLive(origin, author.jar);
    streams.push(stream);
    const hide = await moderator.raw('POST', `/api/moderation/posts/${post.id}/decisions`, {
      action: 'hide',
      reason: 'Names a private person without need',
    });
    expect(hide.statusCode, hide.body).toBe(200);

    const event = await stream.next<{ item: Notification; unread: number }>(
      'notification',
      (d) => d.item.post.id === post.id,
    );
    expect(event.json.item).toMatchObject({
      kind: 'moderation',
      title: 'A moderator hid your post “Suspicious van again”',
      reason: 'Names a private person without need',
      canAppeal: true,
      post: { hidden: true },
    });
    expect(event.json.unread).toBe((await centre(author)).unread);

    const appeal = await author.raw('POST', `/api/posts/${post.id}/appeal`, {
      statement: 'The post only describes a vehicle, no person.',
    });
    expect(appeal.statusCode, appeal.body).toBe(200);
    const item = (await centre(author)).items.find((n) => n.post.id === post.id)!;
    expect(item.canAppeal).toBe(false);
  });

  it('a reply arrives live on the author’s stream only', async () => {
    const post = await makePost(author, { title: 'Streetlight out' });
    const mine = await openLive(origin, author.jar);
    const theirs = await openLive(origin, neighbour.jar);
    streams.push(mine, theirs);
    await comment(moderator, post.id, 'Reported to the city.');
    await mine.next<{ item: Notification }>('notification', (d) => d.item.post.id === post.id);
    // The author's event has arrived, so the neighbour's would have by now too.
    await comment(author, post.id, 'Thanks!');
    await mine.next('comment', (d: { body: string }) => d.body === 'Thanks!');
    expect(theirs.received('notification')).toEqual([]);
  });
});

describe('alert settings', () => {
  it('starts in-app only and saves categories, radius, quiet hours and channels', async () => {
    const user = await makeUser(t);
    expect((await user.raw('GET', '/api/alerts/settings')).json()).toEqual({
      categories: [],
      radiusM: 1600,
      quietHours: null,
      timeZone: 'UTC',
      channels: { inApp: true, push: false, email: 'off' },
    });
    const settings = {
      categories: ['crime', 'safety'],
      radiusM: 800,
      quietHours: { start: '22:00', end: '07:00' },
      timeZone: 'America/Los_Angeles',
      channels: { inApp: true, push: true, email: 'digest' },
    };
    const saved = await user.raw('PUT', '/api/alerts/settings', settings);
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json()).toEqual(settings);
    expect((await user.raw('GET', '/api/alerts/settings')).json()).toEqual(settings);
  });

  it('names what is wrong: an unknown time zone, equal quiet hours, a category that does not exist', async () => {
    const user = await makeUser(t);
    const base = {
      categories: [],
      radiusM: 1600,
      quietHours: null,
      timeZone: 'UTC',
      channels: { inApp: true, push: false, email: 'off' },
    };
    const cases: [Record<string, unknown>, string][] = [
      [{ timeZone: 'Mars/Olympus' }, '/body/timeZone'],
      [{ quietHours: { start: '22:00', end: '22:00' } }, '/body/quietHours/end'],
      [{ quietHours: { start: '25:00', end: '07:00' } }, '/body/quietHours'],
      [{ categories: ['gossip'] }, '/body/categories'],
      [{ radiusM: 50 }, '/body/radiusM'],
    ];
    for (const [patch, field] of cases) {
      const res = await user.raw('PUT', '/api/alerts/settings', { ...base, ...patch });
      expect(res.statusCode, JSON.stringify(patch)).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body, JSON.stringify(patch)).toContain(field);
    }
  });

  it('with in-app alerts off, items are kept read: no badge and nothing live', async () => {
    const quiet = await makeUser(t);
    expect(
      (
        await quiet.raw('PUT', '/api/alerts/settings', {
          categories: [],
          radiusM: 1600,
          quietHours: null,
          timeZone: 'UTC',
          channels: { inApp: false, push: false, email: 'off' },
        })
      ).statusCode,
    ).toBe(200);
    const post = await makePost(quiet, { title: 'Lost keys' });
    await comment(neighbour, post.id, 'Found some keys by the bus stop.');
    const list = await centre(quiet);
    expect(list.unread).toBe(0);
    expect(list.items[0]).toMatchObject({ kind: 'reply', read: true });
  });
});
