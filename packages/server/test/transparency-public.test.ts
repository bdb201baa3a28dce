import { formatVerifierKey, leafHash, SIGNATURE_TYPE_COSIGNATURE } from '@porchlight/tlog';
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/app.js';
import { TestUser } from './support/client.js';
import { HOME, makePost, makeUser } from './support/factories.js';
import { POLICY, publishPolicy } from './support/policies.js';
import { auditLog, LOG_ORIGIN, type AuditedLog } from './support/transparency.js';

let t: TestApp;
let visitor: TestUser;
beforeAll(async () => {
  t = await startTestApp({
    env: { PORCHLIGHT_LOG_ORIGIN: LOG_ORIGIN, PUBLIC_URL: 'https://porchlight.test' },
  });
  visitor = new TestUser(t.app);
});
afterAll(() => t.close());

describe('before the log starts', () => {
  it('reports an empty log with no checkpoint yet', async () => {
    const res = await visitor.api.GET('/api/transparency');
    expect(res.response.status).toBe(200);
    expect(res.data).toMatchObject({
      origin: LOG_ORIGIN,
      logUrl: 'https://porchlight.test/log',
      size: 0,
      checkpoint: null,
      counts: [],
      auditCommand: 'npx porchlight audit https://porchlight.test/log',
    });
    const list = await visitor.raw('GET', '/api/transparency/entries');
    expect(list.json()).toEqual({ items: [], nextCursor: null, size: 0 });
  });
});

