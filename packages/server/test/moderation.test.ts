import { validateEntry } from '@porchlight/tlog';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { LiveMessage } from '../src/infra/live/bus.js';
import { entryForEvent } from '../src/modules/transparency/transparency.entries.js';
import { startTestApp, type TestApp } from './support/app.js';
import type { TestUser } from './support/client.js';
import { eventsAfter, lastEventId, makePost, makeUser } from './support/factories.js';

let t: TestApp;
const live: LiveMessage[] = [];
beforeAll(async () => {
  t = await startTestApp();
  t.deps.live.subscribe((m) => live.push(m));
});
afterAll(() => t.close());

// Vitest's asymmetric matchers are typed `any`; typed as unknown they satisfy the type-aware linter.
const anyString: unknown = expect.any(String);
const containing = (text: string): unknown => expect.stringContaining(text);

/** Waits until a live message of `kind` about `postId` has been published, and returns it. */
async function liveMessage(kind: LiveMessage['kind'], postId: string): Promise<LiveMessage> {
  return vi.waitFor(() => {
    const m = live.find((x) => x.kind === kind && 'postId' in x && x.postId === postId);
    if (!m) throw new Error(`no ${kind} for post ${postId} yet`);
    return m;
  });
}

async function report(user: TestUser, postId: string, reason: string): Promise<void> {
  const res = await user.api.POST('/api/posts/{id}/reports', {
    params: { path: { id: postId } },
    body: { reason },
  });
  expect(res.response.status, JSON.stringify(res.error)).toBe(201);
}

const decide = (mod: TestUser, postId: string, action: 'hide' | 'restore' | 'dismiss', reason: string) =>
  mod.api.POST('/api/moderation/posts/{id}/decisions', {
    params: { path: { id: postId } },
    body: { action, reason },
  });

const appeal = (user: TestUser, postId: string, statement: string) =>
  user.api.POST('/api/posts/{id}/appeal', { params: { path: { id: postId } }, body: { statement } });

const decideAppeal = (mod: TestUser, id: number, outcome: 'upheld' | 'overturned', reason: string) =>
  mod.api.POST('/api/moderation/appeals/{id}/decision', {
    params: { path: { id } },
    body: { outcome, reason },
  });

async function feedIds(user: TestUser): Promise<string[]> {
  const res = await user.api.GET('/api/feed', { params: { query: { limit: 100 } } });
  expect(res.response.status).toBe(200);
  return res.data!.items.map((p) => p.id);
}

async function myPost(user: TestUser, postId: string) {
  const res = await user.api.GET('/api/me/posts', { params: { query: { limit: 100 } } });
  return res.data!.items.find((p) => p.id === postId);
}

async function pendingAppealIds(mod: TestUser): Promise<number[]> {
  const res = await mod.api.GET('/api/moderation/appeals');
  expect(res.response.status).toBe(200);
  return res.data!.items.map((a) => a.id);
}

/** A post by `author`, hidden by `mod` with `reason`. */
async function hiddenPost(author: TestUser, mod: TestUser, reason = 'Names a neighbour and their address') {
  const post = await makePost(author);
  const res = await decide(mod, post.id, 'hide', reason);
  expect(res.response.status, JSON.stringify(res.error)).toBe(200);
  return post;
}

