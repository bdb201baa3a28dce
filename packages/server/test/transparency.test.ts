import { leafHash, TILE_WIDTH, type Entry } from '@porchlight/tlog';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertEvent } from '../src/modules/events/events.repository.js';
import { startTestApp, type TestApp } from './support/app.js';
import type { TestUser } from './support/client.js';
import { HOME, eventsAfter, lastEventId, makePost, makeUser } from './support/factories.js';
import { auditLog, getLog, LOG_ORIGIN } from './support/transparency.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ env: { PORCHLIGHT_LOG_ORIGIN: LOG_ORIGIN } });
});
afterAll(() => t.close());

const get = (url: string) => t.app.inject({ method: 'GET', url });

async function appealIdOf(postId: string): Promise<number> {
  const res = await t.database.db.query<{ id: number }>(
    'SELECT id FROM appeals WHERE post_id = (SELECT id FROM posts WHERE public_id = $1)',
    [postId],
  );
  return res.rows[0]!.id;
}

async function ok(res: Promise<{ response: Response; error?: unknown }>): Promise<void> {
  const r = await res;
  expect(r.response.status, JSON.stringify(r.error)).toBeLessThan(300);
}

describe('a fresh instance', () => {
  it('has no checkpoint before the sequencer first runs', async () => {
    const res = await get('/log/checkpoint');
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toContain('application/problem+json');
  });

  it('starts its log with instance.created naming its origin and key, under a verifiable checkpoint', async () => {
    expect(await t.services.transparency.sequenceNow()).toEqual({ appended: 1, size: 1, busy: false });
    const log = await auditLog(t.app);
    expect(log.checkpoint.size).toBe(1);
    expect(log.entries[0]).toMatchObject({
      type: 'instance.created',
      data: { origin: LOG_ORIGIN, key: log.vkey },
    });
    expect(log.vkey.startsWith(`${LOG_ORIGIN}+`)).toBe(true);
    // Nothing new to publish: a second run appends nothing and signs nothing new.
    expect(await t.services.transparency.sequenceNow()).toMatchObject({ appended: 0, busy: false });
    expect((await auditLog(t.app)).note).toBe(log.note);
  });

  it('serves the checkpoint uncached and the key as text', async () => {
    const cp = await get('/log/checkpoint');
    expect(cp.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(cp.headers['cache-control']).toBe('no-store');
    expect(cp.body.startsWith(`${LOG_ORIGIN}\n1\n`)).toBe(true);
    const key = await get('/log/key');
    expect(key.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(key.body).toMatch(/^porchlight\.test\/log\+[0-9a-f]{8}\+[A-Za-z0-9+/]+=*$/);
  });
});

describe('accountability actions', () => {
  let author: TestUser;
  let authorEmail: string;
  let authorName: string;
  let mod1: TestUser;
  let mod2: TestUser;
  let admin: TestUser;
  let promoted: TestUser;
  let postId: string;
  let entries: Entry[];
  let raw: string;

  beforeAll(async () => {
    const before = (await auditLog(t.app)).checkpoint.size;
    const firstEvent = await lastEventId(t);
    authorName = 'Resident Rosalind Quince';
    author = await makeUser(t, { name: authorName });
    authorEmail = (await author.api.GET('/api/me')).data!.email;
    mod1 = await makeUser(t, { role: 'moderator' });
    mod2 = await makeUser(t, { role: 'moderator' });
    admin = await makeUser(t, { role: 'admin' });
    promoted = await makeUser(t);
    const post = await makePost(author, { category: 'safety', location: HOME });
    postId = post.id;
    await ok(
      mod1.api.POST('/api/moderation/posts/{id}/decisions', {
        params: { path: { id: postId } },
        body: { action: 'hide', reason: 'Names a private person' },
      }),
    );
    await ok(
      author.api.POST('/api/posts/{id}/appeal', {
        params: { path: { id: postId } },
        body: { statement: 'It names nobody at all, please look again' },
      }),
    );
    await ok(
      mod2.api.POST('/api/moderation/appeals/{id}/decision', {
        params: { path: { id: await appealIdOf(postId) } },
        body: { outcome: 'overturned', reason: 'The name is a shop, not a person' },
      }),
    );
    await ok(
      admin.api.PUT('/api/admin/users/{id}/role', {
        params: { path: { id: promoted.id } },
        body: { role: 'moderator', reason: 'Volunteer moderator for Elm St.' },
      }),
    );
    // Non-accountability activity in between must not reach the log.
    await makePost(author);

    const logged = (await eventsAfter(t, firstEvent)).filter((e) =>
      ['moderation.hidden', 'appeal.filed', 'appeal.decided', 'user.role_changed'].includes(e.type),
    );
    expect(await t.services.transparency.sequenceNow()).toMatchObject({ appended: 4, size: before + 4 });
    const log = await auditLog(t.app);
    entries = log.entries.slice(before);
    raw = new TextDecoder().decode(Buffer.concat(log.raw.slice(before)));
    expect(entries.map((e) => e.seq)).toEqual(logged.map((e) => e.id));
  });

  it('grows the log by exactly those actions, in order, with what they decided', () => {
    expect(entries).toHaveLength(4);
    expect(entries.map((e) => [e.type, e.data])).toEqual([
      ['moderation.hidden', { post: postId, moderator: mod1.id, reason: 'Names a private person' }],
      ['appeal.filed', { post: postId }],
      [
        'appeal.decided',
        {
          post: postId,
          moderator: mod2.id,
          outcome: 'overturned',
          reason: 'The name is a shop, not a person',
        },
      ],
      [
        'role.changed',
        { admin: admin.id, from: 'resident', to: 'moderator', reason: 'Volunteer moderator for Elm St.' },
      ],
    ]);
    for (const e of entries) expect(e.time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
  });

  it('names no resident and no place', () => {
    expect(raw).not.toContain(authorEmail);
    expect(raw).not.toContain(authorName);
    expect(raw).not.toContain('Resident');
    // Staff appear by id in their staff fields; the author and the promoted resident appear nowhere.
    const people = entries.flatMap((e) =>
      Object.entries(e.data as Record<string, unknown>).flatMap(([k, v]) =>
        ['moderator', 'admin'].includes(k) ? [v] : [],
      ),
    );
    expect(people.sort()).toEqual([mod1.id, mod2.id, admin.id].sort());
    expect(raw).not.toMatch(/"(author|user|resident|subject|lat|lng|cell|location|email|name)":/);
    expect(raw).not.toContain(String(HOME.lat).slice(0, 5));
    expect(raw).not.toContain(String(HOME.lng).slice(0, 6));
  });
});

describe('tiles', () => {
  it('serves the current partial tile and older widths as its prefix, nothing beyond the tree', async () => {
    const { checkpoint, raw } = await auditLog(t.app);
    const size = checkpoint.size;
    expect(size).toBeLessThan(TILE_WIDTH);
    const res = await get(`/log/tile/0/000.p/${size}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/octet-stream');
    expect(res.headers['cache-control']).toBe('public, max-age=60');
    expect(new Uint8Array(res.rawPayload)).toEqual(new Uint8Array(Buffer.concat(raw.map(leafHash))));
    expect(await getLog(t.app, 'tile/0/000.p/1')).toEqual(leafHash(raw[0]!));
    for (const url of [
      `/log/tile/0/000.p/${size + 1}`,
      '/log/tile/0/000',
      '/log/tile/1/000.p/1',
      '/log/tile/entries/000',
      `/log/tile/entries/000.p/${size + 1}`,
      '/log/tile/0/0',
      '/log/tile/0/000.p/0',
      '/log/tile/0/001.p/1',
      '/log/tile/x/000',
      '/log/tile/entries/000.p/',
    ]) {
      const r = await get(url);
      expect(r.statusCode, url).toBe(404);
      expect(r.headers['content-type'], url).toContain('application/problem+json');
    }
  });

  it('serves full tiles as immutable once the log passes 256 entries, and every entry still proves', async () => {
    const mod = await makeUser(t, { role: 'moderator' });
    const post = await makePost(await makeUser(t));
    const before = (await auditLog(t.app)).checkpoint.size;
    // Bulk outbox rows through the real outbox writer; the sequencer cannot tell them from API actions.
    await t.database.db.transaction(async (tx) => {
      for (let i = 0; i < 300; i++) {
        await insertEvent(tx, {
          type: i % 2 ? 'moderation.restored' : 'moderation.hidden',
          actorId: mod.id,
          subjectType: 'post',
          subjectId: post.id,
          data: { postId: post.id, reason: `bulk decision ${i}` },
        });
      }
    });
    expect(await t.services.transparency.sequenceNow()).toMatchObject({ appended: 300, size: before + 300 });
    const { checkpoint, raw } = await auditLog(t.app);
    const size = checkpoint.size;
    for (const url of ['/log/tile/0/000', '/log/tile/entries/000']) {
      const r = await get(url);
      expect(r.statusCode, url).toBe(200);
      expect(r.headers['cache-control'], url).toBe('public, max-age=31536000, immutable');
    }
    expect(await getLog(t.app, 'tile/0/000')).toEqual(
      new Uint8Array(Buffer.concat(raw.slice(0, 256).map(leafHash))),
    );
    expect((await get(`/log/tile/0/001.p/${size - 256}`)).headers['cache-control']).toBe(
      'public, max-age=60',
    );
    expect((await getLog(t.app, 'tile/1/000.p/1')).length).toBe(32);
    expect((await get('/log/tile/1/000')).statusCode).toBe(404);
  });

  it('is not under the API: no session or CSRF involved, and hidden from OpenAPI', async () => {
    const doc = (await get('/openapi.json')).json<{ paths: Record<string, unknown> }>();
    // The only /log path documented is the content-addressed boundary a policy.changed entry points to; the
    // checkpoint, key and tiles follow the tlog specs, not the API.
    expect(Object.keys(doc.paths).filter((p) => p.startsWith('/log'))).toEqual(['/log/boundary/{sha256}']);
  });
});
