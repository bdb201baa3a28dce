import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { LiveMessage } from '../src/infra/live/bus.js';
import { startTestApp, type TestApp } from './support/app.js';
import type { TestUser } from './support/client.js';
import { HOME, makePost, makeUser, offsetMeters } from './support/factories.js';

let t: TestApp;
const live: LiveMessage[] = [];
beforeAll(async () => {
  t = await startTestApp();
  t.deps.live.subscribe((m) => live.push(m));
});
afterAll(() => t.close());

const edit = (user: TestUser, id: string, body: unknown) => user.raw('PATCH', `/api/posts/${id}`, body);
const revisions = (user: TestUser, id: string) => user.raw('GET', `/api/posts/${id}/revisions`);

describe('editing your own post', () => {
  it('changes what neighbours see, keeps the earlier version for moderators, and pushes the change live', async () => {
    const [author, neighbour] = [await makeUser(t), await makeUser(t)];
    const mod = await makeUser(t, { role: 'moderator' });
    const post = await makePost(author, {
      title: 'Lost cat near the park',
      body: 'Grey tabby, answers to Miso',
    });
    expect(post.editedAt).toBeNull();

    const res = await edit(author, post.id, { body: '  Grey tabby with a white chest, answers to Miso  ' });
    expect(res.statusCode, res.body).toBe(200);
    const edited = res.json<{ body: string; title: string; editedAt: string | null }>();
    expect(edited.body).toBe('Grey tabby with a white chest, answers to Miso');
    expect(edited.title).toBe('Lost cat near the park');
    expect(edited.editedAt).not.toBeNull();

    const seen = await neighbour.api.GET('/api/posts/{id}', { params: { path: { id: post.id } } });
    expect(seen.data!.body).toBe('Grey tabby with a white chest, answers to Miso');
    expect(seen.data!.editedAt).toBe(edited.editedAt);

    for (const who of [author, mod]) {
      const history = await revisions(who, post.id);
      expect(history.statusCode, history.body).toBe(200);
      expect(history.json<{ items: { body: string; title: string }[] }>().items).toEqual([
        expect.objectContaining({ title: 'Lost cat near the park', body: 'Grey tabby, answers to Miso' }),
      ]);
    }
    // A neighbour reads the post, not its history.
    const refused = await revisions(neighbour, post.id);
    expect(refused.statusCode).toBe(403);
    expect(refused.body).not.toContain('answers to Miso');

    await vi.waitFor(() => {
      expect(live.find((m) => m.kind === 'post.updated' && m.postId === post.id)).toBeDefined();
    });
  });

  it('keeps every version, oldest first, and an edit that changes nothing is not a version', async () => {
    const author = await makeUser(t);
    const mod = await makeUser(t, { role: 'moderator' });
    const post = await makePost(author, { title: 'Road closed on Elm', body: 'Water main work' });
    expect((await edit(author, post.id, { title: 'Road closed on Elm St' })).statusCode).toBe(200);
    expect(
      (await edit(author, post.id, { category: 'safety', body: 'Water main work until Friday' })).statusCode,
    ).toBe(200);
    // The same text again (spaces aside) changes nothing.
    expect((await edit(author, post.id, { body: ' Water main work until Friday ' })).statusCode).toBe(200);
    const items = (await revisions(mod, post.id)).json<{
      items: { title: string; body: string; category: string; replacedAt: string }[];
    }>().items;
    expect(items.map((r) => [r.category, r.title, r.body])).toEqual([
      ['community', 'Road closed on Elm', 'Water main work'],
      ['community', 'Road closed on Elm St', 'Water main work'],
    ]);
    expect(Date.parse(items[1]!.replacedAt)).toBeGreaterThanOrEqual(Date.parse(items[0]!.replacedAt));
    const events = await t.database.db.query<{ type: string; data: unknown }>(
      `SELECT type, data FROM events WHERE subject_id = $1 AND type = 'post.edited' ORDER BY id`,
      [post.id],
    );
    expect(events.rows.map((r) => r.data)).toEqual([{ fields: ['title'] }, { fields: ['category', 'body'] }]);
  });

  it('applies the composer rules again: an edit cannot slip in what the composer refuses, and nothing changes', async () => {
    const author = await makeUser(t);
    const post = await makePost(author, {
      title: 'Someone checking car doors',
      body: 'On Oak street last night',
    });
    const res = await edit(author, post.id, {
      category: 'suspicious_activity',
      body: 'Suspicious black man walking around',
    });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ code: 'profiling_risk' });
    const after = await author.api.GET('/api/posts/{id}', { params: { path: { id: post.id } } });
    expect(after.data!).toMatchObject({
      body: 'On Oak street last night',
      category: 'community',
      editedAt: null,
    });
    expect((await revisions(author, post.id)).json<{ items: unknown[] }>().items).toEqual([]);
  });

  it('refuses everyone but the author, and names bad fields', async () => {
    const [author, neighbour] = [await makeUser(t), await makeUser(t)];
    const mod = await makeUser(t, { role: 'moderator' });
    const post = await makePost(author, { title: 'Block party', body: 'Sunday at noon' });
    for (const who of [neighbour, mod]) {
      const res = await edit(who, post.id, { body: 'Cancelled' });
      expect(res.statusCode).toBe(403);
    }
    // A stranger far away cannot even tell the post exists.
    const far = await makeUser(t, { home: offsetMeters(HOME, 900_000, 0) });
    expect((await edit(far, post.id, { body: 'Cancelled' })).statusCode).toBe(404);

    for (const [body, pointer] of [
      [{}, ''],
      [{ title: 'ab' }, '/title'],
      [{ title: '   x   ' }, '/body/title'],
      [{ category: 'gossip' }, '/category'],
      [{ resolved: 'yes' }, '/resolved'],
      [{ views: 3 }, ''],
    ] as const) {
      const res = await edit(author, post.id, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      if (pointer) expect(JSON.stringify(res.json()), JSON.stringify(body)).toContain(pointer);
    }
    expect((await edit(author, '42', { body: 'x' })).statusCode).toBe(400);
    const unchanged = await author.api.GET('/api/posts/{id}', { params: { path: { id: post.id } } });
    expect(unchanged.data!).toMatchObject({ title: 'Block party', body: 'Sunday at noon', editedAt: null });
  });
});