describe('reported post → hidden → appealed → overturned by another moderator', () => {
  it('walks the whole path as each person sees it', async () => {
    const author = await makeUser(t, { name: 'Author Ana' });
    const reporter = await makeUser(t, { name: 'Reporter Rigoberto' });
    const neighbour = await makeUser(t);
    const mod1 = await makeUser(t, { role: 'moderator' });
    const mod2 = await makeUser(t, { role: 'moderator' });
    const post = await makePost(author, { title: 'Lost cat with a note about 12 Elm St' });

    await report(reporter, post.id, 'Publishes a private address');

    // The queue shows the reason and count, never who reported.
    const queue = await mod1.api.GET('/api/moderation/queue', { params: { query: { limit: 100 } } });
    expect(queue.response.status).toBe(200);
    const entry = queue.data!.items.find((i) => i.post.id === post.id)!;
    expect(entry.reportCount).toBe(1);
    expect(entry.reports).toEqual([
      { rule: 'other', reason: 'Publishes a private address', createdAt: anyString },
    ]);
    const raw = await mod1.raw('GET', '/api/moderation/queue?limit=100');
    expect(raw.body).not.toContain('Rigoberto');

    // Hide with a stated reason.
    const hidden = await decide(mod1, post.id, 'hide', 'Shares a home address of a third person');
    expect(hidden.response.status).toBe(200);
    expect(hidden.data).toMatchObject({
      id: post.id,
      status: 'hidden',
      moderation: { action: 'hide', reason: 'Shares a home address of a third person', appeal: null },
    });
    // Live subscribers near the post's cell learn to drop it; the message carries the cell centre only.
    expect(await liveMessage('post.hidden', post.id)).toMatchObject({
      lat: post.location.lat,
      lng: post.location.lng,
    });

    // Gone for other residents, and out of the queue.
    expect(await feedIds(neighbour)).not.toContain(post.id);
    const gone = await neighbour.api.GET('/api/posts/{id}', { params: { path: { id: post.id } } });
    expect(gone.response.status).toBe(404);
    expect(
      (await reporter.api.GET('/api/posts/{id}', { params: { path: { id: post.id } } })).response.status,
    ).toBe(404);
    const after = await mod1.api.GET('/api/moderation/queue', { params: { query: { limit: 100 } } });
    expect(after.data!.items.map((i) => i.post.id)).not.toContain(post.id);

    // The author sees why.
    expect(await myPost(author, post.id)).toMatchObject({
      status: 'hidden',
      moderation: { action: 'hide', reason: 'Shares a home address of a third person', appeal: null },
    });

    // One appeal, ever.
    const filed = await appeal(author, post.id, 'The address is of a public park, not a home.');
    expect(filed.response.status).toBe(200);
    expect(filed.data!.moderation!.appeal).toMatchObject({
      status: 'pending',
      statement: 'The address is of a public park, not a home.',
      decisionReason: null,
      decidedAt: null,
    });
    const again = await appeal(author, post.id, 'Please look at this once more.');
    expect(again.response.status).toBe(409);
    expect(again.error).toMatchObject({ code: 'appeal_exists' });

    // The moderator who hid it neither sees nor decides the appeal.
    const listed = (await mod2.api.GET('/api/moderation/appeals')).data!.items.find(
      (a) => a.post.id === post.id,
    )!;
    expect(listed).toMatchObject({
      statement: 'The address is of a public park, not a home.',
      originalDecision: { reason: 'Shares a home address of a third person' },
      post: { id: post.id, status: 'hidden' },
    });
    expect(await pendingAppealIds(mod1)).not.toContain(listed.id);
    const self = await decideAppeal(mod1, listed.id, 'upheld', 'I stand by it');
    expect(self.response.status).toBe(403);
    expect(self.error).toMatchObject({
      code: 'forbidden',
      detail: containing('different moderator'),
    });

    // A different moderator overturns it.
    const overturned = await decideAppeal(mod2, listed.id, 'overturned', 'The address is a public park');
    expect(overturned.response.status).toBe(200);
    expect(overturned.data).toMatchObject({ status: 'visible', moderation: { action: 'restore' } });
    await liveMessage('post.restored', post.id);

    expect(await feedIds(neighbour)).toContain(post.id);
    expect(await myPost(author, post.id)).toMatchObject({
      status: 'visible',
      moderation: {
        action: 'restore',
        reason: 'The address is a public park',
        appeal: {
          status: 'overturned',
          decisionReason: 'The address is a public park',
          decidedAt: anyString,
        },
      },
    });
    // Neighbours see the post, not the moderation history.
    const seen = await neighbour.api.GET('/api/posts/{id}', { params: { path: { id: post.id } } });
    expect(seen.data!.moderation).toBeNull();

    const twice = await decideAppeal(mod2, listed.id, 'upheld', 'Changed my mind');
    expect(twice.response.status).toBe(409);
    expect(await pendingAppealIds(mod2)).not.toContain(listed.id);
  });

  it('keeps the post hidden when the appeal is upheld, and tells the author why', async () => {
    const author = await makeUser(t);
    const neighbour = await makeUser(t);
    const [mod1, mod2] = [await makeUser(t, { role: 'moderator' }), await makeUser(t, { role: 'admin' })];
    const post = await hiddenPost(author, mod1);
    const filed = await appeal(author, post.id, 'I only wanted to warn people nearby.');
    const appealId = (await mod2.api.GET('/api/moderation/appeals')).data!.items.find(
      (a) => a.post.id === post.id,
    )!.id;
    expect(filed.data!.moderation!.appeal!.status).toBe('pending');

    const upheld = await decideAppeal(mod2, appealId, 'upheld', 'The address still identifies a home');
    expect(upheld.response.status).toBe(200);
    expect(upheld.data!.status).toBe('hidden');
    expect(await myPost(author, post.id)).toMatchObject({
      status: 'hidden',
      moderation: {
        action: 'hide',
        appeal: { status: 'upheld', decisionReason: 'The address still identifies a home' },
      },
    });
    expect(
      (await neighbour.api.GET('/api/posts/{id}', { params: { path: { id: post.id } } })).response.status,
    ).toBe(404);
  });
});

