import { FACE_DETECTOR_FILES, FACE_DETECTOR_SETTINGS, faceBox, type Detection } from '@porchlight/redact';
import type { Config, Human } from '@vladmandic/human';

/**
 * Where the web app serves the face detector's weights. Only BlazeFace is copied there at build time
 * (see `redactModels()` in ./models-plugin.ts): the recognition, description and mesh models that ship in the
 * same npm package are never served, so they cannot be loaded by accident.
 */
export const MODEL_BASE = '/models/redact/';

/** The only model files the web app serves or the detector fetches. */
export const DETECTOR_FILES: readonly string[] = FACE_DETECTOR_FILES;

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