describe('resolving a post', () => {
  it('marks it resolved for everyone and open again, without making a version', async () => {
    const [author, neighbour] = [await makeUser(t), await makeUser(t)];
    const post = await makePost(author, { title: 'Dog loose on 5th', body: 'Brown lab, friendly' });
    expect(post.resolvedAt).toBeNull();
    const res = await edit(author, post.id, { resolved: true });
    expect(res.statusCode, res.body).toBe(200);
    const resolved = res.json<{ resolvedAt: string | null; editedAt: string | null }>();
    expect(Date.parse(resolved.resolvedAt ?? '')).toBeGreaterThan(0);
    expect(resolved.editedAt).toBeNull();
    const feed = await neighbour.api.GET('/api/feed', { params: { query: { limit: 50 } } });
    expect(feed.data!.items.find((p) => p.id === post.id)?.resolvedAt).toEqual(expect.any(String));
    expect((await edit(neighbour, post.id, { resolved: false })).statusCode).toBe(403);
    const reopened = await edit(author, post.id, { resolved: false });
    expect(reopened.json<{ resolvedAt: string | null }>().resolvedAt).toBeNull();
    expect((await revisions(author, post.id)).json<{ items: unknown[] }>().items).toEqual([]);
  });
});

describe('editing your own comment', () => {
  it('changes it for everyone, keeps the old text for moderators only, and refuses others', async () => {
    const [author, commenter, other] = [await makeUser(t), await makeUser(t), await makeUser(t)];
    const mod = await makeUser(t, { role: 'moderator' });
    const post = await makePost(author);
    const created = await commenter.api.POST('/api/posts/{id}/comments', {
      params: { path: { id: post.id } },
      body: { body: 'I can bring chairs' },
    });
    const id = created.data!.id;
    expect(created.data!.editedAt).toBeNull();

    const res = await commenter.raw('PATCH', `/api/comments/${id}`, { body: 'I can bring six chairs' });
    expect(res.statusCode, res.body).toBe(200);
    const saved = res.json<{ body: string; editedAt: string | null }>();
    expect(saved.body).toBe('I can bring six chairs');
    expect(Date.parse(saved.editedAt ?? '')).toBeGreaterThan(0);
    const thread = await other.api.GET('/api/posts/{id}/comments', { params: { path: { id: post.id } } });
    expect(thread.data!.items.map((c) => c.body)).toEqual(['I can bring six chairs']);

    for (const who of [author, other, mod])
      expect((await who.raw('PATCH', `/api/comments/${id}`, { body: 'Hijacked' })).statusCode).toBe(403);
    expect((await other.raw('GET', `/api/comments/${id}/revisions`)).statusCode).toBe(403);
    const history = await mod.raw('GET', `/api/comments/${id}/revisions`);
    expect(history.json<{ items: { body: string }[] }>().items.map((r) => r.body)).toEqual([
      'I can bring chairs',
    ]);
    expect((await commenter.raw('PATCH', `/api/comments/${id}`, { body: '   ' })).statusCode).toBe(400);
    await vi.waitFor(() => {
      expect(live.find((m) => m.kind === 'comment.updated' && m.commentId === id)).toBeDefined();
    });
  });
});