describe('a log with accountability entries', () => {
  let log: AuditedLog;
  let authorEmail: string;
  const authorName = 'Resident Marguerite Oyelaran';
  const reason = 'Council amendment 4417: shorter windows';

  beforeAll(async () => {
    const admin = await makeUser(t, { role: 'admin' });
    const mod = await makeUser(t, { role: 'moderator' });
    const author = await makeUser(t, { name: authorName });
    authorEmail = (await author.api.GET('/api/me')).data!.email;
    const post = await makePost(author, { category: 'safety', location: HOME });
    await mod.api.POST('/api/moderation/posts/{id}/decisions', {
      params: { path: { id: post.id } },
      body: { action: 'hide', reason: 'Shares a neighbour’s plate number' },
    });
    await publishPolicy(admin, 'portland-or', {
      name: 'Portland, Oregon',
      reason: 'First 100% public policy',
    });
    await publishPolicy(admin, 'portland-or', {
      policy: { ...POLICY, maxWindowHours: 48 },
      reason,
    });
    await admin.api.POST('/api/admin/agencies', {
      body: {
        name: 'Portland Police Bureau',
        jurisdiction: 'portland-or',
        contact: 'records@ppb.example',
        reason: 'Verified in person',
      },
    });
    await t.services.transparency.sequenceNow();
    log = await auditLog(t.app);
  });

  it('summarises exactly the served log: size, checkpoint, key and counts by type', async () => {
    const res = await visitor.api.GET('/api/transparency');
    const s = res.data!;
    expect(s.size).toBe(log.checkpoint.size);
    expect(s.checkpoint).toBe(log.note);
    expect(s.verifierKey).toBe(log.vkey);
    expect(s.witnesses).toEqual([]);
    const counts = Object.fromEntries(s.counts.map((c) => [c.type, c.count]));
    expect(counts).toEqual({
      'instance.created': 1,
      'moderation.hidden': 1,
      'policy.changed': 2,
      'agency.verified': 1,
    });
  });

  it('lists every entry once, newest first, across pages, each with its leaf hash and proof', async () => {
    const seen: number[] = [];
    let cursor: string | undefined;
    do {
      const res = await visitor.raw(
        'GET',
        `/api/transparency/entries?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(res.statusCode, res.body).toBe(200);
      const page = res.json<{
        items: {
          index: number;
          type: string;
          time: string;
          entry: unknown;
          leafHash: string;
          proof: string;
        }[];
        nextCursor: string | null;
      }>();
      expect(page.items.length).toBeLessThanOrEqual(2);
      for (const item of page.items) {
        seen.push(item.index);
        expect(item.entry).toEqual(log.entries[item.index]);
        expect(item.type).toBe(log.entries[item.index]!.type);
        expect(item.time).toBe(log.entries[item.index]!.time);
        expect(item.leafHash).toBe(Buffer.from(leafHash(log.raw[item.index]!)).toString('hex'));
        expect(item.proof).toBe(`/log/proof/${item.index}`);
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual([...Array(log.checkpoint.size).keys()].reverse());
  });

  it('links to a proof document that the log serves', async () => {
    const first = (await visitor.raw('GET', '/api/transparency/entries?limit=1')).json<{
      items: { proof: string }[];
    }>();
    const proof = await t.app.inject({ method: 'GET', url: first.items[0]!.proof });
    expect(proof.statusCode).toBe(200);
    expect(proof.body).toContain(LOG_ORIGIN);
  });

  it('filters by type, by free text (literally, any case) and by time', async () => {
    const byType = await visitor.raw('GET', '/api/transparency/entries?type=policy.changed');
    const policies = byType.json<{ items: { entry: { data: { version: number } } }[] }>().items;
    expect(policies.map((i) => i.entry.data.version)).toEqual([2, 1]);

    const found = await visitor.raw(
      'GET',
      `/api/transparency/entries?q=${encodeURIComponent('AMENDMENT 4417')}`,
    );
    expect(
      found
        .json<{ items: { entry: { data: { reason: string } } }[] }>()
        .items.map((i) => i.entry.data.reason),
    ).toEqual([reason]);
    // % and _ are text to find, not wildcards.
    const percent = await visitor.raw('GET', `/api/transparency/entries?q=${encodeURIComponent('100%')}`);
    expect(percent.json<{ items: unknown[] }>().items).toHaveLength(1);
    const wildcard = await visitor.raw('GET', `/api/transparency/entries?q=${encodeURIComponent('4_17')}`);
    expect(wildcard.json<{ items: unknown[] }>().items).toHaveLength(0);

    const future = new Date(Date.now() + 3_600_000).toISOString();
    const past = new Date(Date.now() - 3_600_000).toISOString();
    const none = await visitor.raw('GET', `/api/transparency/entries?from=${future}`);
    expect(none.json<{ items: unknown[] }>().items).toEqual([]);
    const all = await visitor.raw('GET', `/api/transparency/entries?from=${past}&to=${future}&limit=100`);
    expect(all.json<{ items: unknown[] }>().items).toHaveLength(log.checkpoint.size);
    const before = await visitor.raw('GET', `/api/transparency/entries?to=${past}`);
    expect(before.json<{ items: unknown[] }>().items).toEqual([]);
  });

  it('keeps paging where it was while new entries arrive', async () => {
    const first = (await visitor.raw('GET', '/api/transparency/entries?limit=2')).json<{
      items: { index: number }[];
      nextCursor: string;
    }>();
    const admin = await makeUser(t, { role: 'admin' });
    await publishPolicy(admin, 'gresham-or');
    await t.services.transparency.sequenceNow();
    const second = (
      await visitor.raw('GET', `/api/transparency/entries?limit=2&cursor=${first.nextCursor}`)
    ).json<{ items: { index: number }[] }>();
    expect(second.items[0]!.index).toBe(first.items[1]!.index - 1);
  });

  it('never shows a resident’s identity or home', async () => {
    const res = await visitor.raw('GET', '/api/transparency/entries?limit=100');
    for (const secret of [
      authorEmail,
      authorName,
      String(HOME.lat).slice(0, 6),
      String(HOME.lng).slice(0, 7),
    ])
      expect(res.body).not.toContain(secret);
    expect(res.body).not.toMatch(/"(author|user|resident|email|lat|lng|cell|location|home)":/);
  });
});

describe('witnesses', () => {
  it('lists the configured witnesses by name, key and address', async () => {
    const raw = generateKeyPairSync('ed25519')
      .publicKey.export({ format: 'der', type: 'spki' })
      .subarray(-32);
    const vkey = formatVerifierKey('witness.rights.example', SIGNATURE_TYPE_COSIGNATURE, new Uint8Array(raw));
    const withWitness = await startTestApp({
      env: { PORCHLIGHT_LOG_ORIGIN: LOG_ORIGIN, PORCHLIGHT_WITNESSES: `${vkey} http://127.0.0.1:9/witness` },
    });
    try {
      const res = await new TestUser(withWitness.app).api.GET('/api/transparency');
      expect(res.data!.witnesses).toEqual([
        { name: 'witness.rights.example', vkey, url: 'http://127.0.0.1:9/witness' },
      ]);
    } finally {
      await withWitness.close();
    }
  });
});

describe('bad queries are 400 problems naming the parameter', () => {
  it.each([
    ['type=user.signed_in', '/querystring/type'],
    ['cursor=bm90LWEtY3Vyc29y', '/querystring/cursor'],
    ['from=yesterday', '/querystring/from'],
    ['to=2026-13-01T00:00:00Z', '/querystring/to'],
    ['limit=0', '/querystring/limit'],
    ['limit=1000', '/querystring/limit'],
    [`q=${'x'.repeat(201)}`, '/querystring/q'],
  ])('%s', async (query, field) => {
    const res = await visitor.raw('GET', `/api/transparency/entries?${query}`);
    expect(res.statusCode, res.body).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    const fields = res.json<{ errors?: { field: string }[] }>().errors?.map((e) => e.field);
    expect(fields).toContain(field);
  });
});
