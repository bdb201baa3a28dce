import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHOTS, takeScreenshots } from './support/screenshots.js';
import { startServer, type RunningServer } from './support/server.js';

/*
 * The README's `npm run screenshots` command, proven: its core takes the feed and the phone feed from a fresh
 * demo server, and each is a real PNG of the asked-for size, small enough to keep in the repository.
 */
describe('README screenshots', () => {
  let server: RunningServer | undefined;
  let dir = '';

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'porchlight-screenshots-'));
    server = await startServer(240_000);
  }, 300_000);
  afterAll(async () => {
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('writes the feed and the phone feed as PNGs of the viewport size', async () => {
    const shots = await takeScreenshots(server!.url, dir, ['feed', 'feed-phone']);
    expect(shots.map((s) => s.name)).toEqual(['feed', 'feed-phone']);
    for (const shot of shots) {
      const png = await readFile(shot.file);
      expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
      const want = SHOTS.find((s) => s.name === shot.name)!.viewport;
      // IHDR: width and height, big-endian, at bytes 16 and 20.
      expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([want.width, want.height]);
      expect(shot.bytes).toBeGreaterThan(10_000);
      expect(shot.bytes).toBeLessThan(400_000);
    }
  }, 120_000);

  it('names the screenshots it knows when asked for one it does not', async () => {
    await expect(takeScreenshots(server!.url, dir, ['nope'])).rejects.toThrow(/no such screenshot: nope/);
  });
});
