import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { burnInZones, probeVideo } from '../src/ffmpeg.js';
import { parseZone, rasteriseZones } from '../src/zones.js';
import { makeTestClip } from './support/fake-frigate.js';
import { grayFrame, lumaStats, topLevelBoxes } from './support/video.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'hub-zones-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('privacy zones', () => {
  it('refuses zone strings that are not Frigate polygons, naming the zone', () => {
    expect(() => parseZone('0,0,1,1')).toThrow(/"0,0,1,1".*at least 3/);
    expect(() => parseZone('0,0,1,0,1,1.5')).toThrow(/between 0 and 1/);
    expect(() => parseZone('0,0,a,0,1,1')).toThrow(/privacy zone/);
    expect(parseZone('0.1,0.2,0.3,0.2,0.3,0.4')).toEqual([
      [0.1, 0.2],
      [0.3, 0.2],
      [0.3, 0.4],
    ]);
  });

  it('rasterises a triangle by pixel centres, counting centres on an edge as covered', () => {
    const mask = rasteriseZones([parseZone('0,0,1,0,0,1')], 4, 4);
    const rows = [0, 1, 2, 3].map((y) => [...mask.subarray(y * 4, y * 4 + 4)]);
    expect(rows).toEqual([
      [1, 1, 1, 1],
      [1, 1, 1, 0],
      [1, 1, 0, 0],
      [1, 0, 0, 0],
    ]);
  });

  it('burns zones into the video as black, leaves the rest, and writes a streamable H.264 MP4', async () => {
    const input = path.join(dir, 'in.mp4');
    const output = path.join(dir, 'out.mp4');
    await makeTestClip(input, 3, 640, 360);
    // A rectangle over the top-left quarter and a triangle at the bottom right.
    const zones = ['0,0,0.5,0,0.5,0.5,0,0.5', '1,1,0.7,1,1,0.6'];
    await burnInZones(input, output, zones, { workDir: dir });

    const info = await probeVideo(output);
    expect(info).toMatchObject({ width: 640, height: 360, videoCodec: 'h264' });
    const boxes = await topLevelBoxes(output);
    expect(boxes.indexOf('moov')).toBeLessThan(boxes.indexOf('mdat'));

    const frame = await grayFrame(output, 1);
    expect(frame.length).toBe(640 * 360);
    const inRect = lumaStats(frame, 640, (x, y) => x >= 4 && x < 316 && y >= 4 && y < 176);
    expect(inRect.max).toBeLessThanOrEqual(20);
    // Inside the triangle, away from its edges: x > 0.7w + margin and y above the hypotenuse.
    const inTriangle = lumaStats(
      frame,
      640,
      (x, y) => x > 520 && y > 340 && (y / 360 - 0.6) / 0.4 > (1 - x / 640) / 0.3 + 0.1,
    );
    expect(inTriangle.count).toBeGreaterThan(100);
    expect(inTriangle.max).toBeLessThanOrEqual(20);
    const outside = lumaStats(frame, 640, (x, y) => x >= 330 && y < 170);
    expect(outside.mean).toBeGreaterThan(60);

    const original = await grayFrame(input, 1);
    expect(lumaStats(original, 640, (x, y) => x >= 4 && x < 316 && y >= 4 && y < 176).max).toBeGreaterThan(
      100,
    );
  });

  it('remuxes an H.264 clip without zones instead of re-encoding it', async () => {
    const input = path.join(dir, 'plain.mp4');
    const output = path.join(dir, 'plain-out.mp4');
    await makeTestClip(input, 2, 320, 180);
    await burnInZones(input, output, [], { workDir: dir });
    const boxes = await topLevelBoxes(output);
    expect(boxes.indexOf('moov')).toBeLessThan(boxes.indexOf('mdat'));
    expect((await probeVideo(output)).durationSeconds).toBeCloseTo(2, 0);
  });
});
