import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, testClock, type TestApp } from './support/app.js';
import { TestUser } from './support/client.js';
import { PASSWORD, makeUser } from './support/factories.js';

let t: TestApp;
const clock = testClock();
beforeAll(async () => {
  t = await startTestApp({ clock });
});
afterAll(() => t.close());

describe('sign up, sign in, sign out', () => {
  it('signs up a resident, stores an argon2id hash, and starts a session', async () => {
    const u = await new TestUser(t.app).begin();
    const res = await u.api.POST('/api/auth/signup', {
      body: { email: 'Dana@Example.test', password: PASSWORD, displayName: 'Dana' },
    });
    expect(res.response.status).toBe(201);
    expect(res.data?.user).toMatchObject({
      email: 'Dana@Example.test',
      displayName: 'Dana',
      role: 'resident',
      home: null,
    });
    const me = await u.api.GET('/api/me');
    expect(me.data?.displayName).toBe('Dana');

    const row = await t.database.db.query<{ password_hash: string }>(
      'SELECT password_hash FROM users WHERE id = $1',
      [res.data!.user!.id],
    );
    expect(row.rows[0]!.password_hash).toMatch(/^\$argon2id\$v=19\$/);
    expect(row.rows[0]!.password_hash).not.toContain(PASSWORD);
  });

  it('sets the session cookie HttpOnly and SameSite', async () => {
    const u = await new TestUser(t.app).begin();
    const res = await u.raw('POST', '/api/auth/signup', {
      email: 'cookie@example.test',
      password: PASSWORD,
      displayName: 'C',
    });
    expect(res.statusCode).toBe(201);
    const session = res.cookies.find((c) => c.name === 'pl_session')!;
    expect(session.httpOnly).toBe(true);
    expect(session.sameSite).toBe('Lax');
    expect(session.path).toBe('/');
  });

  it('refuses a second account with the same email, in any letter case', async () => {
    const u = await new TestUser(t.app).begin();
    await u.api.POST('/api/auth/signup', {
      body: { email: 'twice@example.test', password: PASSWORD, displayName: 'A' },
    });
    const v = await new TestUser(t.app).begin();
    const res = await v.api.POST('/api/auth/signup', {
      body: { email: 'TWICE@example.test', password: PASSWORD, displayName: 'B' },
    });
    expect(res.response.status).toBe(409);
    expect(res.error).toMatchObject({ code: 'email_taken', errors: [{ field: '/body/email' }] });
  });

  it('signs in with the right password only, with one error for unknown email and wrong password', async () => {
    const u = await makeUser(t);
    const email = (await u.api.GET('/api/me')).data!.email;
    const anon = await new TestUser(t.app).begin();
    const wrong = await anon.api.POST('/api/auth/signin', { body: { email, password: 'not the password' } });
    const unknown = await anon.api.POST('/api/auth/signin', {
      body: { email: 'nobody@example.test', password: PASSWORD },
    });
    expect(wrong.response.status).toBe(401);
    expect(unknown.response.status).toBe(401);
    expect(wrong.error).toEqual({ ...unknown.error, instance: '/api/auth/signin' });
    const ok = await anon.api.POST('/api/auth/signin', {
      body: { email: email.toUpperCase(), password: PASSWORD },
    });
    expect(ok.response.status).toBe(200);
    expect(ok.data?.user?.id).toBe(u.id);
  });

  it('signs out: the old session cookie no longer works', async () => {
    const u = await makeUser(t);
    const oldCookie = u.jar.get('pl_session')!;
    const out = await u.api.POST('/api/auth/signout');
    expect(out.response.status).toBe(200);
    expect((await u.api.GET('/api/me')).response.status).toBe(401);
    const replay = await t.app.inject({
      method: 'GET',
      url: '/api/me',
      headers: { cookie: `pl_session=${oldCookie}` },
    });
    expect(replay.statusCode).toBe(401);
    expect(replay.headers['content-type']).toContain('application/problem+json');
  });

  it('expires sessions after the configured lifetime', async () => {
    const u = await makeUser(t);
    expect((await u.api.GET('/api/me')).response.status).toBe(200);
    clock.advance(31 * 86_400_000);
    try {
      expect((await u.api.GET('/api/me')).response.status).toBe(401);
    } finally {
      clock.set(new Date());
    }
  });
});

describe('CSRF protection', () => {
  it('refuses a state-changing request without the token, and with a wrong one', async () => {
    const u = await makeUser(t);
    const none = await u.raw(
      'POST',
      '/api/posts',
      { category: 'community', title: 'Hello there', body: 'x' },
      { 'x-csrf-token': '' },
    );
    expect(none.statusCode).toBe(403);
    expect(none.json()).toMatchObject({ code: 'csrf_failed' });
    const wrong = await u.raw('PUT', '/api/me/radius', { radiusM: 2000 }, { 'x-csrf-token': 'forged' });
    expect(wrong.statusCode).toBe(403);
    expect((await u.api.GET('/api/me')).data?.radiusM).toBe(1600);
  });

  it('does not accept one session’s token for another session', async () => {
    const a = await makeUser(t);
    const b = await makeUser(t);
    const res = await a.raw('PUT', '/api/me/radius', { radiusM: 3000 }, { 'x-csrf-token': b.csrf! });
    expect(res.statusCode).toBe(403);
  });

  it('protects sign-in itself with a pre-session double-submit token', async () => {
    await makeUser(t);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/signin',
      payload: { email: 'x@example.test', password: 'whatever1' },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ code: 'csrf_failed' });
  });
});

describe('rate limiting', () => {
  it('limits sign-in attempts per client and answers 429 as a problem document', async () => {
    const limited = await startTestApp({ env: { AUTH_RATE_LIMIT: '3' }, database: t.database });
    try {
      const anon = await new TestUser(limited.app).begin();
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) {
        const r = await anon.api.POST('/api/auth/signin', {
          body: { email: 'x@example.test', password: 'wrong-pass' },
        });
        statuses.push(r.response.status);
      }
      expect(statuses).toEqual([401, 401, 401, 429, 429]);
      const last = await anon.raw('POST', '/api/auth/signin', {
        email: 'x@example.test',
        password: 'wrong-pass',
      });
      expect(last.headers['content-type']).toContain('application/problem+json');
      expect(last.json()).toMatchObject({ code: 'rate_limited', status: 429 });
    } finally {
      await limited.close();
    }
  });
});
