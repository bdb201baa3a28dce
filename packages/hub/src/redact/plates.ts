import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { linkDetections, type Detection, type SampledFrame, type Track } from '@porchlight/redact';
import {
  PLATE_CASCADE_PATH,
  PlateDetector,
  type PlateOptions,
  type RgbaFrame,
} from '@porchlight/redact/plates';
import { HubError } from '../errors.js';
import { probeVideo, runTool } from '../ffmpeg.js';

/**
 * Licence-plate detection on the hub, in Node: the same OpenCV.js cascade code the owner's browser runs
 * (`@porchlight/redact/plates`), fed with frames ffmpeg decodes. Detection only — plates are boxed, never read.
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
    let xml: Buffer;
    try {
      xml = await readFile(cascadePath);
    } catch (err) {
      throw new HubError(
        `the licence-plate cascade ${cascadePath} is missing: install Debian's opencv-data package`,
        'invalid',
        { cause: err },
      );
    }
    // A plain require: OpenCV.js is a 7 MB Emscripten bundle that must not go through a module transformer.
    return PlateDetector.create(xml, options, () => createRequire(import.meta.url)('@techstark/opencv-js'));
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

/**
 * Plate tracks over a clip: one frame every `interval` seconds is decoded by ffmpeg (upright, at most 1280 px
 * wide), searched for plates, and the boxes linked into tracks held one interval before and after — the same
 * description the browser builds, so the hub's renderer blurs them the same way.
 */
export async function plateTracks(
  clip: string,
  options: { interval?: number; detector?: PlateDetector; signal?: AbortSignal } = {},
): Promise<{ tracks: Track[]; frames: number }> {
  const interval = options.interval ?? 0.5;
  const detector = options.detector ?? (await loadPlateDetector());
  const info = await probeVideo(clip);
  const upright = info.rotation === 90 || info.rotation === 270;
  const [w0, h0] = upright ? [info.height, info.width] : [info.width, info.height];
  const scale = Math.min(1, 1280 / Math.max(w0, h0));
  const width = Math.max(2, Math.round((w0 * scale) / 2) * 2);
  const height = Math.max(2, Math.round((h0 * scale) / 2) * 2);
  const { stdout } = await runTool(
    'ffmpeg',
    [
      '-v',
      'error',
      '-i',
      clip,
      '-an',
      '-vf',
      `fps=1/${interval}:round=down,scale=${width}:${height}`,
      '-f',
      'rawvideo',
      '-pix_fmt',
      'rgba',
      '-',
    ],
    options.signal ? { signal: options.signal } : {},
  );
  const size = width * height * 4;
  const frames: SampledFrame[] = [];
  for (let i = 0; (i + 1) * size <= stdout.length; i++) {
    const data = stdout.subarray(i * size, (i + 1) * size);
    frames.push({ t: i * interval, detections: detector.detect({ data, width, height }) });
  }
  return { tracks: linkDetections(frames, { interval, idPrefix: 'p' }), frames: frames.length };
}