describe('feed filters', () => {
  it('narrows the feed by time, distance and words, never past the radius you chose', async () => {
    const home = offsetMeters(HOME, 40_000, 40_000);
    const viewer = await makeUser(t, { home, radiusM: 3000 });
    const poster = await makeUser(t, { home });
    const old = await makePost(poster, {
      title: 'Old news: fence down',
      body: 'Since fixed',
      location: home,
    });
    await t.database.db.query(
      `UPDATE posts SET created_at = now() - interval '3 days' WHERE public_id = $1`,
      [old.id],
    );
    const near = await makePost(poster, {
      title: 'Package thief on Birch',
      body: 'Took a parcel at 3pm',
      location: home,
    });
    const far = await makePost(poster, {
      title: 'Porch pirate seen',
      body: 'Grey hoodie, took a PACKAGE',
      location: offsetMeters(home, 2000, 0),
    });
    const outside = await makePost(poster, {
      title: 'Package stolen too',
      body: 'Beyond the radius',
      location: offsetMeters(home, 6000, 0),
    });
    const ids = async (query: Record<string, string | number>) => {
      const res = await viewer.raw(
        'GET',
        `/api/feed?${new URLSearchParams(query as Record<string, string>)}`,
      );
      expect(res.statusCode, res.body).toBe(200);
      return res.json<{ items: { id: string }[] }>().items.map((p) => p.id);
    };
    expect(await ids({})).toEqual([far.id, near.id, old.id]);
    const dayAgo = new Date(Date.now() - 24 * 3600_000).toISOString();
    expect(await ids({ since: dayAgo })).toEqual([far.id, near.id]);
    expect(await ids({ within: 1000 })).toEqual([near.id, old.id]);
    // Case does not matter, and the text of title or body both count.
    expect(await ids({ q: 'package' })).toEqual([far.id, near.id]);
    expect(await ids({ q: 'package', within: 1000, since: dayAgo })).toEqual([near.id]);
    // A wider distance than the radius is the radius: the post 6 km away stays out.
    expect(await ids({ within: 50_000 })).not.toContain(outside.id);
    // LIKE's wildcards are plain characters.
    expect(await ids({ q: '%%' })).toEqual([]);

    for (const [query, pointer] of [
      ['since=yesterday', 'since'],
      ['within=10', 'within'],
      ['q=a', 'q'],
    ] as const) {
      const res = await viewer.raw('GET', `/api/feed?${query}`);
      expect(res.statusCode, query).toBe(400);
      expect(res.body, query).toContain(pointer);
    }
  });
});

describe("a post's moderation history", () => {
  it('shows moderators its reports (never who made them), decisions, appeal and edits, in order; residents get 403', async () => {
    const [author, reporter] = [await makeUser(t), await makeUser(t, { name: 'Reporter Rita' })];
    const mod = await makeUser(t, { role: 'moderator', name: 'Moderator Morgan' });
    const other = await makeUser(t, { role: 'moderator', name: 'Moderator Quinn' });
    const post = await makePost(author, { title: 'Selling my old bike', body: 'Cheap, message me' });
    expect((await reporter.raw('POST', `/api/posts/${post.id}/reports`, { rule: 'spam' })).statusCode).toBe(
      201,
    );
    expect(
      (
        await mod.raw('POST', `/api/moderation/posts/${post.id}/decisions`, {
          action: 'hide',
          reason: 'Selling is off-topic here',
        })
      ).statusCode,
    ).toBe(200);
    expect((await edit(author, post.id, { body: 'Free to a good home' })).statusCode).toBe(200);
    expect(
      (
        await author.raw('POST', `/api/posts/${post.id}/appeal`, {
          statement: 'It is free now, not for sale',
        })
      ).statusCode,
    ).toBe(200);
    const appeals = await other.raw('GET', '/api/moderation/appeals');
    const appeal = appeals
      .json<{ items: { id: number; post: { id: string } }[] }>()
      .items.find((a) => a.post.id === post.id)!;
    expect(
      (
        await other.raw('POST', `/api/moderation/appeals/${appeal.id}/decision`, {
          outcome: 'overturned',
          reason: 'Giving it away is fine',
        })
      ).statusCode,
    ).toBe(200);

    const res = await mod.raw('GET', `/api/moderation/posts/${post.id}/history`);
    expect(res.statusCode, res.body).toBe(200);
    const items = res.json<{ items: Record<string, unknown>[] }>().items;
    expect(items.map((i) => [i.kind, i.action ?? i.status ?? i.rule ?? null])).toEqual([
      ['report', 'spam'],
      ['decision', 'hide'],
      ['edit', null],
      ['appeal', 'overturned'],
      ['decision', 'restore'],
    ]);
    expect(items[1]).toMatchObject({ reason: 'Selling is off-topic here', moderator: 'Moderator Morgan' });
    expect(items[3]).toMatchObject({
      statement: 'It is free now, not for sale',
      decidedBy: 'Moderator Quinn',
    });
    // Who reported is never in it.
    expect(res.body).not.toContain('Reporter Rita');

    for (const who of [author, reporter])
      expect((await who.raw('GET', `/api/moderation/posts/${post.id}/history`)).statusCode).toBe(403);
    expect((await mod.raw('GET', `/api/moderation/posts/po_${'A'.repeat(22)}/history`)).statusCode).toBe(404);
  });
});
