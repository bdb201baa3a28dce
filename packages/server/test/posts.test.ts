import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snap } from '../src/geo/cells.js';
import { startTestApp, type TestApp } from './support/app.js';
import { TestUser } from './support/client.js';
import {
  HOME,
  countRows,
  lastEventId,
  eventsAfter,
  makePost,
  makeUser,
  offsetMeters,
} from './support/factories.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const valid = { category: 'community' as const, title: 'Street party on Saturday', body: 'Bring a chair!' };

describe('creating a post', () => {
  it('places it at the given location, snapped to its cell', async () => {
    const author = await makeUser(t, { name: 'Rosa' });
    const where = offsetMeters(HOME, 812.4, -333.3);
    const res = await author.api.POST('/api/posts', { body: { ...valid, location: where } });
    expect(res.response.status).toBe(201);
    const { cell, lat, lng } = snap(where);
    expect(res.data).toMatchObject({
      category: 'community',
      title: valid.title,
      body: valid.body,
      author: { id: author.id, displayName: 'Rosa', isAgency: false },
      location: { cell, lat, lng },
      person: null,
      commentCount: 0,
      reactions: { thanks: 0, helpful: 0, agree: 0, sad: 0 },
      myReaction: null,
      status: 'visible',
      isMine: true,
      moderation: null,
    });
    const again = await author.api.GET('/api/posts/{id}', { params: { path: { id: res.data!.id } } });
    expect(again.data).toEqual(res.data);
  });

  it('defaults to the author’s home cell when no location is given', async () => {
    const home = offsetMeters(HOME, -1234.5, 2345.6);
    const author = await makeUser(t, { home });
    const post = await makePost(author);
    expect(post.location.cell).toBe(snap(home).cell);
  });

  it('needs a home or a location: 409 home_required without either, 201 with a location', async () => {
    const author = await makeUser(t, { home: null });
    const without = await author.api.POST('/api/posts', { body: valid });
    expect(without.response.status).toBe(409);
    expect(without.error).toMatchObject({ code: 'home_required' });
    const withLocation = await author.api.POST('/api/posts', { body: { ...valid, location: HOME } });
    expect(withLocation.response.status).toBe(201);
  });

  it('trims the title and body', async () => {
    const author = await makeUser(t);
    const post = await makePost(author, { title: '  Lost keys near the park  ', body: '\n  Blue fob.  \n' });
    expect(post.title).toBe('Lost keys near the park');
    expect(post.body).toBe('Blue fob.');
  });

  it('shows a post to others as not theirs', async () => {
    const author = await makeUser(t);
    const reader = await makeUser(t);
    const post = await makePost(author);
    const seen = await reader.api.GET('/api/posts/{id}', { params: { path: { id: post.id } } });
    expect(seen.data).toMatchObject({ id: post.id, isMine: false, author: { id: author.id } });
  });

  it('answers 404 for a post that does not exist, and 401 when signed out', async () => {
    const reader = await makeUser(t);
    const missing = await reader.api.GET('/api/posts/{id}', {
      params: { path: { id: 'po_AAAAAAAAAAAAAAAAAAAAAA' } },
    });
    expect(missing.response.status).toBe(404);
    expect(missing.error).toMatchObject({ code: 'not_found' });
    const anon = await new TestUser(t.app).begin();
    const post = await makePost(reader);
    const res = await anon.api.GET('/api/posts/{id}', { params: { path: { id: post.id } } });
    expect(res.response.status).toBe(401);
  });
});

