import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/app.js';
import { TestUser } from './support/client.js';
import { makePost, makeUser } from './support/factories.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

// Vitest's asymmetric matchers are typed `any`; typed as unknown they satisfy the type-aware linter.
const containing = (text: string): unknown => expect.stringContaining(text);

/** A post by `author`, hidden by `mod`, and the author's pending appeal against it. */
async function appealedPost(author: TestUser, mod: TestUser) {
  const post = await makePost(author);
  const hide = await mod.raw('POST', `/api/moderation/posts/${post.id}/decisions`, {
    action: 'hide',
    reason: 'Shares a private address',
  });
  expect(hide.statusCode).toBe(200);
  const filed = await author.raw('POST', `/api/posts/${post.id}/appeal`, {
    statement: 'It is the address of a public library.',
  });
  expect(filed.statusCode).toBe(200);
  const row = await t.database.db.query<{ id: number }>(
    'SELECT id FROM appeals WHERE post_id = (SELECT id FROM posts WHERE public_id = $1)',
    [post.id],
  );
  return { post, appealId: row.rows[0]!.id };
}

async function postState(postId: string) {
  const res = await t.database.db.query<{ status: string; decisions: number; appeal: string }>(
    `SELECT p.status, (SELECT count(*)::int FROM moderation_decisions WHERE post_id = p.id) AS decisions,
            (SELECT status FROM appeals WHERE post_id = p.id) AS appeal
     FROM posts p WHERE p.public_id = $1`,
    [postId],
  );
  return res.rows[0];
}

describe('only moderators and admins moderate', () => {
  it('answers 403 to residents and agency members on every moderation endpoint, and changes nothing', async () => {
    const author = await makeUser(t);
    const mod = await makeUser(t, { role: 'moderator' });
    const { post, appealId } = await appealedPost(author, mod);
    const visible = await makePost(author);
    const before = await postState(post.id);

    for (const role of ['resident', 'agency'] as const) {
      const u = await makeUser(t, { role });
      const attempts = [
        await u.raw('GET', '/api/moderation/queue'),
        await u.raw('GET', '/api/moderation/appeals'),
        await u.raw('POST', `/api/moderation/posts/${visible.id}/decisions`, {
          action: 'hide',
          reason: 'I dislike it',
        }),
        await u.raw('POST', `/api/moderation/posts/${post.id}/decisions`, {
          action: 'restore',
          reason: 'Unhide it',
        }),
        await u.raw('POST', `/api/moderation/appeals/${appealId}/decision`, {
          outcome: 'overturned',
          reason: 'Looks fine',
        }),
      ];
      for (const res of attempts) {
        expect(res.statusCode, `${role} ${res.body}`).toBe(403);
        expect(res.json()).toMatchObject({ code: 'forbidden' });
      }
    }
    expect(await postState(post.id)).toEqual(before);
    expect((await postState(visible.id))!.status).toBe('visible');
  });

  it('answers 401 when signed out', async () => {
    const anon = await new TestUser(t.app).begin();
    expect((await anon.raw('GET', '/api/moderation/queue')).statusCode).toBe(401);
    expect((await anon.raw('GET', '/api/moderation/appeals')).statusCode).toBe(401);
    const res = await anon.raw('POST', '/api/moderation/posts/po_AAAAAAAAAAAAAAAAAAAAAA/decisions', {
      action: 'hide',
      reason: 'Spam post',
    });
    expect(res.statusCode).toBe(401);
  });
});

describe('who may appeal', () => {
  it('lets only the author appeal; others get 404 for a hidden post and 403 when they can see it', async () => {
    const author = await makeUser(t);
    const neighbour = await makeUser(t);
    const [mod1, mod2] = [await makeUser(t, { role: 'moderator' }), await makeUser(t, { role: 'moderator' })];
    const post = await makePost(author);
    await mod1.raw('POST', `/api/moderation/posts/${post.id}/decisions`, {
      action: 'hide',
      reason: 'Off topic',
    });
    const statement = { statement: 'Please reconsider, this was relevant.' };

    const stranger = await neighbour.raw('POST', `/api/posts/${post.id}/appeal`, statement);
    expect(stranger.statusCode).toBe(404);
    const moderator = await mod2.raw('POST', `/api/posts/${post.id}/appeal`, statement);
    expect(moderator.statusCode).toBe(403);
    expect(moderator.json()).toMatchObject({ code: 'forbidden', detail: containing('author') });
    // The author's one appeal was not used up by anyone else.
    expect((await postState(post.id))!.appeal).toBeNull();
    expect((await author.raw('POST', `/api/posts/${post.id}/appeal`, statement)).statusCode).toBe(200);

    const other = await makePost(author);
    expect((await neighbour.raw('POST', `/api/posts/${other.id}/appeal`, statement)).statusCode).toBe(403);
  });

  it('refuses an appeal on a post that is not hidden', async () => {
    const author = await makeUser(t);
    const post = await makePost(author);
    const res = await author.raw('POST', `/api/posts/${post.id}/appeal`, {
      statement: 'Nothing happened yet here.',
    });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'conflict', detail: containing('not hidden') });
    expect((await postState(post.id))!.appeal).toBeNull();
  });

  it('does not let a moderator decide the appeal on their own post, nor list it for them', async () => {
    const modAuthor = await makeUser(t, { role: 'moderator' });
    const mod = await makeUser(t, { role: 'moderator' });
    const { appealId } = await appealedPost(modAuthor, mod);
    const list = await modAuthor.api.GET('/api/moderation/appeals');
    expect(list.data!.items.map((a) => a.id)).not.toContain(appealId);
    const res = await modAuthor.raw('POST', `/api/moderation/appeals/${appealId}/decision`, {
      outcome: 'overturned',
      reason: 'My post was fine',
    });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({
      code: 'forbidden',
      detail: containing('filed this appeal'),
    });
  });

  it('answers 404 for an appeal that does not exist', async () => {
    const mod = await makeUser(t, { role: 'moderator' });
    const res = await mod.raw('POST', '/api/moderation/appeals/987654321/decision', {
      outcome: 'upheld',
      reason: 'No such appeal',
    });
    expect(res.statusCode).toBe(404);
  });
});

