import {
  FACE_DETECTOR_FILES,
  FACE_DETECTOR_SETTINGS,
  PLATE_CASCADE_FILE,
  PlateDetector,
  faceBox,
  type Detection,
} from '@porchlight/redact';
import type { Config, Human } from '@vladmandic/human';

/**
 * Where the web app serves the face detector's weights. Only BlazeFace is copied there at build time
 * (see `redactModels()` in ./models-plugin.ts): the recognition, description and mesh models that ship in the
 * same npm package are never served, so they cannot be loaded by accident.
 */
export const MODEL_BASE = '/models/redact/';

/** The only model files the web app serves or the detector fetches. */
export const DETECTOR_FILES: readonly string[] = FACE_DETECTOR_FILES;

/**
 * The licence-plate cascade, copied at build time from Debian's `opencv-data` like the face weights (only when
 * the package is installed): plates are found in the same worker with the same code the hub runs.
 */
export const PLATE_FILES: readonly string[] = [PLATE_CASCADE_FILE];

/** The shared face-detector settings (BlazeFace boxes only; see `FACE_DETECTOR_SETTINGS`), on the CPU backend. */
export const DETECTOR_CONFIG: Partial<Config> = {
  ...FACE_DETECTOR_SETTINGS,
  modelBasePath: MODEL_BASE,
  backend: 'cpu',
};

let human: Promise<Human> | null = null;

/** The detector, loaded once per worker. Rejects when the weights cannot be fetched. */
export function loadDetector(): Promise<Human> {
  human ??= (async () => {
    const { Human } = await import('@vladmandic/human');
    const h = new Human(DETECTOR_CONFIG);
    await h.load();
    return h;
  })();
  return human;
}

/** Face boxes on one frame, normalised to the frame. */
export async function detectFaces(frame: OffscreenCanvas): Promise<Detection[]> {
  const h = await loadDetector();
  const result = await h.detect(frame);
  return result.face.map((f) => ({ kind: 'face' as const, score: f.boxScore, box: faceBox(f.boxRaw) }));
}

let plates: Promise<PlateDetector | null> | null = null;

/**
 * The plate detector, loaded once per worker on first use; null when this server has no cascade to serve
 * (built without Debian's opencv-data).
 */
export function loadPlateDetector(): Promise<PlateDetector | null> {
  plates ??= (async () => {
    const res = await fetch(`${MODEL_BASE}${PLATE_CASCADE_FILE}`);
    if (res.status === 404) return null;
    if (!res.ok) throw new Error(`the licence-plate cascade could not be fetched (${res.status})`);
    return PlateDetector.create(await res.text());
  })();
  plates.catch(() => {
    plates = null;
  });
  return plates;
}

/** Plate boxes on one frame, normalised to the frame; null when plate detection is not available here. */
export async function detectPlates(frame: OffscreenCanvas): Promise<Detection[] | null> {
  const detector = await loadPlateDetector();
  if (!detector) return null;
  const ctx = frame.getContext('2d');
  if (!ctx) throw new Error('this browser cannot read the frame’s pixels');
  const image = ctx.getImageData(0, 0, frame.width, frame.height);
  return detector.detect({ data: image.data, width: image.width, height: image.height });
}