describe('hide and restore', () => {
  it('restores a hidden post directly, and refuses to hide twice or restore a visible post', async () => {
    const author = await makeUser(t);
    const mod = await makeUser(t, { role: 'moderator' });
    const post = await hiddenPost(author, mod);

    const twice = await decide(mod, post.id, 'hide', 'Hiding it again');
    expect(twice.response.status).toBe(409);
    expect(twice.error).toMatchObject({
      code: 'conflict',
      detail: containing('already hidden'),
    });

    const restored = await decide(mod, post.id, 'restore', 'Hidden by mistake');
    expect(restored.data).toMatchObject({
      status: 'visible',
      moderation: { action: 'restore', reason: 'Hidden by mistake' },
    });
    expect(await feedIds(author)).toContain(post.id);

    const visible = await decide(mod, post.id, 'restore', 'Restoring again');
    expect(visible.response.status).toBe(409);
    expect(visible.error).toMatchObject({ code: 'conflict', detail: containing('not hidden') });
  });

  it('does not restore directly while an appeal waits; the appeal decides', async () => {
    const author = await makeUser(t);
    const [mod1, mod2] = [await makeUser(t, { role: 'moderator' }), await makeUser(t, { role: 'moderator' })];
    const post = await hiddenPost(author, mod1);
    await appeal(author, post.id, 'This was a genuine safety warning.');
    for (const mod of [mod1, mod2]) {
      const res = await decide(mod, post.id, 'restore', 'Looks fine to me');
      expect(res.response.status).toBe(409);
      expect(res.error!.detail).toContain('pending appeal');
    }
  });

  it('answers 404 for a post that does not exist', async () => {
    const mod = await makeUser(t, { role: 'moderator' });
    const res = await decide(mod, 'po_AAAAAAAAAAAAAAAAAAAAAA', 'hide', 'Does not exist');
    expect(res.response.status).toBe(404);
  });
});

describe('dismissing reports', () => {
  it('clears a post’s open reports from the queue, keeps it visible and untouched for its author, and logs it', async () => {
    const [author, r1, r2] = [await makeUser(t), await makeUser(t), await makeUser(t)];
    const mod = await makeUser(t, { role: 'moderator' });
    const post = await makePost(author);
    await report(r1, post.id, 'I do not like it');
    await report(r2, post.id, 'Annoying');
    const since = await lastEventId(t);

    const res = await decide(mod, post.id, 'dismiss', 'A genuine warning; no rule broken');
    expect(res.response.status, JSON.stringify(res.error)).toBe(200);
    expect(res.data).toMatchObject({ id: post.id, status: 'visible' });
    const queue = await mod.api.GET('/api/moderation/queue', { params: { query: { limit: 100 } } });
    expect(queue.data!.items.map((i) => i.post.id)).not.toContain(post.id);
    expect(await feedIds(r1)).toContain(post.id);
    // The author is not shown a moderation notice for reports they never saw.
    expect((await myPost(author, post.id))?.moderation ?? null).toBeNull();

    const events = await eventsAfter(t, since);
    expect(events.map((e) => [e.type, e.actor_id])).toEqual([['moderation.dismissed', mod.id]]);
    const entry = entryForEvent({
      id: events[0]!.id,
      type: events[0]!.type,
      actorId: events[0]!.actor_id,
      data: events[0]!.data,
      time: '2026-12-04T00:00:00Z',
    } as never);
    expect(validateEntry(entry)).toEqual([]);
    expect(entry.data).toEqual({
      post: post.id,
      moderator: mod.id,
      reason: 'A genuine warning; no rule broken',
      reports: 2,
    });
    // Reporters are never named, not even in the event's own data.
    expect(JSON.stringify(events[0]!.data)).not.toMatch(new RegExp(`\\b(${r1.id}|${r2.id})\\b`));

    // A new report puts it back in the queue; a hide afterwards works as usual and can be appealed.
    const r3 = await makeUser(t);
    await report(r3, post.id, 'Still annoying');
    const again = await mod.api.GET('/api/moderation/queue', { params: { query: { limit: 100 } } });
    expect(again.data!.items.find((i) => i.post.id === post.id)?.reportCount).toBe(1);
    const hidden = await decide(mod, post.id, 'hide', 'Second look: it names a neighbour');
    expect(hidden.data).toMatchObject({ status: 'hidden', moderation: { action: 'hide' } });
    expect((await appeal(author, post.id, 'It was a genuine safety warning.')).response.status).toBe(200);
  });

  it('refuses to dismiss with nothing reported, on a hidden post, or on one’s own post', async () => {
    const author = await makeUser(t);
    const mod = await makeUser(t, { role: 'moderator' });
    const quiet = await makePost(author);
    const none = await decide(mod, quiet.id, 'dismiss', 'Nothing to see');
    expect(none.response.status).toBe(409);
    expect(none.error!.detail).toContain('no open reports');

    const hidden = await hiddenPost(author, mod);
    const onHidden = await decide(mod, hidden.id, 'dismiss', 'Dismiss anyway');
    expect(onHidden.response.status).toBe(409);

    const own = await makePost(mod);
    await report(author, own.id, 'Self-promotion');
    expect((await decide(mod, own.id, 'dismiss', 'My own post is fine')).response.status).toBe(403);
    const resident = await decide(author, own.id, 'dismiss', 'Not a moderator');
    expect(resident.response.status).toBe(403);
  });
});

