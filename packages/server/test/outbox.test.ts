import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/app.js';
import { TestUser } from './support/client.js';
import {
  PASSWORD,
  countRows,
  eventsAfter,
  lastEventId,
  makePost,
  makeUser,
  type EventRow,
} from './support/factories.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
  // A switch to make the outbox insert fail for chosen event types, to show the action rolls back with it.
  await t.database.db.exec(`
    CREATE TABLE test_outbox_failures (type text PRIMARY KEY);
    CREATE FUNCTION test_fail_event() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF EXISTS (SELECT 1 FROM test_outbox_failures WHERE type = NEW.type) THEN
        RAISE EXCEPTION 'outbox unavailable for %', NEW.type;
      END IF;
      RETURN NEW;
    END $$;
    CREATE TRIGGER test_fail_event BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION test_fail_event();
  `);
});
afterAll(() => t.close());

/** Runs `action` and returns the events it wrote. */
async function eventsOf(action: () => Promise<unknown>): Promise<EventRow[]> {
  const before = await lastEventId(t);
  await action();
  return eventsAfter(t, before);
}

const expectOne = (events: EventRow[], expected: Partial<EventRow>) => {
  expect(events).toHaveLength(1);
  expect(events[0]).toMatchObject(expected);
};

describe('each action writes exactly one event', () => {
  it('sign-up: user.signed_up by the new user', async () => {
    const u = await new TestUser(t.app).begin();
    let id = 0;
    const events = await eventsOf(async () => {
      const res = await u.api.POST('/api/auth/signup', {
        body: { email: 'outbox-signup@example.test', password: PASSWORD, displayName: 'O' },
      });
      id = res.data!.user!.id;
    });
    expectOne(events, { type: 'user.signed_up', actor_id: id, subject_type: 'user', subject_id: String(id) });
  });

  it('sign-in and sign-out: user.signed_in and user.signed_out; a failed sign-in writes none', async () => {
    const u = await makeUser(t);
    const email = (await u.api.GET('/api/me')).data!.email;
    const anon = await new TestUser(t.app).begin();
    expect(
      await eventsOf(() =>
        anon.api.POST('/api/auth/signin', { body: { email, password: 'wrong password' } }),
      ),
    ).toEqual([]);
    const signedIn = await eventsOf(() =>
      anon.api.POST('/api/auth/signin', { body: { email, password: PASSWORD } }),
    );
    expectOne(signedIn, { type: 'user.signed_in', actor_id: u.id, subject_id: String(u.id) });
    const signedOut = await eventsOf(() => anon.api.POST('/api/auth/signout'));
    expectOne(signedOut, { type: 'user.signed_out', actor_id: u.id });
    expect(await eventsOf(() => anon.api.POST('/api/auth/signout'))).toEqual([]);
  });

  it('setting a home: user.home_set, recording that it was set but not where', async () => {
    const u = await makeUser(t, { home: null });
    const events = await eventsOf(() => u.api.PUT('/api/me/home', { body: { lat: 45.51, lng: -122.67 } }));
    expectOne(events, {
      type: 'user.home_set',
      actor_id: u.id,
      subject_type: 'user',
      subject_id: String(u.id),
    });
    expect(events[0]!.data).toEqual({});
  });

  it('setting a radius: user.home_set with the new radius', async () => {
    const u = await makeUser(t);
    const events = await eventsOf(() => u.api.PUT('/api/me/radius', { body: { radiusM: 4200 } }));
    expectOne(events, {
      type: 'user.home_set',
      actor_id: u.id,
      subject_id: String(u.id),
      data: { radiusM: 4200 },
    });
  });

  it('posting: post.created with the category and the cell', async () => {
    const u = await makeUser(t);
    let post: Awaited<ReturnType<typeof makePost>> | undefined;
    const events = await eventsOf(async () => (post = await makePost(u, { category: 'safety' })));
    expectOne(events, {
      type: 'post.created',
      actor_id: u.id,
      subject_type: 'post',
      subject_id: post!.id,
      data: { category: 'safety', cell: post!.location.cell },
    });
  });

  it('commenting: comment.created naming the post', async () => {
    const author = await makeUser(t);
    const other = await makeUser(t);
    const post = await makePost(author);
    let commentId = '';
    const events = await eventsOf(async () => {
      const res = await other.api.POST('/api/posts/{id}/comments', {
        params: { path: { id: post.id } },
        body: { body: 'Thanks' },
      });
      commentId = res.data!.id;
    });
    expectOne(events, {
      type: 'comment.created',
      actor_id: other.id,
      subject_type: 'comment',
      subject_id: commentId,
      data: { postId: post.id },
    });
  });

  it('reacting: reaction.set on set and change, reaction.removed on removal, nothing when there was none', async () => {
    const author = await makeUser(t);
    const reader = await makeUser(t);
    const post = await makePost(author);
    const path = { params: { path: { id: post.id } } };
    const set = await eventsOf(() =>
      reader.api.PUT('/api/posts/{id}/reaction', { ...path, body: { kind: 'thanks' } }),
    );
    expectOne(set, {
      type: 'reaction.set',
      actor_id: reader.id,
      subject_id: post.id,
      data: { kind: 'thanks' },
    });
    const changed = await eventsOf(() =>
      reader.api.PUT('/api/posts/{id}/reaction', { ...path, body: { kind: 'sad' } }),
    );
    expectOne(changed, { type: 'reaction.set', data: { kind: 'sad' } });
    const removed = await eventsOf(() => reader.api.DELETE('/api/posts/{id}/reaction', path));
    expectOne(removed, {
      type: 'reaction.removed',
      actor_id: reader.id,
      subject_type: 'post',
      subject_id: post.id,
    });
    expect(await eventsOf(() => reader.api.DELETE('/api/posts/{id}/reaction', path))).toEqual([]);
  });

  it('reporting: post.reported naming the report', async () => {
    const author = await makeUser(t);
    const reporter = await makeUser(t);
    const post = await makePost(author);
    const events = await eventsOf(() =>
      reporter.api.POST('/api/posts/{id}/reports', {
        params: { path: { id: post.id } },
        body: { reason: 'Spam' },
      }),
    );
    const report = await t.database.db.query<{ id: number }>(
      'SELECT id FROM reports WHERE post_id = (SELECT id FROM posts WHERE public_id = $1)',
      [post.id],
    );
    expectOne(events, {
      type: 'post.reported',
      actor_id: reporter.id,
      subject_type: 'post',
      subject_id: post.id,
      data: { reportId: report.rows[0]!.id },
    });
  });

  it('changing a role: user.role_changed by the admin, with from, to and the reason', async () => {
    const admin = await makeUser(t, { role: 'admin' });
    const target = await makeUser(t);
    const events = await eventsOf(() =>
      admin.api.PUT('/api/admin/users/{id}/role', {
        params: { path: { id: target.id } },
        body: { role: 'agency', reason: 'Verified county sheriff staff' },
      }),
    );
    expectOne(events, {
      type: 'user.role_changed',
      actor_id: admin.id,
      subject_type: 'user',
      subject_id: String(target.id),
      data: { from: 'resident', to: 'agency', reason: 'Verified county sheriff staff' },
    });
  });
});

