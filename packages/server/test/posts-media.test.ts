import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/app.js';
import type { TestUser } from './support/client.js';
import { makeUser } from './support/factories.js';
import { exifGps, ffprobe, jpegSegments, jpegWithGps, videoWithLocation } from './support/media.js';
import { encodeMetadata, tus } from './support/vault.js';

let t: TestApp;
let dir: string;
const GPS = { lat: 45.5152, lng: -122.6784 };
const quiet = { info() {}, warn() {}, error() {} } as never;

beforeAll(async () => {
  t = await startTestApp();
  dir = await mkdtemp(path.join(tmpdir(), 'porchlight-media-test-'));
});
afterAll(async () => {
  await t.close();
  await rm(dir, { recursive: true, force: true });
});

/** Creates a media upload over tus (`filetype` declared) and sends `bytes` in one PATCH. */
async function upload(user: TestUser, filetype: string, bytes: Buffer, length = bytes.length) {
  const created = await tus(t.app, { user }, 'POST', '/api/media/uploads', {
    'upload-length': String(length),
    'upload-metadata': encodeMetadata({ filetype, filename: 'IMG_0001' }),
  });
  if (created.statusCode !== 201) return { created, patch: undefined, mediaId: undefined };
  const patch = await tus(
    t.app,
    { user },
    'PATCH',
    created.headers.location!,
    { 'upload-offset': '0' },
    bytes,
  );
  const id = patch.headers['porchlight-media-id'];
  return { created, patch, mediaId: typeof id === 'string' ? id : undefined };
}

async function uploaded(user: TestUser, filetype: string, bytes: Buffer): Promise<string> {
  const { created, patch, mediaId } = await upload(user, filetype, bytes);
  expect(created.statusCode, created.body).toBe(201);
  expect(patch?.statusCode, patch?.body).toBe(204);
  expect(mediaId).toMatch(/^me_[A-Za-z0-9_-]{22}$/);
  return mediaId!;
}

const post = (user: TestUser, media: string[], title = 'Fox in the garden') =>
  user.raw('POST', '/api/posts', { category: 'community', title, body: 'Seen at dusk.', media });

const get = (user: TestUser, url: string, headers: Record<string, string> = {}) =>
  t.app.inject({
    method: 'GET',
    url,
    headers: { cookie: [...user.jar].map(([k, v]) => `${k}=${v}`).join('; '), ...headers },
  });

async function blobKeys(mediaId: string): Promise<string[]> {
  const r = await t.database.db.query<{
    blob_key: string | null;
    thumb_key: string | null;
    source_key: string | null;
  }>('SELECT blob_key, thumb_key, source_key FROM media WHERE id = $1', [mediaId]);
  const row = r.rows[0]!;
  return [row.blob_key, row.thumb_key, row.source_key].filter((k): k is string => k !== null);
}