describe('bad input is refused, naming the field, and changes nothing', () => {
  it('checks decision bodies', async () => {
    const author = await makeUser(t);
    const mod = await makeUser(t, { role: 'moderator' });
    const post = await makePost(author);
    const url = `/api/moderation/posts/${post.id}/decisions`;
    const cases: [unknown, string][] = [
      [{ action: 'hide', reason: 'Spam post', note: 'x' }, '/body/note'],
      [{ action: 'hide', reason: 'no' }, '/body/reason'],
      [{ action: 'hide', reason: '   a    ' }, '/body/reason'],
      [{ action: 'delete', reason: 'Spam post' }, '/body/action'],
      [{ action: 'hide' }, '/body/reason'],
      [{ action: 'hide', reason: 'x'.repeat(1001) }, '/body/reason'],
    ];
    for (const [body, field] of cases) {
      const res = await mod.raw('POST', url, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json()).toMatchObject({ code: 'validation_failed' });
      expect(res.json<{ errors: { field: string }[] }>().errors.map((e) => e.field)).toContain(field);
    }
    expect(await postState(post.id)).toEqual({ status: 'visible', decisions: 0, appeal: null });
  });

  it('checks appeal and appeal-decision bodies', async () => {
    const author = await makeUser(t);
    const [mod1, mod2] = [await makeUser(t, { role: 'moderator' }), await makeUser(t, { role: 'moderator' })];
    const post = await makePost(author);
    await mod1.raw('POST', `/api/moderation/posts/${post.id}/decisions`, {
      action: 'hide',
      reason: 'Off topic',
    });

    const fields = async (user: TestUser, url: string, body: unknown) => {
      const res = await user.raw('POST', url, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      return res.json<{ errors: { field: string }[] }>().errors.map((e) => e.field);
    };
    const appealUrl = `/api/posts/${post.id}/appeal`;
    expect(await fields(author, appealUrl, { statement: 'too short' })).toContain('/body/statement');
    expect(await fields(author, appealUrl, { statement: '    short     ' })).toContain('/body/statement');
    expect(
      await fields(author, appealUrl, { statement: 'A long enough statement.', urgent: true }),
    ).toContain('/body/urgent');
    expect((await postState(post.id))!.appeal).toBeNull();

    await author.raw('POST', appealUrl, { statement: 'A long enough statement.' });
    const { rows } = await t.database.db.query<{ id: number }>(
      'SELECT id FROM appeals WHERE post_id = (SELECT id FROM posts WHERE public_id = $1)',
      [post.id],
    );
    const decisionUrl = `/api/moderation/appeals/${rows[0]!.id}/decision`;
    expect(await fields(mod2, decisionUrl, { outcome: 'maybe', reason: 'Unsure' })).toContain(
      '/body/outcome',
    );
    expect(await fields(mod2, decisionUrl, { outcome: 'upheld', reason: 'ok' })).toContain('/body/reason');
    expect(await fields(mod2, decisionUrl, { outcome: 'upheld', reason: 'Fine', by: 1 })).toContain(
      '/body/by',
    );
    expect(await postState(post.id)).toEqual({ status: 'hidden', decisions: 1, appeal: 'pending' });
  });

  it('checks the queue’s paging parameters', async () => {
    const mod = await makeUser(t, { role: 'moderator' });
    const limit = await mod.raw('GET', '/api/moderation/queue?limit=0');
    expect(limit.statusCode).toBe(400);
    expect(limit.json()).toMatchObject({ errors: [{ field: '/querystring/limit' }] });
    const cursor = await mod.raw('GET', '/api/moderation/queue?cursor=forged');
    expect(cursor.statusCode).toBe(400);
    expect(cursor.json()).toMatchObject({ errors: [{ field: '/querystring/cursor' }] });
  });
});