describe('a refused action writes no event', () => {
  interface Scene {
    /** Author of `postId`. */
    author: TestUser;
    /** Has already reported `postId`. */
    reporter: TestUser;
    homeless: TestUser;
    postId: string;
  }
  type Refused = (s: Scene) => Promise<{ response: Response }>;

  it.each<[string, number, Refused]>([
    [
      'a sign-up with a taken email',
      409,
      async ({ author }) => {
        const email = (await author.api.GET('/api/me')).data!.email;
        const anon = await new TestUser(t.app).begin();
        return anon.api.POST('/api/auth/signup', {
          body: { email, password: PASSWORD, displayName: 'Again' },
        });
      },
    ],
    [
      'a radius without a home',
      409,
      ({ homeless }) => homeless.api.PUT('/api/me/radius', { body: { radiusM: 3000 } }),
    ],
    [
      'a post refused by the composer',
      422,
      ({ author }) =>
        author.api.POST('/api/posts', {
          body: { category: 'crime', title: 'Hispanic teens again', body: 'Watch out' },
        }),
    ],
    [
      'a comment on a missing post',
      404,
      ({ author }) =>
        author.api.POST('/api/posts/{id}/comments', {
          params: { path: { id: 'po_AAAAAAAAAAAAAAAAAAAAAA' } },
          body: { body: 'Hi' },
        }),
    ],
    [
      'a reaction on a missing post',
      404,
      ({ author }) =>
        author.api.PUT('/api/posts/{id}/reaction', {
          params: { path: { id: 'po_AAAAAAAAAAAAAAAAAAAAAA' } },
          body: { kind: 'sad' },
        }),
    ],
    [
      'a report of one’s own post',
      403,
      ({ author, postId }) =>
        author.api.POST('/api/posts/{id}/reports', {
          params: { path: { id: postId } },
          body: { reason: 'Mine' },
        }),
    ],
    [
      'a second report by the same person',
      409,
      ({ reporter, postId }) =>
        reporter.api.POST('/api/posts/{id}/reports', {
          params: { path: { id: postId } },
          body: { reason: 'Spam' },
        }),
    ],
    [
      'a role change by a non-admin',
      403,
      ({ author, reporter }) =>
        author.api.PUT('/api/admin/users/{id}/role', {
          params: { path: { id: reporter.id } },
          body: { role: 'admin', reason: 'Promoting a friend' },
        }),
    ],
  ])('%s (%i)', async (_label, status, refused) => {
    const author = await makeUser(t);
    const reporter = await makeUser(t);
    const homeless = await makeUser(t, { home: null });
    const { id: postId } = await makePost(author);
    const first = await reporter.api.POST('/api/posts/{id}/reports', {
      params: { path: { id: postId } },
      body: { reason: 'Spam' },
    });
    expect(first.response.status).toBe(201);

    const before = await lastEventId(t);
    const res = await refused({ author, reporter, homeless, postId });
    expect(res.response.status).toBe(status);
    expect(await eventsAfter(t, before)).toEqual([]);
  });
});