describe('photos in posts', () => {
  it('re-encodes a photo uploaded over tus: upright, capped, and no EXIF or GPS left in what is served', async () => {
    const [alice, bob] = [await makeUser(t), await makeUser(t)];
    // A 3000×2000 photo taken with the phone turned (EXIF orientation 6), with the GPS position of the garden.
    const photo = await jpegWithGps(GPS, { width: 3000, height: 2000 }, 6);
    expect(exifGps(photo)).toEqual({
      lat: expect.closeTo(GPS.lat, 4) as number,
      lng: expect.closeTo(GPS.lng, 4) as number,
    });
    const id = await uploaded(alice, 'image/jpeg', photo);
    // The raw upload is gone from the blob store: only the two re-encoded files are kept.
    const keys = await blobKeys(id);
    expect(keys).toHaveLength(2);
    expect((await t.deps.blobs!.list()).sort()).toEqual(expect.arrayContaining(keys));

    const created = await post(alice, [id]);
    expect(created.statusCode, created.body).toBe(201);
    const p = created.json<{
      id: string;
      media: {
        id: string;
        kind: string;
        status: string;
        url: string;
        thumbnailUrl: string;
        width: number;
        height: number;
      }[];
    }>();
    expect(p.media).toEqual([
      expect.objectContaining({ id, kind: 'image', status: 'ready', width: 1365, height: 2048 }),
    ]);

    // A neighbour reads the post in the feed and opens the photo.
    const feed = await bob.api.GET('/api/feed', { params: { query: { limit: 50 } } });
    const inFeed = feed.data!.items.find((x) => x.id === p.id)!;
    expect(inFeed.media[0]!.url).toBe(`/api/media/${id}`);
    const full = await get(bob, inFeed.media[0]!.url);
    expect(full.statusCode).toBe(200);
    expect(full.headers['content-type']).toBe('image/jpeg');
    const served = full.rawPayload;
    expect(jpegSegments(served).filter((s) => s.marker >= 0xffe1 && s.marker <= 0xffef)).toEqual([]);
    expect(exifGps(served)).toBeUndefined();
    expect(served.includes(Buffer.from('Exif'))).toBe(false);
    expect(served.includes(Buffer.from('PorchlightTestCam'))).toBe(false);
    const meta = await sharp(served).metadata();
    expect([meta.width, meta.height, meta.exif, meta.xmp, meta.orientation]).toEqual([
      1365,
      2048,
      undefined,
      undefined,
      undefined,
    ]);

    const thumb = await get(bob, inFeed.media[0]!.thumbnailUrl);
    expect(thumb.statusCode).toBe(200);
    const tm = await sharp(thumb.rawPayload).metadata();
    expect([tm.width, tm.height, tm.exif]).toEqual([320, 480, undefined]);
  });

  it('refuses a file whose bytes are not what it claims, a corrupt photo and an oversized one, keeping nothing', async () => {
    const alice = await makeUser(t);
    const before = await t.deps.blobs!.list();
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n'.repeat(20));
    const wrong = await upload(alice, 'image/jpeg', pdf);
    expect(wrong.patch!.statusCode, wrong.patch!.body).toBe(415);
    expect(wrong.patch!.json()).toMatchObject({
      code: 'unsupported_media_type',
      detail: expect.stringContaining('not a JPEG, PNG, WebP or HEIC photo') as string,
    });

    const photo = await jpegWithGps(GPS);
    const corrupt = Buffer.concat([photo.subarray(0, 600), Buffer.alloc(4000, 0x42)]);
    const bad = await upload(alice, 'image/jpeg', corrupt);
    expect(bad.patch!.statusCode, bad.patch!.body).toBe(422);
    expect(bad.patch!.json()).toMatchObject({ code: 'media_unreadable' });

    const video = await upload(alice, 'video/mp4', photo);
    expect(video.patch!.statusCode).toBe(415);
    expect(video.patch!.json<{ detail: string }>().detail).toContain('it is a image');

    const big = await upload(alice, 'image/jpeg', photo, 16 * 1024 * 1024);
    expect(big.created.statusCode).toBe(413);
    expect(big.created.json()).toMatchObject({
      code: 'payload_too_large',
      errors: [{ field: '/headers/upload-length' }],
      detail: 'a photo may be at most 15 MB; this one is 16 MB',
    });
    const gif = await upload(alice, 'image/gif', photo);
    expect(gif.created.statusCode).toBe(415);
    expect(gif.created.json()).toMatchObject({ errors: [{ field: '/headers/upload-metadata/filetype' }] });

    expect(await t.deps.blobs!.list()).toEqual(before);
    const rows = await t.database.db.query<{ n: number }>(
      'SELECT (SELECT count(*) FROM media WHERE owner_id = $1)::int + (SELECT count(*) FROM media_uploads WHERE owner_id = $1)::int AS n',
      [alice.id],
    );
    expect(rows.rows[0]!.n).toBe(0);
  });

  it('takes only the author’s own, unused media ids, at most four', async () => {
    const [alice, mallory] = [await makeUser(t), await makeUser(t)];
    const photo = await jpegWithGps(GPS);
    const hers = await uploaded(alice, 'image/jpeg', photo);
    const stolen = await post(mallory, [hers]);
    expect(stolen.statusCode).toBe(400);
    expect(stolen.json()).toMatchObject({
      errors: [{ field: '/body/media/0', message: 'is not a photo or video you uploaded' }],
    });
    expect((await get(mallory, `/api/media/${hers}`)).statusCode).toBe(404);
    expect((await get(alice, `/api/media/${hers}`)).statusCode).toBe(200);

    expect((await post(alice, [hers])).statusCode).toBe(201);
    const again = await post(alice, [hers], 'Same fox again');
    expect(again.statusCode).toBe(400);
    expect(again.json()).toMatchObject({
      errors: [{ field: '/body/media/0', message: 'is already in a post' }],
    });
    const five = await post(
      alice,
      ['a', 'b', 'c', 'd', 'e'].map((c) => `me_${c.repeat(22)}`),
    );
    expect(five.statusCode).toBe(400);
    expect(five.body).toContain('/body/media');
  });

  it('stops serving the media of a hidden post, and deletes the blobs of a deleted one', async () => {
    const [alice, bob] = [await makeUser(t), await makeUser(t)];
    const mod = await makeUser(t, { role: 'moderator' });
    const photo = await jpegWithGps(GPS);
    const [a, b] = [await uploaded(alice, 'image/jpeg', photo), await uploaded(alice, 'image/jpeg', photo)];
    const hiddenPost = (await post(alice, [a], 'Hidden later')).json<{ id: string }>();
    const deletedPost = (await post(alice, [b], 'Deleted later')).json<{ id: string }>();
    expect((await get(bob, `/api/media/${a}`)).statusCode).toBe(200);

    await bob.api.POST('/api/posts/{id}/reports', {
      params: { path: { id: hiddenPost.id } },
      body: { reason: 'Shows a neighbour’s house number' },
    });
    const hide = await mod.api.POST('/api/moderation/posts/{id}/decisions', {
      params: { path: { id: hiddenPost.id } },
      body: { action: 'hide', reason: 'Shows a house number' },
    });
    expect(hide.response.status, JSON.stringify(hide.error)).toBe(200);
    expect((await get(bob, `/api/media/${a}`)).statusCode).toBe(404);
    expect((await get(bob, `/api/media/${a}/thumbnail`)).statusCode).toBe(404);
    expect((await get(alice, `/api/media/${a}`)).statusCode).toBe(404);

    const keys = await blobKeys(b);
    expect((await get(bob, `/api/media/${b}`)).statusCode).toBe(200);
    expect((await alice.raw('DELETE', `/api/posts/${deletedPost.id}`)).statusCode).toBe(204);
    expect((await get(bob, `/api/media/${b}`)).statusCode).toBe(404);
    expect((await get(alice, `/api/media/${b}`)).statusCode).toBe(404);
    await t.services.jobs.runDue(quiet);
    const left = await t.deps.blobs!.list();
    for (const k of keys) expect(left).not.toContain(k);
  });
});

