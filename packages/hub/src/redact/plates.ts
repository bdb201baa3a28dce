import { readFile } from 'node:fs/promises';
import {
  CascadeFormatError,
  PLATE_CASCADE_PATH,
  PlateDetector,
  linkDetections,
  type Detection,
  type PlateOptions,
  type RgbaFrame,
  type SampledFrame,
  type Track,
} from '@porchlight/redact';
import { HubError } from '../errors.js';
import { probeVideo, runTool } from '../ffmpeg.js';
import { sampleFrames } from './frames.js';

/**
 * Licence-plate detection on the hub, in Node: the same cascade code the owner's browser runs
 * (`PlateDetector` in `@porchlight/redact`), fed with frames ffmpeg decodes. Detection only — plates are boxed,
 * never read.
 */

let shared: Promise<PlateDetector> | null = null;

/**
 * The plate detector with Debian's `opencv-data` cascade, loaded once per process. Fails with a message naming
 * the package when the cascade is not installed.
 */
export function loadPlateDetector(
  cascadePath = PLATE_CASCADE_PATH,
  options: PlateOptions = {},
): Promise<PlateDetector> {
  const load = async () => {
    let xml: string;
    try {
      xml = await readFile(cascadePath, 'utf8');
    } catch (err) {
      throw new HubError(
        `the licence-plate cascade ${cascadePath} is missing: install Debian's opencv-data package`,
        'invalid',
        { cause: err },
      );
    }
    try {
      return PlateDetector.create(xml, options);
    } catch (err) {
      if (!(err instanceof CascadeFormatError)) throw err;
      throw new HubError(
        `the licence-plate cascade ${cascadePath} could not be loaded: ${err.message}`,
        'invalid',
        {
          cause: err,
        },
      );
    }
  };
  if (cascadePath !== PLATE_CASCADE_PATH || Object.keys(options).length > 0) return load();
  shared ??= load().catch((err: unknown) => {
    shared = null;
    throw err;
  });
  return shared;
}

/** Decodes a still image (or a video's first frame) to RGBA, upright, at most `maxSide` px on its longer side. */
export async function decodeImage(file: string, maxSide = 1280): Promise<RgbaFrame> {
  const info = await probeVideo(file);
  const upright = info.rotation === 90 || info.rotation === 270;
  const [w0, h0] = upright ? [info.height, info.width] : [info.width, info.height];
  const scale = Math.min(1, maxSide / Math.max(w0, h0));
  const width = Math.max(2, Math.round((w0 * scale) / 2) * 2);
  const height = Math.max(2, Math.round((h0 * scale) / 2) * 2);
  const { stdout } = await runTool('ffmpeg', [
    '-v',
    'error',
    '-i',
    file,
    '-frames:v',
    '1',
    '-vf',
    `scale=${width}:${height}`,
    '-f',
    'rawvideo',
    '-pix_fmt',
    'rgba',
    '-',
  ]);
  return { data: stdout, width, height };
}

/** Plate boxes on one still image, normalised to the image. */
export async function platesInImage(file: string, detector?: PlateDetector): Promise<Detection[]> {
  const d = detector ?? (await loadPlateDetector());
  return d.detect(await decodeImage(file));
}

/** How the hub samples a clip for plates. */
export interface PlateScanOptions {
  /** Frames looked at per second (default 2): the tracker holds each plate between and around samples. */
  sampleFps?: number;
  /** Width frames are scaled to before detection (default 1280, never enlarged). */
  width?: number;
  detector?: PlateDetector;
  signal?: AbortSignal;
}

/**
 * Plate tracks over a clip (source `detector`): frames sampled by ffmpeg one at a time, the cascade on each,
 * boxes linked across samples — the same description the browser builds, so the hub's renderer blurs them the
 * same way. Only boxes leave this function; nothing reads a plate.
 */
export async function plateTracks(
  clip: string,
  options: PlateScanOptions = {},
): Promise<{ tracks: Track[]; frames: number }> {
  const fps = options.sampleFps ?? 2;
  const detector = options.detector ?? (await loadPlateDetector());
  const frames: SampledFrame[] = [];
  await sampleFrames(
    clip,
    {
      fps,
      maxWidth: options.width ?? 1280,
      pixelFormat: 'rgba',
      purpose: 'licence-plate detection',
      ...(options.signal ? { signal: options.signal } : {}),
    },
    (data, t, width, height) => {
      frames.push({ t, detections: detector.detect({ data, width, height }) });
    },
  );
  const tracks = linkDetections(frames, { interval: 1 / fps, source: 'detector', idPrefix: 'hub-plate-' });
  return { tracks, frames: frames.length };
}
