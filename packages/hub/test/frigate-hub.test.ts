import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeVideo } from '../src/ffmpeg.js';
import { download } from '../src/sources/frigate-clip.js';
import { startFakeFrigate } from './support/fake-frigate.js';
import { pairedStateDir, runHub } from './support/hub.js';
import { startHubTestServer, type HubTestServer } from './support/server.js';

let server: HubTestServer;
let scratch: string;
beforeAll(async () => {
  server = await startHubTestServer();
  scratch = await mkdtemp(path.join(os.tmpdir(), 'hub-frigate-'));
});
afterAll(async () => {
  await server.close();
  await rm(scratch, { recursive: true, force: true });
});

/** The stored clip's video, decrypted with the Debian `age` CLI and the owner's key. */
async function storedVideo(clipId: string): Promise<string> {
  const ct = path.join(scratch, `clip-${clipId}.age`);
  const out = path.join(scratch, `clip-${clipId}.mp4`);
  await writeFile(ct, await server.ciphertext(clipId));
  await promisify(execFile)('age', ['-d', '-i', server.identityFile, '-o', out, ct]);
  return out;
}

describe('hub with Frigate: slow clips and slow links', () => {
  it('network errors on the way never make a clip partial: it still waits for the last segment and arrives whole', async () => {
    // A proxy in front of Frigate answers 502 three times; then Frigate shows the last segment missing
    // three times before it is flushed. Counted together, the three-step wait would have run out.
    const frigate = await startFakeFrigate({ mqtt: false, failRecordings: 3 });
    const stateDir = await pairedStateDir(server);
    try {
      const review = await frigate.addReview({ seconds: 14, lastSegmentAfterLooks: 3 });
      const { hub, lines, waitSettled } = await runHub(stateDir, {
        retryBaseMs: 50,
        sources: [
          {
            type: 'frigate',
            url: frigate.url,
            cameras: { front_door: server.camera.id },
            pollSeconds: 3600,
            clipRetryDelays: [200, 200, 200],
          },
        ],
      });
      try {
        const [done] = await waitSettled(1);
        expect(done).toMatchObject({ ref: `frigate:${review.id}`, stage: 'done' });
        expect(done!.note).toBeUndefined();
        expect(lines.filter((l) => / answered 502; retrying in /.test(l))).toHaveLength(3);
        expect(lines.filter((l) => l.includes("Frigate's recording stops"))).toHaveLength(3);
        const [clip] = await server.clips();
        expect((await probeVideo(await storedVideo(clip!.id))).durationSeconds).toBeCloseTo(14, 0);
      } finally {
        await hub.stop();
      }
    } finally {
      await frigate.close();
      await rm(stateDir, { recursive: true, force: true });
    }
  });

  it('one clip waiting for its last segment does not hold back the others', async () => {
    const frigate = await startFakeFrigate({ mqtt: false });
    const stateDir = await pairedStateDir(server);
    const id = server.camera.id;
    try {
      // Recordings are per camera: the garage's last segment lags (it is flushed only after the hub has
      // looked twice — so a loaded machine cannot make it ready before the hub first asks), the front door's
      // does not.
      const slow = await frigate.addReview({ camera: 'garage', seconds: 14, lastSegmentAfterLooks: 2 });
      const quick = await frigate.addReview({ camera: 'front_door', seconds: 3 });
      const { hub, lines, waitSettled } = await runHub(stateDir, {
        sources: [
          {
            type: 'frigate',
            url: frigate.url,
            cameras: { garage: id, front_door: id },
            pollSeconds: 3600,
            clipRetryDelays: [1500, 1500, 1500, 1500],
          },
        ],
      });
      try {
        const [first] = await waitSettled(1);
        expect(first).toMatchObject({ ref: `frigate:${quick.id}`, stage: 'done' });
        const [, second] = await waitSettled(2, 30_000);
        expect(second).toMatchObject({ ref: `frigate:${slow.id}`, stage: 'done' });
        expect(second!.note).toBeUndefined();
        expect(lines.some((l) => l.includes(`[frigate:${slow.id}] Frigate's recording stops`))).toBe(true);
      } finally {
        await hub.stop();
      }
    } finally {
      await frigate.close();
      await rm(stateDir, { recursive: true, force: true });
    }
  });

  it('resumes a clip download cut mid-body with a Range request, and names Frigate and the URL when a link stalls', async () => {
    const body = Buffer.alloc(600_000, 7);
    for (let i = 0; i < body.length; i += 4096) body.writeUInt32BE(i, i);
    const ranges: string[] = [];
    let served = 0;
    const frigate = http.createServer((req, res) => {
      if (req.url === '/stall') {
        res.writeHead(200, { 'content-length': body.length });
        res.write(body.subarray(0, 1000));
        return;
      }
      const range = /bytes=(\d+)-/.exec(req.headers.range ?? '');
      const from = range ? Number(range[1]) : 0;
      ranges.push(req.headers.range ?? 'none');
      res.writeHead(range ? 206 : 200, { 'content-length': body.length - from, 'accept-ranges': 'bytes' });
      // A slow link (~300 kB/s) that breaks after 200 kB on the first request.
      let at = from;
      const tick = setInterval(() => {
        const chunk = body.subarray(at, Math.min(at + 30_000, body.length));
        at += chunk.length;
        served += chunk.length;
        res.write(chunk);
        if (served >= 200_000 && ranges.length === 1) {
          clearInterval(tick);
          res.socket?.destroy();
        } else if (at >= body.length) {
          clearInterval(tick);
          res.end();
        }
      }, 100);
    });
    await new Promise<void>((resolve) => frigate.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(frigate.address() as AddressInfo).port}`;
    try {
      const file = path.join(scratch, 'clip.mp4');
      const got = await download(`${base}/clip.mp4`, file, { idleMs: 2000 });
      expect(got.bytes).toBe(body.length);
      const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
      expect(sha(await readFile(file))).toBe(sha(body));
      expect(ranges[0]).toBe('none');
      expect(ranges[1]).toMatch(/^bytes=\d+-$/);
      expect(Number(/\d+/.exec(ranges[1]!)![0])).toBeGreaterThanOrEqual(100_000);

      await writeFile(file, '');
      await expect(download(`${base}/stall`, file, { idleMs: 1000, resumes: 1 })).rejects.toThrow(
        `downloading the clip from Frigate (${base}/stall) failed: no data for 1 s`,
      );
    } finally {
      frigate.closeAllConnections();
      frigate.close();
    }
  });
});