describe('the event is written in the same transaction as the action', () => {
  /** Makes the outbox refuse `type` while `action` runs; the action must then fail and leave no trace. */
  async function withOutboxDown<T>(type: string, action: () => Promise<T>): Promise<T> {
    await t.database.db.query('INSERT INTO test_outbox_failures (type) VALUES ($1)', [type]);
    try {
      return await action();
    } finally {
      await t.database.db.query('DELETE FROM test_outbox_failures WHERE type = $1', [type]);
    }
  }

  it('rolls back a sign-up', async () => {
    const anon = await new TestUser(t.app).begin();
    const [users, sessions] = [await countRows(t, 'users'), await countRows(t, 'sessions')];
    const res = await withOutboxDown('user.signed_up', () =>
      anon.api.POST('/api/auth/signup', {
        body: { email: 'rollback@example.test', password: PASSWORD, displayName: 'R' },
      }),
    );
    expect(res.response.status).toBe(500);
    expect(res.error).toMatchObject({ code: 'internal' });
    expect([await countRows(t, 'users'), await countRows(t, 'sessions')]).toEqual([users, sessions]);
  });

  it('rolls back setting a home and a radius', async () => {
    const u = await makeUser(t, { home: null });
    const home = await withOutboxDown('user.home_set', () =>
      u.api.PUT('/api/me/home', { body: { lat: 45.5, lng: -122.6, radiusM: 3000 } }),
    );
    expect(home.response.status).toBe(500);
    expect((await u.api.GET('/api/me')).data).toMatchObject({ home: null, radiusM: 1600 });

    await u.api.PUT('/api/me/home', { body: { lat: 45.5, lng: -122.6 } });
    const radius = await withOutboxDown('user.home_set', () =>
      u.api.PUT('/api/me/radius', { body: { radiusM: 5000 } }),
    );
    expect(radius.response.status).toBe(500);
    expect((await u.api.GET('/api/me')).data?.radiusM).toBe(1600);
  });

  it('rolls back a post, a comment, a reaction and a report', async () => {
    const author = await makeUser(t);
    const reader = await makeUser(t);
    const posts = await countRows(t, 'posts');
    const post = await withOutboxDown('post.created', () =>
      author.api.POST('/api/posts', { body: { category: 'community', title: 'Rolled back', body: 'x' } }),
    );
    expect(post.response.status).toBe(500);
    expect(await countRows(t, 'posts')).toBe(posts);

    const { id } = await makePost(author);
    const path = { params: { path: { id } } };
    const comment = await withOutboxDown('comment.created', () =>
      reader.api.POST('/api/posts/{id}/comments', { ...path, body: { body: 'Hi' } }),
    );
    expect(comment.response.status).toBe(500);
    const reaction = await withOutboxDown('reaction.set', () =>
      reader.api.PUT('/api/posts/{id}/reaction', { ...path, body: { kind: 'thanks' } }),
    );
    expect(reaction.response.status).toBe(500);
    const report = await withOutboxDown('post.reported', () =>
      reader.api.POST('/api/posts/{id}/reports', { ...path, body: { reason: 'Spam' } }),
    );
    expect(report.response.status).toBe(500);

    const after = (await reader.api.GET('/api/posts/{id}', path)).data!;
    expect(after).toMatchObject({ commentCount: 0, myReaction: null, reactions: { thanks: 0 } });
    expect((await reader.api.GET('/api/posts/{id}/comments', path)).data?.items).toEqual([]);
    // The rolled-back report does not count: reporting again is a first report, not a duplicate.
    const again = await reader.api.POST('/api/posts/{id}/reports', { ...path, body: { reason: 'Spam' } });
    expect(again.response.status).toBe(201);

    await reader.api.PUT('/api/posts/{id}/reaction', { ...path, body: { kind: 'agree' } });
    const removal = await withOutboxDown('reaction.removed', () =>
      reader.api.DELETE('/api/posts/{id}/reaction', path),
    );
    expect(removal.response.status).toBe(500);
    expect((await reader.api.GET('/api/posts/{id}', path)).data?.myReaction).toBe('agree');
  });

  it('rolls back a role change', async () => {
    const admin = await makeUser(t, { role: 'admin' });
    const target = await makeUser(t);
    const res = await withOutboxDown('user.role_changed', () =>
      admin.api.PUT('/api/admin/users/{id}/role', {
        params: { path: { id: target.id } },
        body: { role: 'moderator', reason: 'Rolled back' },
      }),
    );
    expect(res.response.status).toBe(500);
    expect((await target.api.GET('/api/me')).data?.role).toBe('resident');
  });
});
