import http from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { probeVideo } from '../src/ffmpeg.js';
import type { ClipRecord } from '../src/journal.js';
import { FrigateSource, type FrigateSourceConfig } from '../src/sources/frigate.js';
import { ClipNotReady } from '../src/sources/frigate-clip.js';
import type { NewClip } from '../src/sources/source.js';
import { recordingContext } from './support/context.js';
import { startFakeFrigate, type FakeFrigate } from './support/fake-frigate.js';

/**
 * Every review, whole, once — against the fake Frigate rebuilt per version from Frigate's source
 * (0.14, 0.15–0.16 and 0.17+ differ in `/api/review`'s `reviewed` and time filters, the clip cache and
 * the "no recordings" answer).
 */
const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

async function frigateAt(options: Parameters<typeof startFakeFrigate>[0]) {
  const f = await startFakeFrigate(options);
  cleanup.push(() => f.close());
  return f;
}

async function sourceFor(
  frigate: FakeFrigate | string,
  extra: Partial<FrigateSourceConfig> = {},
  stateDir?: string,
) {
  const source = new FrigateSource({
    type: 'frigate',
    url: typeof frigate === 'string' ? frigate : frigate.url,
    cameras: { front_door: 'cam-1' },
    pollSeconds: 3600,
    ...extra,
  });
  const ctx = await recordingContext();
  if (stateDir) ctx.stateDir = stateDir;
  await source.start(ctx);
  cleanup.push(() => source.stop());
  return { source, ctx };
}

const recordOf = (clip: NewClip, waits = 0, extra: Partial<ClipRecord> = {}): ClipRecord => ({
  ...clip,
  stage: 'queued',
  attempts: 0,
  waits,
  updatedAt: '',
  ...extra,
});

const VERSIONS = ['0.14.1-f4f3cfa', '0.16.2-4d58206', '0.17.0-5b1d2a4'];