describe('video in posts', () => {
  it('transcodes on the job queue to H.264/AAC MP4 with no location or other metadata, and serves byte ranges', async () => {
    const [alice, bob] = [await makeUser(t), await makeUser(t)];
    const source = await videoWithLocation(path.join(dir, 'garden.mov'), { size: '1920x1080' });
    expect(source.includes(Buffer.from('\xa9xyz', 'latin1'))).toBe(true);
    const id = await uploaded(alice, 'video/quicktime', source);
    const created = await post(alice, [id], 'Fox on video');
    expect(created.statusCode, created.body).toBe(201);
    const p = created.json<{ id: string; media: { status: string }[] }>();
    expect(p.media[0]!.status).toBe('processing');
    expect((await get(bob, `/api/media/${id}`)).statusCode).toBe(404);
    const jobs = await t.database.db.query<{ kind: string }>('SELECT kind FROM jobs WHERE key = $1', [id]);
    expect(jobs.rows.map((j) => j.kind)).toEqual(['media.transcode']);

    await t.services.jobs.runDue(quiet);
    const read = await bob.api.GET('/api/posts/{id}', { params: { path: { id: p.id } } });
    expect(read.data!.media[0]).toMatchObject({ status: 'ready', kind: 'video', width: 1280, height: 720 });

    const full = await get(bob, `/api/media/${id}`);
    expect(full.statusCode).toBe(200);
    expect(full.headers['content-type']).toBe('video/mp4');
    expect(full.headers['accept-ranges']).toBe('bytes');
    const mp4 = full.rawPayload;
    const file = path.join(dir, 'served.mp4');
    await writeFile(file, mp4);
    const probe = await ffprobe(file);
    expect(probe.streams.map((s) => `${s.codec_type}:${s.codec_name}`)).toEqual(['video:h264', 'audio:aac']);
    expect(Number(probe.format.duration)).toBeCloseTo(3, 0);
    expect(
      Object.keys(probe.format.tags ?? {}).filter(
        (k) => !['major_brand', 'minor_version', 'compatible_brands'].includes(k),
      ),
    ).toEqual([]);
    // Per stream only what the MP4 structure itself holds (language, handler, the codec's compressor name).
    for (const s of probe.streams)
      expect(
        Object.entries(s.tags ?? {}).filter(
          ([k, v]) =>
            !['language', 'handler_name', 'vendor_id'].includes(k) &&
            !(k === 'encoder' && v === 'Lavc libx264'),
        ),
      ).toEqual([]);
    for (const needle of ['\xa9xyz', '+45.5152', 'Secret camera title', 'Lavf'])
      expect(mp4.includes(Buffer.from(needle, 'latin1')), needle).toBe(false);
    // +faststart: the index (moov) comes before the media data, so playback starts before the download ends.
    expect(mp4.indexOf('moov')).toBeLessThan(mp4.indexOf('mdat'));

    const part = await get(bob, `/api/media/${id}`, { range: 'bytes=1000-1999' });
    expect(part.statusCode).toBe(206);
    expect(part.headers['content-range']).toBe(`bytes 1000-1999/${mp4.length}`);
    expect(part.rawPayload.equals(mp4.subarray(1000, 2000))).toBe(true);
    expect((await get(bob, `/api/media/${id}`, { range: `bytes=${mp4.length}-` })).statusCode).toBe(416);

    const poster = await get(bob, `/api/media/${id}/thumbnail`);
    expect(poster.headers['content-type']).toBe('image/jpeg');
    expect((await sharp(poster.rawPayload).metadata()).exif).toBeUndefined();
    // The source upload is gone; only the MP4 and its poster remain.
    expect(await blobKeys(id)).toHaveLength(2);
    const stored = await t.deps.blobs!.list();
    const uploadIds = await t.database.db.query<{ id: string }>(
      'SELECT id FROM media_uploads WHERE media_id = $1',
      [id],
    );
    expect(stored).not.toContain(uploadIds.rows[0]!.id);
  });

  it('refuses a video over three minutes and one that is not a video, and tells the author when a transcode fails', async () => {
    const alice = await makeUser(t);
    const long = await videoWithLocation(path.join(dir, 'long.mp4'), {
      seconds: 185,
      size: '64x64',
      rate: 2,
      format: 'mp4',
    });
    const tooLong = await upload(alice, 'video/mp4', long);
    expect(tooLong.patch!.statusCode, tooLong.patch!.body).toBe(422);
    expect(tooLong.patch!.json()).toMatchObject({
      code: 'video_too_long',
      detail: expect.stringContaining('3:05') as string,
    });

    const fake = Buffer.concat([
      Buffer.from([0, 0, 0, 0x18]),
      Buffer.from('ftypisom'),
      Buffer.alloc(5000, 7),
    ]);
    const unreadable = await upload(alice, 'video/mp4', fake);
    expect(unreadable.patch!.statusCode).toBe(422);
    expect(unreadable.patch!.json()).toMatchObject({ code: 'media_unreadable' });

    // A video that probes fine but whose source is damaged before the transcode runs: the job marks it failed.
    const ok = await videoWithLocation(path.join(dir, 'short.mp4'), {
      seconds: 2,
      size: '320x240',
      format: 'mp4',
    });
    const id = await uploaded(alice, 'video/mp4', ok);
    const p = (await post(alice, [id], 'A video that will fail')).json<{ id: string }>();
    const src = await t.database.db.query<{ source_key: string }>(
      'SELECT source_key FROM media WHERE id = $1',
      [id],
    );
    await t.deps.blobs!.write(src.rows[0]!.source_key, { buffer: Buffer.alloc(4000, 1) });
    await t.services.jobs.runDue(quiet);
    const mine = await alice.api.GET('/api/posts/{id}', { params: { path: { id: p.id } } });
    expect(mine.data!.media[0]).toMatchObject({
      status: 'failed',
      error: expect.stringContaining('could not be read') as string,
    });
    const bob = await makeUser(t);
    const theirs = await bob.api.GET('/api/posts/{id}', { params: { path: { id: p.id } } });
    expect(theirs.data!.media).toEqual([]);
    expect(await blobKeys(id)).toEqual([]);
  }, 60_000);
});
