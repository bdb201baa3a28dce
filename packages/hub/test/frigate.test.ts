import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { probeVideo } from '../src/ffmpeg.js';
import type { ClipRecord } from '../src/journal.js';
import { FrigateSource, clipPath, parseFrigateVersion } from '../src/sources/frigate.js';
import { recordingContext } from './support/context.js';
import { startFakeFrigate, type FakeFrigate } from './support/fake-frigate.js';

let frigate: FakeFrigate | undefined;
let source: FrigateSource | undefined;
afterEach(async () => {
  await source?.stop();
  await frigate?.close();
  source = frigate = undefined;
});

const asRecord = (clip: { ref: string; fetch?: Record<string, string | number> }): ClipRecord => ({
  ...clip,
  source: 'frigate',
  cameraId: 'x',
  startedAt: '',
  endedAt: '',
  stage: 'queued',
  ownsInput: true,
  attempts: 0,
  updatedAt: '',
});

describe('Frigate source', () => {
  it('picks the clip endpoint by version', () => {
    expect(parseFrigateVersion('0.14.1-f4f3cfa')).toEqual([0, 14]);
    expect(parseFrigateVersion('<html>')).toBeUndefined();
    const r = {
      id: '1718987129.308396-fqk5ka',
      camera: 'front_door',
      start: 1718987129.3,
      end: 1718987141.5,
    };
    // One second past the end (Frigate cuts at whole seconds); each retry asks a different range, because
    // 0.14 caches a start/end clip for an hour and would serve the first, short one again.
    expect(clipPath([0, 17], r)).toBe('/api/front_door/start/1718987129.3/end/1718987142.5/clip.mp4');
    expect(clipPath([0, 14], r, 2)).toBe('/api/front_door/start/1718987129.3/end/1718987142.52/clip.mp4');
    expect(clipPath([0, 18], r)).toBe('/api/review/1718987129.308396-fqk5ka/clip.mp4');
  });

  for (const version of ['0.14.1-f4f3cfa', '0.18.0-8f2a1b3']) {
    it(`takes an ended review from MQTT frigate/reviews and downloads its clip (Frigate ${version})`, async () => {
      frigate = await startFakeFrigate({ version });
      source = new FrigateSource({
        type: 'frigate',
        url: frigate.url,
        mqtt: frigate.mqttUrl!,
        cameras: { front_door: 'cam-1' },
        pollSeconds: 0,
      });
      const ctx = await recordingContext();
      await source.start(ctx);
      await frigate.subscribed();
      await frigate.addReview({ camera: 'garage', seconds: 3 }); // not mapped: ignored
      const review = await frigate.addReview({ camera: 'front_door', seconds: 4, severity: 'detection' });
      const [clip] = await ctx.next(1);
      expect(ctx.clips).toHaveLength(1);
      expect(clip).toMatchObject({
        ref: `frigate:${review.id}`,
        cameraId: 'cam-1',
        startedAt: new Date(review.start_time * 1000).toISOString(),
      });

      const { file } = await source.fetcher(asRecord(clip!), ctx.workDir);
      expect((await probeVideo(file)).durationSeconds).toBeCloseTo(4, 0);
      const clipRequests = frigate.requests.filter((r) => r.endsWith('clip.mp4'));
      expect(clipRequests).toEqual([
        version.startsWith('0.18')
          ? `/api/review/${review.id}/clip.mp4`
          : `/api/front_door/start/${review.start_time}/end/${Math.round((review.end_time! + 1) * 100) / 100}/clip.mp4`,
      ]);
    });
  }

  it('finds ended reviews by polling /api/review when there is no MQTT', async () => {
    frigate = await startFakeFrigate({ mqtt: false });
    const review = await frigate.addReview({ seconds: 2 });
    await frigate.addReview({ seconds: 2, severity: 'detection' });
    source = new FrigateSource({
      type: 'frigate',
      url: frigate.url,
      cameras: { front_door: 'cam-1' },
      severity: ['alert'],
      pollSeconds: 3600,
    });
    const ctx = await recordingContext();
    await source.start(ctx);
    const clips = await ctx.next(1);
    expect(clips.map((c) => c.ref)).toEqual([`frigate:${review.id}`]);
    expect(frigate.requests.some((r) => r.startsWith('/api/review?cameras=front_door&after='))).toBe(true);
  });

  it('says what is wrong with a Frigate URL that points elsewhere', async () => {
    const other = http.createServer((_req, res) =>
      res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>Home Assistant</title>'),
    );
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
    try {
      const wrong = new FrigateSource({ type: 'frigate', url, cameras: { a: 'b' } });
      await expect(wrong.detectVersion()).rejects.toThrow(
        `${url} does not look like Frigate: GET ${url}/api/version answered 200 text/html`,
      );
      // Frigate's authenticated port answers 401 without a session: say so, and what to use instead.
      const login = http.createServer((_req, res) => res.writeHead(401).end());
      await new Promise<void>((resolve) => login.listen(0, '127.0.0.1', resolve));
      const authUrl = `http://127.0.0.1:${(login.address() as AddressInfo).port}`;
      await expect(
        new FrigateSource({ type: 'frigate', url: authUrl, cameras: { a: 'b' } }).detectVersion(),
      ).rejects.toThrow(
        /asks for a login \(401\): that is its authenticated port \(8971\), which porchlight-hub does not support\. Use Frigate's internal API port, usually 5000/,
      );
      login.close();
    } finally {
      other.close();
    }
    // A port nothing listens on: bind one, then close it.
    const probe = http.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    const closed = new FrigateSource({
      type: 'frigate',
      url: `http://127.0.0.1:${port}`,
      cameras: { a: 'b' },
    });
    await expect(closed.detectVersion()).rejects.toThrow(
      `cannot reach Frigate at http://127.0.0.1:${port} (ECONNREFUSED)`,
    );
  });
});