describe('post validation', () => {
  it.each([
    ['a two-letter title', '/body/title', { title: 'ab' }],
    ['a title of only spaces', '/body/title', { title: '      ' }],
    ['a 141-character title', '/body/title', { title: 'x'.repeat(141) }],
    ['an empty body', '/body/body', { body: '' }],
    ['a body of only whitespace', '/body/body', { body: ' \n\t ' }],
    ['a 5001-character body', '/body/body', { body: 'x'.repeat(5001) }],
    ['an unknown category', '/body/category', { category: 'gossip' }],
    ['a latitude beyond 85°', '/body/location/lat', { location: { lat: 89.9, lng: 0 } }],
    ['a longitude beyond 180°', '/body/location/lng', { location: { lat: 0, lng: 180.5 } }],
  ])('refuses %s naming %s and writes nothing', async (_label, field, change) => {
    const author = await makeUser(t);
    const [posts, events] = [await countRows(t, 'posts'), await countRows(t, 'events')];
    const res = await author.raw('POST', '/api/posts', { ...valid, ...change });
    expect(res.statusCode).toBe(400);
    const problem = res.json<{ code: string; errors: { field: string }[] }>();
    expect(problem.code).toBe('validation_failed');
    expect(new Set(problem.errors.map((e) => e.field))).toEqual(new Set([field]));
    expect(await countRows(t, 'posts')).toBe(posts);
    expect(await countRows(t, 'events')).toBe(events);
  });

  it('accepts the longest title and body', async () => {
    const author = await makeUser(t);
    const post = await makePost(author, { title: 't'.repeat(140), body: 'b'.repeat(5000) });
    expect(post.title).toHaveLength(140);
    expect(post.body).toHaveLength(5000);
  });

  it('names every missing field at once', async () => {
    const author = await makeUser(t);
    const res = await author.raw('POST', '/api/posts', {});
    expect(res.statusCode).toBe(400);
    const fields = res
      .json<{ errors: { field: string }[] }>()
      .errors.map((e) => e.field)
      .sort();
    expect(fields).toEqual(['/body/body', '/body/category', '/body/title']);
  });
});

describe('anti-profiling composer', () => {
  it('refuses a race-only description with 422 profiling_risk, explains why, and writes nothing', async () => {
    const author = await makeUser(t);
    const [posts, before] = [await countRows(t, 'posts'), await lastEventId(t)];
    const res = await author.api.POST('/api/posts', {
      body: {
        category: 'suspicious_activity',
        title: 'Black man walking around',
        body: 'Never seen him before.',
        person: { behaviour: 'walking around the block', appearance: 'black man' },
      },
    });
    expect(res.response.status).toBe(422);
    expect(res.response.headers.get('content-type')).toContain('application/problem+json');
    expect(res.error).toMatchObject({ code: 'profiling_risk', status: 422 });
    expect(res.error?.detail).toMatch(/race or ethnicity/);
    expect(res.error?.errors?.map((e) => e.field)).toEqual([
      '/body/person/clothing',
      '/body/person/vehicle',
      '/body/person/directionOfTravel',
    ]);
    expect(await countRows(t, 'posts')).toBe(posts);
    expect(await eventsAfter(t, before)).toEqual([]);
  });

  it('asks for the person fields when a crime post mentions a person without them', async () => {
    const author = await makeUser(t);
    const res = await author.api.POST('/api/posts', {
      body: { category: 'crime', title: 'Two teens broke into a car', body: 'On Elm St.' },
    });
    expect(res.response.status).toBe(422);
    expect(res.error).toMatchObject({ code: 'profiling_risk', errors: [{ field: '/body/person' }] });
  });

  it('publishes a description of behaviour with two details, and shows the person block', async () => {
    const author = await makeUser(t);
    const person = {
      behaviour: 'tried the handles of parked cars',
      clothing: 'grey hoodie',
      directionOfTravel: 'north on 5th Ave',
    };
    const res = await author.api.POST('/api/posts', {
      body: {
        category: 'suspicious_activity',
        title: 'Someone trying car doors',
        body: 'Around 2 am.',
        person,
      },
    });
    expect(res.response.status, JSON.stringify(res.error)).toBe(201);
    expect(res.data?.person).toEqual(person);
  });
});

describe('lengths count what is stored', () => {
  it('refuses a title and a report reason that are long enough only with surrounding spaces', async () => {
    const author = await makeUser(t);
    const title = await author.api.POST('/api/posts', {
      body: { category: 'community', title: '  ab  ', body: 'Body text' },
    });
    expect(title.response.status).toBe(400);
    expect(title.error).toMatchObject({ code: 'validation_failed', errors: [{ field: '/body/title' }] });

    const post = await makePost(author);
    const reporter = await makeUser(t);
    const reason = await reporter.api.POST('/api/posts/{id}/reports', {
      params: { path: { id: post.id } },
      body: { reason: '  x   ' },
    });
    expect(reason.response.status).toBe(400);
    expect(reason.error).toMatchObject({ errors: [{ field: '/body/reason' }] });
  });
});
