import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/app.js';
import type { TestUser } from './support/client.js';
import { PASSWORD, countRows, makePost, makeUser } from './support/factories.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

async function comment(user: TestUser, postId: string, body: string) {
  const res = await user.api.POST('/api/posts/{id}/comments', {
    params: { path: { id: postId } },
    body: { body },
  });
  expect(res.response.status, JSON.stringify(res.error)).toBe(201);
  return res.data!;
}

const getPost = async (user: TestUser, id: string) =>
  (await user.api.GET('/api/posts/{id}', { params: { path: { id } } })).data!;

describe('comments', () => {
  it('lists comments oldest first and counts them on the post', async () => {
    const author = await makeUser(t, { name: 'Ana' });
    const neighbour = await makeUser(t, { name: 'Ben' });
    const post = await makePost(author);
    await comment(neighbour, post.id, 'Is it still on?');
    await comment(author, post.id, '  Yes, from noon.  ');
    await comment(neighbour, post.id, 'Great, see you there');

    const res = await neighbour.api.GET('/api/posts/{id}/comments', { params: { path: { id: post.id } } });
    expect(res.data?.items.map((c) => [c.author.displayName, c.body])).toEqual([
      ['Ben', 'Is it still on?'],
      ['Ana', 'Yes, from noon.'],
      ['Ben', 'Great, see you there'],
    ]);
    expect(res.data?.nextCursor).toBeNull();
    expect((await getPost(neighbour, post.id)).commentCount).toBe(3);
    const feed = await author.api.GET('/api/feed');
    expect(feed.data?.items.find((p) => p.id === post.id)?.commentCount).toBe(3);
  });

  it('pages through a long thread without repeating or skipping a comment', async () => {
    const author = await makeUser(t);
    const post = await makePost(author);
    const written: string[] = [];
    for (let i = 1; i <= 5; i++) written.push((await comment(author, post.id, `Comment ${i}`)).id);
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let pages = 0; pages < 5; pages++) {
      const res = await author.api.GET('/api/posts/{id}/comments', {
        params: { path: { id: post.id }, query: { limit: 2, ...(cursor ? { cursor } : {}) } },
      });
      seen.push(...res.data!.items.map((c) => c.id));
      if (!res.data!.nextCursor) break;
      cursor = res.data!.nextCursor;
    }
    expect(seen).toEqual(written);
  });

  it('refuses an empty comment and a comment on a missing post, writing nothing', async () => {
    const author = await makeUser(t);
    const post = await makePost(author);
    const before = await countRows(t, 'comments');
    const blank = await author.api.POST('/api/posts/{id}/comments', {
      params: { path: { id: post.id } },
      body: { body: '   ' },
    });
    expect(blank.response.status).toBe(400);
    expect(blank.error).toMatchObject({ errors: [{ field: '/body/body' }] });
    const missing = await author.api.POST('/api/posts/{id}/comments', {
      params: { path: { id: 'po_AAAAAAAAAAAAAAAAAAAAAA' } },
      body: { body: 'Hello' },
    });
    expect(missing.response.status).toBe(404);
    expect(await countRows(t, 'comments')).toBe(before);
    expect((await getPost(author, post.id)).commentCount).toBe(0);
  });
});

