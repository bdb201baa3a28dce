/**
 * Issue 9, hole 10 through the API: a post describing a person by race is refused in every category (it was
 * published under Unexpected activity, Community and Safety), in Spanish as in English, and so is a comment;
 * nothing is written when it is refused.
 */
import { POST_CATEGORIES } from '@porchlight/policy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/app.js';
import type { TestUser } from './support/client.js';
import { countRows, makePost, makeUser } from './support/factories.js';

let t: TestApp;
let alice: TestUser;
beforeAll(async () => {
  t = await startTestApp();
  alice = await makeUser(t);
});
afterAll(() => t.close());

const SENTENCES = ['Suspicious black man walking around', 'Hombre negro sospechoso caminando por ahí'];

describe.each(POST_CATEGORIES)('a %s post', (category) => {
  it.each(SENTENCES)('"%s" is refused with 422 profiling_risk, and no post is written', async (title) => {
    const before = await countRows(t, 'posts');
    const res = await alice.api.POST('/api/posts', {
      body: { category, title, body: 'Be careful out there.' },
    });
    expect(res.response.status).toBe(422);
    expect(res.error).toMatchObject({ code: 'profiling_risk', errors: [{ field: '/body/person' }] });
    expect(res.error?.detail).toMatch(/race or ethnicity/);
    expect(await countRows(t, 'posts')).toBe(before);
  });
});

describe('a comment', () => {
  it.each(SENTENCES)('"%s" is refused with 422 profiling_risk, and no comment is written', async (body) => {
    const post = await makePost(alice);
    const before = await countRows(t, 'comments');
    const res = await alice.api.POST('/api/posts/{id}/comments', {
      params: { path: { id: post.id } },
      body: { body },
    });
    expect(res.response.status).toBe(422);
    expect(res.error).toMatchObject({ code: 'profiling_risk', errors: [{ field: '/body/body' }] });
    expect(await countRows(t, 'comments')).toBe(before);
  });

  it('about a black dog or a white van is posted', async () => {
    const post = await makePost(alice);
    for (const body of ['Saw a black dog near the park', 'Vi una furgoneta blanca aparcada']) {
      const res = await alice.api.POST('/api/posts/{id}/comments', {
        params: { path: { id: post.id } },
        body: { body },
      });
      expect(res.response.status, JSON.stringify(res.error)).toBe(201);
    }
  });
});
