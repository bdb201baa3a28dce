import { spawn } from 'node:child_process';
import path from 'node:path';
import { HubError } from '../errors.js';
import { probeVideo } from '../ffmpeg.js';

/** How a clip is sampled for a detector. */
export interface SampleOptions {
  /** Frames per second to decode. */
  fps: number;
  /** Width to scale frames to (never enlarged); the height keeps the upright picture's shape. */
  maxWidth: number;
  /** `rgb24` (3 bytes a pixel) or `rgba` (4). */
  pixelFormat: 'rgb24' | 'rgba';
  /** What the frames are for, in ffmpeg's error message ("face detection"). */
  purpose: string;
  signal?: AbortSignal;
}

/**
 * Decodes `fps` frames a second of `file` with ffmpeg (upright, scaled to at most `maxWidth`) and hands each to
 * `onFrame` in order, one at a time: only one decoded frame and ffmpeg's pipe buffer are held, whatever the
 * clip's length.
 */
export async function sampleFrames(
  file: string,
  options: SampleOptions,
  onFrame: (frame: Buffer, t: number, width: number, height: number) => Promise<void> | void,
): Promise<{ frames: number; width: number; height: number }> {
  const info = await probeVideo(file);
  const rotated = info.rotation === 90 || info.rotation === 270;
  const [srcW, srcH] = rotated ? [info.height, info.width] : [info.width, info.height];
  const w = Math.min(options.maxWidth, srcW) & ~1;
  const h = Math.max(2, Math.round((srcH * w) / srcW / 2) * 2);
  const size = w * h * (options.pixelFormat === 'rgba' ? 4 : 3);
  const child = spawn(
    'ffmpeg',
    ['-v', 'error', '-i', file, '-an', '-vf', `fps=${options.fps},scale=${w}:${h}`].concat([
      '-f',
      'rawvideo',
      '-pix_fmt',
      options.pixelFormat,
      'pipe:1',
    ]),
    { stdio: ['ignore', 'pipe', 'pipe'], ...(options.signal ? { signal: options.signal } : {}) },
  );
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  let pending: Buffer = Buffer.alloc(0);
  let index = 0;
  for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    while (pending.length >= size) {
      const frame = pending.subarray(0, size);
      pending = pending.subarray(size);
      await onFrame(frame, index / options.fps, w, h);
      index += 1;
    }
  }
  const code = await exited;
  if (code !== 0) {
    throw new HubError(
      `ffmpeg could not read ${path.basename(file)} for ${options.purpose}: ${stderr.trim()}`,
    );
  }
  return { frames: index, width: w, height: h };
}