describe('Frigate reviews, per version', () => {
  for (const version of VERSIONS) {
    it(`uploads a review the owner already marked reviewed in Frigate's UI (Frigate ${version})`, async () => {
      const frigate = await frigateAt({ version, mqtt: false });
      const seen = await frigate.addReview({ seconds: 2, reviewed: true });
      const { ctx } = await sourceFor(frigate);
      const clips = await ctx.next(1);
      expect(clips.map((c) => c.ref)).toEqual([`frigate:${seen.id}`]);
      const query = frigate.requests.find((r) => r.startsWith('/api/review?'))!;
      // 0.14–0.16 hide reviewed items unless reviewed=1; from 0.17 reviewed=1 would mean "only reviewed".
      expect(new URL(query, 'http://x').searchParams.get('reviewed')).toBe(
        version.startsWith('0.17') ? null : '1',
      );
    });
  }

  it('finds a review whose MQTT `end` message was dropped, by the catch-up poll', async () => {
    const frigate = await frigateAt({ version: '0.16.2-4d58206' });
    const { source, ctx } = await sourceFor(frigate, { mqtt: frigate.mqttUrl! });
    await frigate.subscribed();
    const dropped = await frigate.addReview({ seconds: 2, dropEnd: true });
    await new Promise((r) => setTimeout(r, 300));
    expect(ctx.clips).toHaveLength(0);
    await source.pollOnce(ctx);
    expect(ctx.clips.map((c) => c.ref)).toEqual([`frigate:${dropped.id}`]);
  });

  it('after a restart, finds every review that ended while the hub was down — a long one that began hours before too (0.14 filters start_time > after)', async () => {
    const stateDir = await mkdtemp(path.join(os.tmpdir(), 'hub-cursor-'));
    cleanup.push(() => rm(stateDir, { recursive: true, force: true }));
    const frigate = await frigateAt({ version: '0.14.1-f4f3cfa', mqtt: false });
    const first = await frigate.addReview({ seconds: 2 });
    const before = await sourceFor(frigate, {}, stateDir);
    await before.ctx.next(1);
    await before.source.stop();

    // While the hub is off: a three-hour review ends, and a short one.
    const long = await frigate.addReview({ seconds: 3 * 3600, clipSeconds: 2, endedSecondsAgo: 30 });
    const short = await frigate.addReview({ seconds: 2 });
    const after = await sourceFor(frigate, {}, stateDir);
    const wanted = [`frigate:${long.id}`, `frigate:${short.id}`];
    const deadline = Date.now() + 10_000;
    while (!wanted.every((w) => after.ctx.clips.some((c) => c.ref === w)) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    const refs = after.ctx.clips.map((c) => c.ref);
    expect(refs).toEqual(expect.arrayContaining([`frigate:${long.id}`, `frigate:${short.id}`]));
    // The first review may be read again (the cursor trails by two minutes); the hub's journal ignores it.
    expect(refs.filter((r) => r !== `frigate:${first.id}`)).toHaveLength(2);
  });

  it('waits for the last recording segment instead of taking a clip that ends early, and marks it partial if it never comes', async () => {
    const frigate = await frigateAt({ version: '0.14.1-f4f3cfa', mqtt: false });
    // Frigate flushes the last segment only after the hub has seen it missing twice — whatever the machine's speed.
    const slow = await frigate.addReview({ seconds: 14, lastSegmentAfterLooks: 2 });
    // Another camera: recordings are per camera, and this one's last segment never arrives.
    const never = await frigate.addReview({ camera: 'garage', seconds: 14, lastSegmentAfterLooks: 1e9 });
    const { source, ctx } = await sourceFor(frigate, {
      cameras: { front_door: 'cam-1', garage: 'cam-2' },
      clipRetryDelays: [500, 500],
    });
    const clips = await ctx.next(2);
    const slowClip = clips.find((c) => c.ref === `frigate:${slow.id}`)!;
    const neverClip = clips.find((c) => c.ref === `frigate:${never.id}`)!;

    const first = await source.fetcher(recordOf(slowClip), ctx.workDir).catch((err: unknown) => err);
    expect(first).toBeInstanceOf(ClipNotReady);
    expect(first).toMatchObject({ retryAfterMs: 500, wait: { waits: 1 } });
    await expect(source.fetcher(recordOf(slowClip, 1), ctx.workDir)).rejects.toThrow(
      /recording stops [\d.]+ s before the end of review .*waiting for its last segment/,
    );
    // No clip was downloaded while it was short — so 0.14's one-hour clip cache cannot hold a short one.
    expect(frigate.requests.filter((r) => r.endsWith('clip.mp4'))).toHaveLength(0);
    // Frigate has flushed the segment: the next look gets the whole clip.
    const whole = await source.fetcher(recordOf(slowClip, 2), ctx.workDir);
    expect(whole.note).toBeUndefined();
    expect((await probeVideo(whole.file)).durationSeconds).toBeCloseTo(14, 0);

    // After the last wait the clip goes up as it is, marked partial.
    await expect(source.fetcher(recordOf(neverClip, 1), ctx.workDir)).rejects.toThrow(ClipNotReady);
    const partial = await source.fetcher(recordOf(neverClip, 2), ctx.workDir);
    expect(partial.note).toMatch(/^partial: Frigate's recording ends [\d.]+ s before the review's end$/);
    expect((await probeVideo(partial.file)).durationSeconds).toBeCloseTo(4, 0);
  });

  it('counts "not ready" waits apart from network failures, and starts the wait over when the recording grew', async () => {
    const frigate = await frigateAt({ version: '0.14.1-f4f3cfa', mqtt: false, failRecordings: 1 });
    const review = await frigate.addReview({ seconds: 14, lastSegmentAfterLooks: 1e9 });
    const { source, ctx } = await sourceFor(frigate, { clipRetryDelays: [500, 500] });
    const [clip] = await ctx.next(1);
    // Frigate (or a proxy in front of it) fails: a plain error naming Frigate and the URL, for the hub's
    // network backoff — not a wait, and no clip is taken without knowing whether it is whole.
    const failed = await source.fetcher(recordOf(clip!), ctx.workDir).catch((err: unknown) => err);
    expect(failed).not.toBeInstanceOf(ClipNotReady);
    expect((failed as Error).message).toMatch(
      new RegExp(
        `^Frigate at ${frigate.url}: GET ${frigate.url}/api/front_door/recordings\\?.* answered 502$`,
      ),
    );
    expect(frigate.requests.filter((r) => r.endsWith('clip.mp4'))).toHaveLength(0);
    // Ten network failures before: still the first wait, not the last.
    const waited = await source
      .fetcher(recordOf(clip!, 0, { attempts: 10 }), ctx.workDir)
      .catch((e: unknown) => e);
    expect(waited).toBeInstanceOf(ClipNotReady);
    const reach = (waited as ClipNotReady).wait.reach!;
    expect((waited as ClipNotReady).wait.waits).toBe(1);
    expect(reach).toBeLessThan(review.end_time!);
    // The schedule has run out, but the recording reached further than at the last look: wait again.
    const grew = await source
      .fetcher(recordOf(clip!, 2, { reach: reach - 10 }), ctx.workDir)
      .catch((e: unknown) => e);
    expect(grew).toBeInstanceOf(ClipNotReady);
    expect(grew).toMatchObject({ wait: { waits: 1, reach } });
    // The schedule has run out and nothing grew: partial.
    const partial = await source.fetcher(recordOf(clip!, 2, { reach }), ctx.workDir);
    expect(partial.note).toMatch(/^partial: /);
  });

  for (const [version, answer] of [
    ['0.14.1-f4f3cfa', 'answered 500'],
    ['0.16.2-4d58206', 'answered an empty clip'],
    ['0.17.0-5b1d2a4', 'answered 400'],
  ] as const) {
    it(`understands Frigate ${version}'s "no recordings" answer: not ready, then a clear failure`, async () => {
      const frigate = await frigateAt({ version, mqtt: false });
      const review = await frigate.addReview({ seconds: 5, missingLastSegment: 100 });
      const { source, ctx } = await sourceFor(frigate, { clipRetryDelays: [50] });
      const [clip] = await ctx.next(1);
      await expect(source.fetcher(recordOf(clip!), ctx.workDir)).rejects.toThrow(ClipNotReady);
      const final = source.fetcher(recordOf(clip!, 1), ctx.workDir);
      await expect(final).rejects.toThrow(
        new RegExp(`Frigate has no recording for review ${review.id} \\(.*${answer}\\)`),
      );
      await expect(final).rejects.toMatchObject({ code: 'unreadable' });
    });
  }

  it('says once per camera that Frigate has recording disabled, and fails its clips with that reason', async () => {
    const frigate = await frigateAt({
      version: '0.16.2-4d58206',
      mqtt: false,
      recordingDisabled: ['front_door'],
    });
    await frigate.addReview({ seconds: 2 });
    await frigate.addReview({ seconds: 2 });
    const { source, ctx } = await sourceFor(frigate);
    const clips = await ctx.next(2);
    for (const clip of clips) {
      await expect(source.fetcher(recordOf(clip), ctx.workDir)).rejects.toThrow(
        /recording is disabled for camera "front_door" in Frigate/,
      );
    }
    const warnings = ctx.lines.filter((l) => l.includes('recording is disabled'));
    expect(warnings).toEqual([
      `warning: recording is disabled for camera "front_door" in Frigate at ${frigate.url}, so its reviews have no clips to upload; set record: enabled: true for it in Frigate's config`,
    ]);
  });

  it('warns about a camera name Frigate does not have', async () => {
    const frigate = await frigateAt({ mqtt: false });
    const { ctx } = await sourceFor(frigate, { cameras: { frontdoor: 'cam-1' } });
    expect(ctx.lines).toContain(
      `warning: Frigate at ${frigate.url} has no camera "frontdoor" (it has: front_door, garage); fix the name in the frigate "cameras" map`,
    );
  });

  it('waits for the MQTT broker when it is down at start, saying so, and polls meanwhile', async () => {
    const frigate = await frigateAt({ mqtt: false });
    const review = await frigate.addReview({ seconds: 2 });
    const { ctx } = await sourceFor(frigate, { mqtt: 'mqtt://127.0.0.1:9' });
    expect((await ctx.next(1)).map((c) => c.ref)).toEqual([`frigate:${review.id}`]);
    const deadline = Date.now() + 5000;
    while (!ctx.lines.some((l) => l.includes('waiting for the MQTT broker')) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(ctx.lines.find((l) => l.includes('waiting for the MQTT broker'))).toMatch(
      /^warning: waiting for the MQTT broker at mqtt:\/\/127\.0\.0\.1:9 \(.*\); reviews are found by polling Frigate meanwhile$/,
    );
  });

  it('waits for Frigate when it is down at start (after a power cut), saying so, then carries on', async () => {
    const free = async () => {
      const probe = http.createServer();
      await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
      const port = (probe.address() as AddressInfo).port;
      await new Promise((resolve) => probe.close(resolve));
      return port;
    };
    const [port, mqttPort] = [await free(), await free()];
    const { ctx } = await sourceFor(`http://127.0.0.1:${port}`, {
      mqtt: `mqtt://127.0.0.1:${mqttPort}`,
      pollSeconds: 0,
    });
    expect(ctx.lines).toContain(
      `warning: waiting for Frigate: cannot reach Frigate at http://127.0.0.1:${port} (ECONNREFUSED); check the frigate "url" in the config; retrying until it answers`,
    );
    // Power comes back: Frigate and its broker start after the hub.
    const frigate = await frigateAt({ port, mqttPort });
    await frigate.subscribed();
    const review = await frigate.addReview({ seconds: 2 });
    const clips = await ctx.next(1);
    expect(clips.map((c) => c.ref)).toEqual([`frigate:${review.id}`]);
    expect(ctx.lines.some((l) => l.startsWith('[frigate] Frigate 0.14'))).toBe(true);
  });
});
