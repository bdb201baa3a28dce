import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { FrigateSource } from '../src/sources/frigate.js';
import { HomeAssistantSource } from '../src/sources/homeassistant.js';
import { RtspSource } from '../src/sources/rtsp.js';
import type { Source } from '../src/sources/source.js';
import { recordingContext } from './support/context.js';
import { publishTestStream, startRtspRelay } from './support/rtsp-server.js';

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});
const TOKEN = 'a-long-webhook-secret';
const caller = (port: number) => (body: unknown) =>
  fetch(`http://127.0.0.1:${port}/porchlight`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('Home Assistant webhook', () => {
  it('records again right after the current recording when triggered while the camera is recording', async () => {
    const relay = await startRtspRelay();
    cleanup.push(() => relay.close());
    const publisher = publishTestStream(relay.url);
    cleanup.push(() => Promise.resolve(publisher.kill()));
    await relay.publishing();
    const ctx = await recordingContext();
    const camera = new RtspSource({
      type: 'rtsp',
      camera: 'cam-7',
      name: 'porch',
      url: relay.url,
      seconds: 2,
    });
    const webhook = new HomeAssistantSource({ type: 'homeassistant', listen: '127.0.0.1:0', token: TOKEN }, [
      camera,
    ]);
    for (const s of [camera, webhook] as Source[]) {
      await s.start(ctx);
      cleanup.push(() => s.stop());
    }
    const call = caller(webhook.address!.port);
    const first = await call({ camera: 'porch', seconds: 2 });
    expect(await first.json()).toEqual({ recording: 'porch', seconds: 2 });
    // The doorbell rings again half a second later: before, this answered 202 and recorded nothing.
    await new Promise((r) => setTimeout(r, 500));
    const second = await call({ camera: 'porch', seconds: 3 });
    expect(second.status).toBe(202);
    expect(await second.json()).toEqual({ recording: 'porch', seconds: 3, startsAfterCurrent: true });
    const clips = await ctx.next(2);
    expect(clips).toHaveLength(2);
    expect(Date.parse(clips[1]!.startedAt)).toBeGreaterThanOrEqual(Date.parse(clips[0]!.endedAt) - 1000);
  });

  it(
    'answers Home Assistant within its 10-s timeout when Frigate is slow, and still creates the event',
    { timeout: 40_000 },
    async () => {
      // Frigate answers only once Home Assistant has had its answer: the webhook must not wait for it (and
      // this does not depend on how fast the machine is).
      let created = false;
      let release = () => {};
      const answered = new Promise<void>((resolve) => (release = resolve));
      const slowFrigate = http.createServer((req, res) => {
        void answered.then(() => {
          created = true;
          res
            .writeHead(200, { 'content-type': 'application/json' })
            .end(JSON.stringify({ success: true, event_id: '1718987129.3-abc' }));
        });
        req.resume();
      });
      await new Promise<void>((resolve) => slowFrigate.listen(0, '127.0.0.1', resolve));
      cleanup.push(async () => {
        slowFrigate.closeAllConnections();
        await new Promise((r) => slowFrigate.close(r));
      });
      const url = `http://127.0.0.1:${(slowFrigate.address() as AddressInfo).port}`;
      const ctx = await recordingContext();
      const nvr = new FrigateSource({ type: 'frigate', url, cameras: { driveway: 'cam-3' } });
      const webhook = new HomeAssistantSource(
        { type: 'homeassistant', listen: '127.0.0.1:0', token: TOKEN },
        [],
        [nvr],
      );
      await webhook.start(ctx);
      cleanup.push(() => webhook.stop());
      const t0 = Date.now();
      const res = await caller(webhook.address!.port)({ camera: 'driveway', seconds: 5 });
      expect(Date.now() - t0).toBeLessThan(10_000);
      expect(res.status).toBe(202);
      expect(await res.json()).toEqual({ frigateEvent: 'pending', camera: 'driveway', seconds: 5 });
      expect(created).toBe(false);
      release();
      const deadline = Date.now() + 20_000;
      while (
        !ctx.lines.some((l) => l.includes('Frigate event 1718987129.3-abc for driveway')) &&
        Date.now() < deadline
      ) {
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(created).toBe(true);
      expect(ctx.lines).toContain('[homeassistant] Frigate event 1718987129.3-abc for driveway');
    },
  );
});