describe('reactions', () => {
  const react = async (user: TestUser, postId: string, kind: 'thanks' | 'helpful' | 'agree' | 'sad') => {
    const res = await user.api.PUT('/api/posts/{id}/reaction', {
      params: { path: { id: postId } },
      body: { kind },
    });
    expect(res.response.status, JSON.stringify(res.error)).toBe(200);
    return res.data!;
  };
  const unreact = async (user: TestUser, postId: string) => {
    const res = await user.api.DELETE('/api/posts/{id}/reaction', { params: { path: { id: postId } } });
    expect(res.response.status, JSON.stringify(res.error)).toBe(200);
    return res.data!;
  };

  it('sets, changes and removes one reaction per person, with counts and each viewer’s own reaction', async () => {
    const author = await makeUser(t);
    const ana = await makeUser(t);
    const ben = await makeUser(t);
    const post = await makePost(author);

    const afterAna = await react(ana, post.id, 'thanks');
    expect(afterAna.reactions).toEqual({ thanks: 1, helpful: 0, agree: 0, sad: 0 });
    expect(afterAna.myReaction).toBe('thanks');
    expect((await getPost(ben, post.id)).myReaction).toBeNull();

    await react(ben, post.id, 'thanks');
    const changed = await react(ana, post.id, 'helpful');
    expect(changed.reactions).toEqual({ thanks: 1, helpful: 1, agree: 0, sad: 0 });
    expect(changed.myReaction).toBe('helpful');
    expect((await getPost(ben, post.id)).myReaction).toBe('thanks');
    expect((await getPost(author, post.id)).myReaction).toBeNull();

    const removed = await unreact(ana, post.id);
    expect(removed.reactions).toEqual({ thanks: 1, helpful: 0, agree: 0, sad: 0 });
    expect(removed.myReaction).toBeNull();
    const removedAgain = await unreact(ana, post.id);
    expect(removedAgain.reactions).toEqual(removed.reactions);
  });

  it('counts every one of many neighbours reacting at once, and forgets a deleted account’s reaction', async () => {
    const author = await makeUser(t);
    const post = await makePost(author);
    const neighbours = await Promise.all(Array.from({ length: 12 }, () => makeUser(t)));
    const kinds = ['thanks', 'helpful', 'agree', 'sad'] as const;
    // The counts are kept on the post (migration 37): concurrent changes must each land.
    await Promise.all(neighbours.map((n, i) => react(n, post.id, kinds[i % 4]!)));
    await Promise.all(neighbours.slice(0, 4).map((n) => react(n, post.id, 'sad')));
    await Promise.all(neighbours.slice(4, 6).map((n) => unreact(n, post.id)));
    const expected = { thanks: 1, helpful: 1, agree: 2, sad: 6 };
    expect((await getPost(author, post.id)).reactions).toEqual(expected);
    const recount = await t.database.db.query<{ kind: string; n: number }>(
      `SELECT kind, count(*)::int AS n FROM reactions r JOIN posts p ON p.id = r.post_id
       WHERE p.public_id = $1 GROUP BY kind`,
      [post.id],
    );
    expect({
      thanks: 0,
      helpful: 0,
      agree: 0,
      sad: 0,
      ...Object.fromEntries(recount.rows.map((r) => [r.kind, r.n])),
    }).toEqual(expected);

    const gone = await neighbours[0]!.raw('DELETE', '/api/account', { password: PASSWORD });
    expect(gone.statusCode, gone.body).toBe(204);
    expect((await getPost(author, post.id)).reactions).toEqual({ ...expected, sad: 5 });
  });

  it('refuses an unknown reaction naming /body/kind', async () => {
    const author = await makeUser(t);
    const post = await makePost(author);
    const res = await author.raw('PUT', `/api/posts/${post.id}/reaction`, { kind: 'love' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      errors: [{ field: '/body/kind', message: 'must be one of: thanks, helpful, agree, sad' }],
    });
    expect((await getPost(author, post.id)).reactions).toEqual({ thanks: 0, helpful: 0, agree: 0, sad: 0 });
  });
});

describe('reports', () => {
  const reportPost = (user: TestUser, postId: string, reason = 'Shares a neighbour’s full name') =>
    user.api.POST('/api/posts/{id}/reports', { params: { path: { id: postId } }, body: { reason } });

  it('takes one report per person: the second is 409 already_reported', async () => {
    const author = await makeUser(t);
    const reporter = await makeUser(t);
    const post = await makePost(author);
    const first = await reportPost(reporter, post.id);
    expect(first.response.status).toBe(201);
    expect(first.data).toEqual({ reported: true });
    const second = await reportPost(reporter, post.id, 'Reporting again');
    expect(second.response.status).toBe(409);
    expect(second.error).toMatchObject({ code: 'already_reported' });
    const rows = await t.database.db.query<{ reason: string }>(
      'SELECT reason FROM reports WHERE post_id = (SELECT id FROM posts WHERE public_id = $1)',
      [post.id],
    );
    expect(rows.rows).toEqual([{ reason: 'Shares a neighbour’s full name' }]);
    const other = await makeUser(t);
    expect((await reportPost(other, post.id)).response.status).toBe(201);
  });

  it('does not let an author report their own post', async () => {
    const author = await makeUser(t);
    const post = await makePost(author);
    const res = await reportPost(author, post.id);
    expect(res.response.status).toBe(403);
    expect(res.error).toMatchObject({ code: 'forbidden' });
    const rows = await t.database.db.query(
      'SELECT 1 FROM reports WHERE post_id = (SELECT id FROM posts WHERE public_id = $1)',
      [post.id],
    );
    expect(rows.rows).toEqual([]);
  });

  it('refuses a report without a reason and a report on a missing post', async () => {
    const reporter = await makeUser(t);
    const author = await makeUser(t);
    const post = await makePost(author);
    const short = await reportPost(reporter, post.id, 'x');
    expect(short.response.status).toBe(400);
    expect(short.error).toMatchObject({ errors: [{ field: '/body/reason' }] });
    expect((await reportPost(reporter, 'po_AAAAAAAAAAAAAAAAAAAAAA')).response.status).toBe(404);
  });
});
