import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { probeVideo } from '../src/ffmpeg.js';
import { FolderSource, patternMatcher } from '../src/sources/folder.js';
import { FrigateSource } from '../src/sources/frigate.js';
import { HomeAssistantSource } from '../src/sources/homeassistant.js';
import { RtspSource } from '../src/sources/rtsp.js';
import type { Source } from '../src/sources/source.js';
import { recordingContext } from './support/context.js';
import { makeTestClip, startFakeFrigate } from './support/fake-frigate.js';
import { publishTestStream, startRtspRelay } from './support/rtsp-server.js';

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});
const started = async (s: Source, ctx: Awaited<ReturnType<typeof recordingContext>>) => {
  await s.start(ctx);
  cleanup.push(() => s.stop());
};

describe('watched folder', () => {
  it('matches file patterns', () => {
    const m = patternMatcher('*.mp4');
    expect([m('a.mp4'), m('A.MP4'), m('a.mp4.part'), m('a.mkv')]).toEqual([true, true, false, false]);
  });

  it('takes a file once it is stable, skips an unreadable one with a clear error, and ignores other names', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'hub-folder-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    const clip = path.join(dir, 'src.bin');
    await makeTestClip(clip, 2, 320, 180);
    const ctx = await recordingContext();
    await started(new FolderSource({ type: 'folder', path: dir, camera: 'cam-9', stableMs: 300 }), ctx);

    await writeFile(path.join(dir, 'broken.mp4'), 'this is not a video');
    await writeFile(path.join(dir, 'notes.txt'), 'ignored');
    await copyFile(clip, path.join(dir, 'porch-1.mp4'));
    const [taken] = await ctx.next(1);
    expect(taken).toMatchObject({
      source: 'folder',
      cameraId: 'cam-9',
      input: path.join(dir, 'porch-1.mp4'),
      ownsInput: false,
    });
    expect(Date.parse(taken!.endedAt) - Date.parse(taken!.startedAt)).toBeCloseTo(2000, -2);
    await new Promise((r) => setTimeout(r, 800));
    expect(ctx.clips).toHaveLength(1);
    const errors = ctx.lines.filter((l) => l.startsWith('error:'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/broken\.mp4 is not a video ffmpeg can read .* — skipped/);
  });

  it('does not take a file while it is still being written', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'hub-folder-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    const ctx = await recordingContext();
    await started(new FolderSource({ type: 'folder', path: dir, camera: 'cam-9', stableMs: 1500 }), ctx);
    const file = path.join(dir, 'growing.mp4');
    await writeFile(file, '');
    for (let i = 0; i < 5; i++) {
      await writeFile(file, Buffer.alloc(1000 * (i + 1)));
      await new Promise((r) => setTimeout(r, 300));
    }
    expect(ctx.clips).toHaveLength(0);
    await makeTestClip(file, 1, 160, 120);
    const [taken] = await ctx.next(1);
    expect((await probeVideo(taken!.input!)).durationSeconds).toBeCloseTo(1, 0);
  });
});

describe('Home Assistant webhook and RTSP capture', () => {
  it('records the named RTSP camera when Home Assistant calls the webhook with the right token', async () => {
    const relay = await startRtspRelay();
    cleanup.push(() => relay.close());
    const publisher = publishTestStream(relay.url);
    cleanup.push(() => Promise.resolve(publisher.kill()));
    await relay.publishing();

    const ctx = await recordingContext();
    const camera = new RtspSource({
      type: 'rtsp',
      camera: 'cam-7',
      name: 'front_door',
      url: relay.url,
      seconds: 2,
    });
    const webhook = new HomeAssistantSource(
      { type: 'homeassistant', listen: '127.0.0.1:0', path: '/porchlight', token: 'a-long-webhook-secret' },
      [camera],
    );
    await started(camera, ctx);
    await started(webhook, ctx);
    const url = `http://127.0.0.1:${webhook.address!.port}/porchlight`;
    const call = (body: unknown, token = 'a-long-webhook-secret') =>
      fetch(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });

    expect((await call({ camera: 'front_door' }, 'wrong-token')).status).toBe(401);
    const unknown = await call({ camera: 'garage' });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: 'no camera "garage"; known: front_door' });
    expect((await call({ camera: 'front_door', seconds: 0 })).status).toBe(400);
    expect(ctx.clips).toHaveLength(0);

    const ok = await call({ camera: 'front_door', seconds: 2 });
    expect(ok.status).toBe(202);
    const [clip] = await ctx.next(1);
    expect(clip).toMatchObject({ source: 'rtsp', cameraId: 'cam-7', ownsInput: true });
    const info = await probeVideo(clip!.input!);
    expect(info).toMatchObject({ width: 320, height: 240, videoCodec: 'h264' });
    expect(info.durationSeconds).toBeGreaterThan(1.5);
  });

  it('asks Frigate to record an event when Home Assistant names a camera Frigate records', async () => {
    const frigate = await startFakeFrigate({ version: '0.16.2-3f1b2c4' });
    cleanup.push(() => frigate.close());
    const ctx = await recordingContext();
    const nvr = new FrigateSource({
      type: 'frigate',
      url: frigate.url,
      mqtt: frigate.mqttUrl!,
      cameras: { driveway: 'cam-3' },
      pollSeconds: 0,
    });
    const webhook = new HomeAssistantSource(
      { type: 'homeassistant', listen: '127.0.0.1:0', token: 'a-long-webhook-secret' },
      [],
      [nvr],
    );
    await started(nvr, ctx);
    await started(webhook, ctx);
    await frigate.subscribed();
    const res = await fetch(`http://127.0.0.1:${webhook.address!.port}/porchlight`, {
      method: 'POST',
      headers: { authorization: 'Bearer a-long-webhook-secret', 'content-type': 'application/json' },
      body: JSON.stringify({ camera: 'driveway', seconds: 3 }),
    });
    expect(res.status).toBe(202);
    expect(frigate.requests).toContain('/api/events/driveway/porchlight/create');
    const [clip] = await ctx.next(1);
    expect(clip).toMatchObject({ ref: `frigate:${frigate.reviews[0]!.id}`, cameraId: 'cam-3' });
    // A camera name that only exists on Frigate's prototype chain is not a camera.
    const bogus = await fetch(`http://127.0.0.1:${webhook.address!.port}/porchlight`, {
      method: 'POST',
      headers: { authorization: 'Bearer a-long-webhook-secret', 'content-type': 'application/json' },
      body: JSON.stringify({ camera: 'constructor' }),
    });
    expect(bogus.status).toBe(404);
  });

  it('names the camera URL (without its password) when a recording fails', async () => {
    const ctx = await recordingContext();
    const camera = new RtspSource({
      type: 'rtsp',
      camera: 'cam-7',
      url: 'rtsp://admin:hunter2@127.0.0.1:9/stream',
      seconds: 1,
    });
    await started(camera, ctx);
    const err = await camera.capture().catch((e: unknown) => e as Error);
    expect(String(err)).toContain('could not record from rtsp://admin:***@127.0.0.1:9/stream');
    expect(String(err)).not.toContain('hunter2');
  });
});
