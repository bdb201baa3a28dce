import { access, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectEncoder, presetFor, PresetTable, type Encoder } from '../src/encoder.js';
import { burnInZones, probeVideo } from '../src/ffmpeg.js';
import { makeTestClip } from './support/fake-frigate.js';
import { grayFrame, lumaStats } from './support/video.js';

describe('burn-in encoder', () => {
  it('picks the x264 preset by output size from the measured table', () => {
    expect(presetFor(640, 360)).toBe('veryfast');
    expect(presetFor(1280, 720)).toBe('veryfast');
    expect(presetFor(1920, 1080)).toBe('superfast');
    expect(presetFor(1080, 1920)).toBe('superfast');
    expect(presetFor(3840, 2160)).toBe('ultrafast');
  });

  it('uses a hardware encoder only when one really encodes here, and never requires one', async () => {
    const choice = await detectEncoder();
    const gpu = await Promise.any(['/dev/dri', '/dev/nvidia0'].map((p) => access(p).then(() => true))).catch(
      () => false,
    );
    if (!gpu) {
      // This machine has no GPU device nodes: nothing is tried, libx264 is used.
      expect(choice).toMatchObject({ encoder: { name: 'libx264' }, tried: [] });
    } else {
      // With device nodes, either one worked or each failure is named.
      expect(choice.encoder.name === 'libx264' ? choice.tried.length : 1).toBeGreaterThan(0);
    }
    expect(await detectEncoder()).toBe(choice);
  });

  it('tries each hardware encoder whose device node exists, says why each failed, and falls back to libx264', async () => {
    // Device nodes that are there but are not hardware (as on a machine whose driver is missing or busy).
    const dev = await mkdtemp(path.join(os.tmpdir(), 'hub-dev-'));
    try {
      await mkdir(path.join(dev, 'dri'));
      for (const node of ['dri/renderD128', 'nvidia0', 'video11']) await writeFile(path.join(dev, node), '');
      const choice = await detectEncoder({ devRoot: dev });
      expect(choice.encoder.name).toBe('libx264');
      expect(choice.tried.map((t) => t.split(':')[0])).toEqual([
        'h264_nvenc',
        'h264_vaapi',
        'h264_qsv',
        'h264_v4l2m2m',
      ]);
      for (const t of choice.tried) expect(t).toMatch(/^h264_\w+: \S/);
    } finally {
      await rm(dev, { recursive: true, force: true });
    }
  });

  it('a hardware encoder that fails on a clip falls back to libx264, and the zones are still burned in', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'hub-hwfail-'));
    try {
      const input = path.join(dir, 'in.mp4');
      const output = path.join(dir, 'out.mp4');
      await makeTestClip(input, 2, 320, 180);
      // A VAAPI encoder on a render node that is not one: ffmpeg fails to open it.
      const broken: Encoder = {
        name: 'h264_vaapi',
        global: ['-vaapi_device', path.join(dir, 'renderD128')],
        tail: ',format=nv12,hwupload',
        args: (crf) => ['-c:v', 'h264_vaapi', '-qp', String(crf)],
      };
      await burnInZones(input, output, ['0,0,0.5,0,0.5,1,0,1'], { workDir: dir, hardware: broken });
      expect(await probeVideo(output)).toMatchObject({ width: 320, height: 180, videoCodec: 'h264' });
      const frame = await grayFrame(output, 1);
      expect(lumaStats(frame, 320, (x) => x < 156).max).toBeLessThanOrEqual(20);
      expect(lumaStats(frame, 320, (x) => x > 165).mean).toBeGreaterThan(60);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('preset table measured on this hub', () => {
  it('steps a size to a faster preset when the burn-in ran slower than real time, and back when it is fast', () => {
    const table = new PresetTable();
    expect(table.pick(1920, 1080)).toBe('superfast');
    table.record(1920, 1080, 'superfast', 30, 45); // 0.67× real time
    expect(table.pick(1920, 1080)).toBe('ultrafast');
    table.record(1920, 1080, 'ultrafast', 30, 40);
    expect(table.pick(1920, 1080)).toBe('ultrafast'); // nothing faster
    expect(table.pick(1280, 720)).toBe('veryfast'); // other sizes keep their own
    table.record(1920, 1080, 'ultrafast', 30, 5); // 6× real time: afford better compression
    expect(table.pick(1920, 1080)).toBe('superfast');
    table.record(1920, 1080, 'superfast', 30, 15); // 2×: stays
    expect(table.pick(1920, 1080)).toBe('superfast');
  });
});
