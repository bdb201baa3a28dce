import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { probeVideo } from '../src/ffmpeg.js';
import { FolderSource, mp4State } from '../src/sources/folder.js';
import { recordingContext } from './support/context.js';
import { ffmpeg } from './support/video.js';

/** A camera writing to a share can stall longer than `stableMs`; one file must still be one whole clip. */
const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

async function clipBytes(seconds: number, faststart: boolean): Promise<Buffer> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'hub-clip-'));
  const file = path.join(dir, 'c.mp4');
  await ffmpeg([
    '-f',
    'lavfi',
    '-i',
    `testsrc=size=320x180:rate=10:duration=${seconds}`,
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-pix_fmt',
    'yuv420p',
    ...(faststart ? ['-movflags', '+faststart'] : []),
    '-y',
    file,
  ]);
  const bytes = await readFile(file);
  await rm(dir, { recursive: true, force: true });
  return bytes;
}

async function watched(stableMs = 300) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'hub-folder-'));
  cleanup.push(() => rm(dir, { recursive: true, force: true }));
  const ctx = await recordingContext();
  const source = new FolderSource({ type: 'folder', path: dir, camera: 'cam-9', stableMs });
  await source.start(ctx);
  cleanup.push(() => source.stop());
  return { dir, ctx, source };
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('watched folder, slow writers', () => {
  for (const faststart of [false, true]) {
    it(`takes a file whose write stalls longer than stableMs once, whole (index ${faststart ? 'first' : 'last'})`, async () => {
      const bytes = await clipBytes(20, faststart);
      const { dir, ctx } = await watched();
      const file = path.join(dir, 'porch.mp4');
      const cut = Math.floor(bytes.length * 0.4);
      await writeFile(file, bytes.subarray(0, cut));
      expect(await mp4State(file)).toBe('incomplete');
      // The writer stalls for four times stableMs.
      await pause(1500);
      expect(ctx.clips).toHaveLength(0);
      expect(ctx.lines.some((l) => l.includes('porch.mp4 is not complete yet'))).toBe(true);
      await appendFile(file, bytes.subarray(cut));
      const [clip] = await ctx.next(1);
      expect((await probeVideo(clip!.input!)).durationSeconds).toBeCloseTo(20, 0);
      expect(Date.parse(clip!.endedAt) - Date.parse(clip!.startedAt)).toBeCloseTo(20_000, -3);
      await pause(800);
      expect(ctx.clips).toHaveLength(1);
    });
  }

  it('gives the same file the same ref after a restart, so the journal never takes it twice', async () => {
    const bytes = await clipBytes(2, true);
    const first = await watched();
    const file = path.join(first.dir, 'a.mp4');
    await writeFile(file, bytes);
    const [a] = await first.ctx.next(1);
    await first.source.stop();
    const again = await recordingContext();
    const restarted = new FolderSource({ type: 'folder', path: first.dir, camera: 'cam-9', stableMs: 300 });
    await restarted.start(again);
    cleanup.push(() => restarted.stop());
    const [b] = await again.next(1);
    expect(b!.ref).toBe(a!.ref);
  });
});
