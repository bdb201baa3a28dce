import { execFile } from 'node:child_process';
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { boxAt } from '@porchlight/redact';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIP, faceCentreAt, makeFaceClip } from '../../../e2e/support/redact.js';
import { validateConfig } from '../src/config.js';
import { faceTracks } from '../src/redact/faces.js';
import { pairedStateDir, runHub } from './support/hub.js';
import { startHubTestServer, type HubTestServer } from './support/server.js';
import { detail, difference, frame, inRect, type Rect } from './support/video.js';

/*
 * Auto-blur at ingest with the hub's own face detector (BlazeFace in Node, the browser's settings): a clip with a
 * real photographed face goes through the hub; the vault copy has the face blurred, the rest as it was.
 */
const run = promisify(execFile);
let server: HubTestServer;
let scratch: string;
let source: string;
beforeAll(async () => {
  server = await startHubTestServer();
  scratch = await mkdtemp(path.join(os.tmpdir(), 'hub-autoblur-'));
  source = path.join(scratch, 'face.mp4');
  await makeFaceClip(source, 4);
}, 120_000);
afterAll(async () => {
  await server.close();
  await rm(scratch, { recursive: true, force: true });
});

/** The middle of the photographed face at frame `n` (25 fps), 50 × 50 px. */
const faceAt = (n: number): Rect => {
  const c = faceCentreAt(n / CLIP.fps);
  return { x: Math.round(c.x - 25), y: Math.round(c.y - 25), w: 50, h: 50 };
};
/** Top right, away from the face's path and the plate. */
const CORNER: Rect = { x: 540, y: 8, w: 90, h: 60 };
/** Sampled frames through the clip, the face moving right in each. */
const FRAMES = [5, 30, 55, 80];

describe('the hub’s face detector', () => {
  it('follows the face across the clip, and loads nothing but BlazeFace', async () => {
    const tracks = await faceTracks(source);
    const faces = tracks.filter((t) => t.kind === 'face' && t.source === 'detector');
    for (const n of FRAMES) {
      const c = faceCentreAt(n / CLIP.fps);
      const covering = faces.filter((t) => {
        const b = boxAt(t, n / CLIP.fps);
        return (
          b &&
          c.x / CLIP.w >= b.x &&
          c.x / CLIP.w <= b.x + b.w &&
          c.y / CLIP.h >= b.y &&
          c.y / CLIP.h <= b.y + b.h
        );
      });
      expect(covering.length, `frame ${n}`).toBeGreaterThan(0);
    }
    const { loadFaceDetector } = await import('../src/redact/faces.js');
    const human = await loadFaceDetector();
    const loaded = Object.entries(human.models.models).filter(([, m]) => m !== null && m !== undefined);
    expect(loaded.map(([name]) => name)).toEqual(['blazeface']);
  }, 120_000);
});

describe('auto-blur at ingest', () => {
  it('blurs the faces of a camera that has it on before the clip is encrypted, and nothing else', async () => {
    const stateDir = await pairedStateDir(server);
    const folder = await mkdtemp(path.join(scratch, 'drop-'));
    const { hub, waitSettled } = await runHub(stateDir, {
      sources: [{ type: 'folder', path: folder, camera: server.camera.id, stableMs: 200 }],
      autoBlur: { [server.camera.id]: { faces: true, blur: 'pixelate' } },
    });
    try {
      const staged = path.join(scratch, 'staged.mp4');
      await run('cp', [source, staged]);
      await rename(staged, path.join(folder, 'face.mp4'));
      const [done] = await waitSettled(1, 120_000);
      expect(done).toMatchObject({ stage: 'done', afterZonesDone: true });
      const ct = path.join(scratch, 'vault.age');
      const out = path.join(scratch, 'vault.mp4');
      const [clip] = await server.clips();
      await writeFile(ct, await server.ciphertext(clip!.id));
      await run('age', ['-d', '-i', server.identityFile, '-o', out, ct]);

      for (const n of FRAMES) {
        const [before, after] = await Promise.all([frame(source, n), frame(out, n)]);
        const face = faceAt(n);
        // The face's detail is gone; a corner no face box reaches is as it was, up to the re-encode.
        expect(detail(after, CLIP.w, face), `face at frame ${n}`).toBeLessThan(
          detail(before, CLIP.w, face) * 0.35,
        );
        expect(detail(after, CLIP.w, CORNER), `corner at frame ${n}`).toBeGreaterThan(
          detail(before, CLIP.w, CORNER) * 0.85,
        );
        expect(difference(before, after, CLIP.w, (x, y) => inRect(CORNER, x, y))).toBeLessThan(6);
      }
      // The detector finds no face where the face was.
      const left = (await faceTracks(out)).filter((t) =>
        FRAMES.some((n) => {
          const b = boxAt(t, n / CLIP.fps);
          const c = faceCentreAt(n / CLIP.fps);
          return (
            b &&
            Math.abs(b.x + b.w / 2 - c.x / CLIP.w) < 0.08 &&
            Math.abs(b.y + b.h / 2 - c.y / CLIP.h) < 0.12
          );
        }),
      );
      expect(left).toEqual([]);
    } finally {
      await hub.stop();
      await rm(stateDir, { recursive: true, force: true });
    }
  }, 180_000);
});

describe('the autoBlur setting', () => {
  it('names every problem in a bad autoBlur section', () => {
    const sources = [{ type: 'folder', path: '/srv/clips', camera: 'ca_AAAAAAAAAAAAAAAAAAAAAA' }];
    const check = (autoBlur: unknown) => () => validateConfig({ sources, autoBlur }, 'hub.json');
    expect(check({ ca_AAAAAAAAAAAAAAAAAAAAAA: { faces: true, plates: 'yes' } })).toThrow(
      /autoBlur\.ca_A+\.plates must be true or false/,
    );
    expect(check({ ca_AAAAAAAAAAAAAAAAAAAAAA: { faces: false, blur: 'smudge' } })).toThrow(
      /autoBlur\.ca_A+ must turn on "faces" or "plates"[\s\S]*autoBlur\.ca_A+\.blur must be one of "gaussian", "pixelate", "solid"/,
    );
    expect(check({ 'front door': { faces: true } })).toThrow(
      /autoBlur key "front door" must be a Porchlight camera id/,
    );
    expect(check({ ca_AAAAAAAAAAAAAAAAAAAAAA: { faces: true, sampleFps: 100, colour: 'red' } })).toThrow(
      /sampleFps must be a whole number from 1 to 15[\s\S]*colour is not an auto-blur option/,
    );
    expect(check({ ca_AAAAAAAAAAAAAAAAAAAAAA: { faces: true } })).not.toThrow();
    expect(check({ ca_AAAAAAAAAAAAAAAAAAAAAA: { plates: true } })).not.toThrow();
  });
});
