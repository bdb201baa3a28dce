import { spawn } from 'node:child_process';
import { HubError } from './errors.js';
import { ZONES_NOT_GUARANTEED } from './geometry.js';

/** Full-range luma above which a pixel inside a zone counts as picture rather than burned-in black. */
export const ZONE_LUMA_LIMIT = 48;
/** At most this many pixels per frame are checked (an even grid over the zones' interior). */
const MAX_CHECKED = 60_000;

/**
 * The pixel offsets to check: the mask shrunk by `margin` pixels in every direction (the encoder blends a
 * zone's edge with the picture next to it), thinned to an even grid of at most {@link MAX_CHECKED}.
 */
export function checkedPixels(mask: Uint8Array, width: number, height: number, margin: number): Int32Array {
  // Horizontal then vertical run of covered pixels: a pixel survives when its (2m+1)² square is covered.
  const across = new Uint8Array(mask.length);
  for (let y = 0; y < height; y++) {
    let run = 0;
    for (let x = 0; x < width; x++) {
      run = mask[y * width + x] ? run + 1 : 0;
      if (run >= 2 * margin + 1) across[y * width + x - margin] = 1;
    }
  }
  const kept: number[] = [];
  for (let x = 0; x < width; x++) {
    let run = 0;
    for (let y = 0; y < height; y++) {
      run = across[y * width + x] ? run + 1 : 0;
      if (run >= 2 * margin + 1) kept.push((y - margin) * width + x);
    }
  }
  const step = Math.max(1, Math.ceil(Math.sqrt(kept.length / MAX_CHECKED)));
  return Int32Array.from(kept.filter((i) => (i % width) % step === 0 && Math.floor(i / width) % step === 0));
}

/** What the check saw, for the log and the benchmark. */
export interface ZoneCheckResult {
  frames: number;
  pixelsPerFrame: number;
  /** Brightest checked pixel over all frames. */
  maxLuma: number;
}

/**
 * Decodes every frame of the burnt-in `file` and checks that the interior of every zone is black. This is
 * the hub's own proof that the clip it is about to encrypt carries its zones on every frame: any frame of
 * another size, any bright pixel inside a zone, or a decode failure refuses the clip (fail closed).
 */
export function checkZonesBurnedIn(
  file: string,
  mask: Uint8Array,
  width: number,
  height: number,
  signal?: AbortSignal,
): Promise<ZoneCheckResult> {
  let offsets: Int32Array = new Int32Array(0);
  for (const margin of [8, 4, 2, 1, 0]) {
    offsets = checkedPixels(mask, width, height, margin);
    if (offsets.length > 0) break;
  }
  const frameBytes = width * height;
  return new Promise((resolve, reject) => {
    const child = spawn(
      'ffmpeg',
      ['-v', 'error', '-i', file, '-map', '0:v:0', '-f', 'rawvideo', '-pix_fmt', 'gray', '-'],
      { stdio: ['ignore', 'pipe', 'pipe'], ...(signal ? { signal } : {}) },
    );
    const frame = Buffer.alloc(frameBytes);
    let filled = 0;
    let frames = 0;
    let maxLuma = 0;
    let failure: string | undefined;
    let stderr = '';
    const inspect = () => {
      frames++;
      for (let k = 0; k < offsets.length; k++) {
        const v = frame[offsets[k]!]!;
        if (v > maxLuma) maxLuma = v;
      }
      if (maxLuma > ZONE_LUMA_LIMIT && !failure) {
        failure = `frame ${frames} shows picture inside a privacy zone (luma ${maxLuma} > ${ZONE_LUMA_LIMIT})`;
        child.kill('SIGKILL');
      }
    };
    child.stdout.on('data', (chunk: Buffer) => {
      let at = 0;
      while (at < chunk.length && !failure) {
        const n = Math.min(frameBytes - filled, chunk.length - at);
        chunk.copy(frame, filled, at, at + n);
        filled += n;
        at += n;
        if (filled === frameBytes) {
          inspect();
          filled = 0;
        }
      }
    });
    child.stderr.on('data', (b: Buffer) => (stderr = (stderr + b.toString()).slice(-2000)));
    child.on('error', reject);
    child.on('close', (code) => {
      if (signal?.aborted) {
        reject(signal.reason as Error);
        return;
      }
      const reason =
        failure ??
        (code !== 0
          ? `the burnt-in video could not be decoded for checking (${stderr.trim().split('\n').pop() ?? code})`
          : filled !== 0
            ? `the burnt-in video has a frame that is not ${width}×${height}`
            : frames === 0
              ? 'the burnt-in video has no frames'
              : undefined);
      if (reason) reject(new HubError(`${ZONES_NOT_GUARANTEED}: ${reason}`, 'invalid'));
      else resolve({ frames, pixelsPerFrame: offsets.length, maxLuma });
    });
  });
}
