/**
 * Issue 9, hole 4: the CSRF check must hold for the path the router acts on, not for how the client spelled it.
 * A cross-site form can percent-encode any letter of `/api/` (`/%61pi/…`): the router decodes it and runs the
 * route, so a check on the raw URL let a forged request through with only the ambient session cookie.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/app.js';
import { makeUser } from './support/factories.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

/** A forged cross-site request: the victim's cookies ride along, but the attacker cannot read the CSRF token. */
async function forged(cookies: Map<string, string>, method: 'POST' | 'PUT' | 'DELETE', url: string) {
  return t.app.inject({
    method,
    url,
    headers: {
      cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; '),
      'content-type': 'application/json',
    },
    payload: method === 'DELETE' ? undefined : '{}',
  });
}

describe('CSRF on percent-encoded API paths', () => {
  it.each([
    '/%61pi/auth/signout',
    '/%61%70%69/auth/signout',
    '/api%2Fauth/signout',
    '/%2561pi/auth/signout',
    '/api/auth/%73ignout',
  ])('refuses a forged sign-out sent as %s, and the session survives', async (url) => {
    const alice = await makeUser(t);
    const res = await forged(alice.jar, 'POST', url);
    expect(res.statusCode, res.body).toBeGreaterThanOrEqual(400);
    expect(res.statusCode).toBeLessThan(500);
    if (res.statusCode === 403) expect(res.json()).toMatchObject({ code: 'csrf_failed' });
    const me = await alice.api.GET('/api/session');
    expect(me.data?.user?.id).toBe(alice.id);
  });

  it('refuses a forged post published through an encoded path, and nothing is written', async () => {
    const alice = await makeUser(t);
    const before = await t.database.db.query('SELECT count(*)::int AS n FROM posts');
    const res = await t.app.inject({
      method: 'POST',
      url: '/%61pi/posts',
      headers: {
        cookie: [...alice.jar].map(([k, v]) => `${k}=${v}`).join('; '),
        'content-type': 'application/json',
      },
      payload: JSON.stringify({ category: 'community', title: 'Forged', body: 'Forged by another site' }),
    });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ code: 'csrf_failed' });
    const after = await t.database.db.query('SELECT count(*)::int AS n FROM posts');
    expect(after.rows).toEqual(before.rows);
  });

  it('still lets the real client (with its token) sign out through the plain path', async () => {
    const alice = await makeUser(t);
    const res = await alice.raw('POST', '/api/auth/signout', {});
    expect(res.statusCode).toBeLessThan(300);
    const me = await alice.api.GET('/api/session');
    expect(me.data?.user ?? null).toBeNull();
  });
});
