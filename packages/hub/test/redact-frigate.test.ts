import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { boxAt } from '@porchlight/redact';
import { describe, expect, it } from 'vitest';
import { frigateTracks } from '../src/redact/frigate-boxes.js';
import { probeVideo, runTool } from '../src/ffmpeg.js';
import type { ClipRecord } from '../src/journal.js';
import { autoBlurAtIngest, autoBlurStep } from '../src/redact/ingest.js';

describe('frigateTracks', () => {
  it('turns Frigate face and licence-plate attribute boxes into clip-relative, normalised tracks', () => {
    const startedAt = 1_700_000_000;
    const at = (dt: number, x: number, label = 'face') => ({
      frame_time: startedAt + dt,
      current_attributes: [
        { label, box: [x, 100, x + 64, 164] as [number, number, number, number], score: 0.8 },
      ],
    });
    const tracks = frigateTracks(
      [at(1, 320), at(2, 360), at(3, 400), at(2, 100, 'license_plate'), at(2, 600, 'amazon')],
      { startedAt, detectWidth: 1280, detectHeight: 720 },
    );
    expect(tracks.map((t) => [t.kind, t.source, t.keyframes.length, t.from, t.to])).toEqual([
      ['face', 'frigate', 3, 0, 4],
      ['plate', 'frigate', 1, 1, 3],
    ]);
    expect(boxAt(tracks[0]!, 1.5)).toEqual({ x: 340 / 1280, y: 100 / 720, w: 64 / 1280, h: 64 / 720 });
  });

  it('ignores updates from before the clip and updates without boxes', () => {
    expect(
      frigateTracks(
        [
          { frame_time: 5, current_attributes: [{ label: 'face', box: [0, 0, 10, 10], score: 1 }] },
          { frame_time: 20 },
        ],
        { startedAt: 10, detectWidth: 100, detectHeight: 100 },
      ),
    ).toEqual([]);
  });
});

describe('autoBlurAtIngest', () => {
  it('writes nothing and returns null when the camera blurs nothing that was found', async () => {
    const tracks = frigateTracks(
      [{ frame_time: 11, current_attributes: [{ label: 'license_plate', box: [0, 0, 10, 10], score: 1 }] }],
      { startedAt: 10, detectWidth: 100, detectHeight: 100 },
    );
    const out = path.join(tmpdir(), `porchlight-autoblur-${process.pid}.mp4`);
    expect(
      await autoBlurAtIngest('/nonexistent.mp4', out, tracks, {
        faces: true,
        plates: false,
        blur: 'gaussian',
      }),
    ).toBeNull();
    await expect(stat(out)).rejects.toThrow();
  });
});

describe('autoBlurStep (the hub pipeline’s afterZones hook)', () => {
  it('blurs a camera’s clip that has auto-blur on and Frigate face boxes, and leaves other cameras alone', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'porchlight-autoblur-'));
    try {
      const input = path.join(dir, 'zoned.mp4');
      await runTool('ffmpeg', [
        '-v',
        'error',
        '-f',
        'lavfi',
        '-i',
        'testsrc2=s=320x240:r=10:d=2',
        '-c:v',
        'libx264',
        '-y',
        input,
      ]);
      const startedAt = 1_700_000_000;
      const step = autoBlurStep(
        (camera) => (camera === 'ca_blur' ? { faces: true, plates: true, blur: 'pixelate' } : undefined),
        () =>
          Promise.resolve(
            frigateTracks(
              [
                {
                  frame_time: startedAt + 1,
                  current_attributes: [{ label: 'face', box: [100, 60, 180, 160], score: 0.9 }],
                },
              ],
              { startedAt, detectWidth: 320, detectHeight: 240 },
            ),
          ),
      );
      const record = {
        ref: 'r1',
        source: 'frigate',
        cameraId: 'ca_blur',
        startedAt: '',
        endedAt: '',
        stage: 'zoned',
        attempts: 0,
      } as unknown as ClipRecord;
      const out = path.join(dir, 'blurred.mp4');
      expect(await step(record, input, out)).toBe(true);
      expect((await probeVideo(out)).durationSeconds).toBeGreaterThan(1.5);
      const other = path.join(dir, 'other.mp4');
      expect(await step({ ...record, cameraId: 'ca_other' }, input, other)).toBe(false);
      await expect(stat(other)).rejects.toThrow();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