describe('the queue', () => {
  it('lists the post with the oldest open report first, counts reports, and pages without repeats', async () => {
    const [author, r1, r2] = [await makeUser(t), await makeUser(t), await makeUser(t)];
    const mod = await makeUser(t, { role: 'moderator' });
    const [a, b, c] = [await makePost(author), await makePost(author), await makePost(author)];
    await report(r1, b.id, 'Reported first');
    await report(r1, a.id, 'Reported second');
    await report(r2, a.id, 'Reported third');
    await report(r1, c.id, 'Reported fourth');

    const seen: { id: string; count: number }[] = [];
    let cursor: string | undefined;
    do {
      const res = await mod.api.GET('/api/moderation/queue', {
        params: { query: { limit: 2, ...(cursor ? { cursor } : {}) } },
      });
      expect(res.response.status).toBe(200);
      seen.push(...res.data!.items.map((i) => ({ id: i.post.id, count: i.reportCount })));
      cursor = res.data!.nextCursor ?? undefined;
    } while (cursor);

    const mine = seen.filter((s) => [a.id, b.id, c.id].includes(s.id));
    expect(mine).toEqual([
      { id: b.id, count: 1 },
      { id: a.id, count: 2 },
      { id: c.id, count: 1 },
    ]);
    expect(new Set(seen.map((s) => s.id)).size).toBe(seen.length);
  });

  it('shows each report’s rule and words; "other" needs words, an unknown rule is refused, and nothing is stored', async () => {
    const [author, r1, r2, r3] = [await makeUser(t), await makeUser(t), await makeUser(t), await makeUser(t)];
    const mod = await makeUser(t, { role: 'moderator' });
    const post = await makePost(author);
    const send = (who: TestUser, body: { rule?: string; reason?: string }) =>
      who.raw('POST', `/api/posts/${post.id}/reports`, body);

    const noWords = await send(r1, { rule: 'other' });
    expect(noWords.statusCode).toBe(400);
    expect(noWords.json<{ errors: { field: string }[] }>().errors.map((e) => e.field)).toContain(
      '/body/reason',
    );
    const unknown = await send(r1, { rule: 'ugly_car', reason: 'Ugly car' });
    expect(unknown.statusCode).toBe(400);
    expect(JSON.stringify(unknown.json())).toContain('/body/rule');

    expect((await send(r1, { rule: 'personal_information' })).statusCode).toBe(201);
    expect(
      (await send(r2, { rule: 'profiling', reason: 'Only says what the man looked like' })).statusCode,
    ).toBe(201);
    expect((await send(r3, { reason: 'Feels like gossip' })).statusCode).toBe(201);
    const queue = await mod.api.GET('/api/moderation/queue', { params: { query: { limit: 100 } } });
    const item = queue.data!.items.find((i) => i.post.id === post.id)!;
    expect(item.reportCount).toBe(3);
    expect(item.reports.map((r) => [r.rule, r.reason])).toEqual([
      ['personal_information', ''],
      ['profiling', 'Only says what the man looked like'],
      ['other', 'Feels like gossip'],
    ]);
  });

  it('leaves a moderator’s own reported post to other moderators', async () => {
    const modAuthor = await makeUser(t, { role: 'moderator' });
    const other = await makeUser(t, { role: 'moderator' });
    const reporter = await makeUser(t);
    const post = await makePost(modAuthor);
    await report(reporter, post.id, 'Self-promotion');
    const own = await modAuthor.api.GET('/api/moderation/queue', { params: { query: { limit: 100 } } });
    expect(own.data!.items.map((i) => i.post.id)).not.toContain(post.id);
    const theirs = await other.api.GET('/api/moderation/queue', { params: { query: { limit: 100 } } });
    expect(theirs.data!.items.map((i) => i.post.id)).toContain(post.id);
    const res = await decide(modAuthor, post.id, 'restore', 'My own post');
    expect(res.response.status).toBe(403);
  });
});
