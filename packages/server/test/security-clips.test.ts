/**
 * Issue 9, hole 8: two 500s in the clip API. A clip whose ciphertext blob is gone (a lost disk, a bucket
 * lifecycle rule) answered GET …/ciphertext with an unhandled ENOENT; an out-of-range date such as year 0
 * reached the database. Both must be clear 4xx problems, and the missing blob must show on /metrics.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METRICS_AUTH, startTestApp, type TestApp } from './support/app.js';
import type { TestUser } from './support/client.js';
import { makeUser } from './support/factories.js';
import { ageEncrypt, makeCamera, pairHub, setUpVault, uploadClip } from './support/vault.js';

let t: TestApp;
let alice: TestUser;
let clipId: string;
beforeAll(async () => {
  t = await startTestApp();
  alice = await makeUser(t);
  const keys = await setUpVault(alice);
  const hub = await pairHub(alice);
  const camera = await makeCamera(alice);
  clipId = await uploadClip(t.app, hub, camera.id, await ageEncrypt(randomBytes(2000), keys.recipient));
});
afterAll(() => t.close());

const missingCount = async () => {
  const body = (await t.app.inject({ method: 'GET', url: '/metrics', headers: METRICS_AUTH })).body;
  const line = /^porchlight_clip_ciphertext_missing_total (\d+)$/m.exec(body);
  return line ? Number(line[1]) : undefined;
};

describe('a clip whose ciphertext is missing from storage', () => {
  it('answers 410 clip_ciphertext_missing (whole and ranged), and counts it on /metrics', async () => {
    expect(await missingCount()).toBe(0);
    const { rows } = await t.database.db.query<{ blob_key: string }>(
      'SELECT blob_key FROM clips WHERE public_id = $1',
      [clipId],
    );
    await t.deps.blobs!.delete(rows[0]!.blob_key);

    for (const headers of [{}, { range: 'bytes=0-99' }] as Record<string, string>[]) {
      const res = await alice.raw('GET', `/api/clips/${clipId}/ciphertext`, undefined, headers);
      expect(res.statusCode, res.body).toBe(410);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json()).toMatchObject({ code: 'clip_ciphertext_missing' });
      expect(res.json<{ detail: string }>().detail).toContain(`clip ${clipId}`);
    }
    expect(await missingCount()).toBe(2);
    // The clip itself is still listed, so its owner can see it and delete it.
    expect((await alice.api.GET('/api/clips/{id}', { params: { path: { id: clipId } } })).data?.id).toBe(
      clipId,
    );
    const del = await alice.raw('DELETE', `/api/clips/${clipId}`);
    expect(del.statusCode).toBe(204);
  });
});

describe('dates out of range', () => {
  it.each([
    'to=0000-01-01T00:00:00Z',
    'from=0000-01-01T00:00:00Z',
    'from=0001-01-01T00:00:00%2B14:00',
    'to=1899-12-31T23:59:59Z',
    'from=9999-12-31T23:59:59-14:00',
    'to=2024-02-30T00:00:00Z',
  ])('GET /api/clips?%s is a 400 naming the field', async (query) => {
    const res = await alice.raw('GET', `/api/clips?${query}`);
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json()).toMatchObject({ code: 'validation_failed' });
    const field = query.split('=')[0]!;
    expect(res.json<{ errors: { field: string; message: string }[] }>().errors[0]).toMatchObject({
      field: `/querystring/${field}`,
      message: expect.stringContaining('1900–9999') as string,
    });
  });

  it('still accepts dates at the edges of the range', async () => {
    const res = await alice.raw('GET', '/api/clips?from=1900-01-01T00:00:00Z&to=9999-12-31T00:00:00Z');
    expect(res.statusCode, res.body).toBe(200);
  });
});
