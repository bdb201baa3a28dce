import type { Detection } from '@porchlight/redact';
import type { Config, Human } from '@vladmandic/human';

/**
 * Where the web app serves the face detector's weights. Only BlazeFace is copied there at build time
 * (see `redactModels()` in ./models-plugin.ts): the recognition, description and mesh models that ship in the
 * same npm package are never served, so they cannot be loaded by accident.
 */
export const MODEL_BASE = '/models/redact/';

/** The only model files the web app serves or the detector fetches. */
export const DETECTOR_FILES: readonly string[] = ['blazeface.json', 'blazeface.bin'];

/**
 * Human configured as a face *detector* and nothing else: BlazeFace boxes only. Every model that looks at what
 * is inside a face box — mesh, iris, emotion, age/gender, the face description (an embedding), antispoof,
 * liveness — is off, as are body, hand, object and segmentation models. Caching between frames is off too:
 * each sampled frame is detected afresh, and the tracker links them.
 */
export const DETECTOR_CONFIG: Partial<Config> = {
  modelBasePath: MODEL_BASE,
  backend: 'cpu',
  warmup: 'none',
  cacheModels: false,
  cacheSensitivity: 0,
  debug: false,
  async: true,
  filter: { enabled: false },
  gesture: { enabled: false },
  face: {
    enabled: true,
    detector: {
      modelPath: 'blazeface.json',
      rotation: false,
      maxDetected: 20,
      skipFrames: 0,
      skipTime: 0,
      minConfidence: 0.3,
      minSize: 0,
      iouThreshold: 0.2,
      return: false,
    },
    mesh: { enabled: false },
    attention: { enabled: false },
    iris: { enabled: false },
    emotion: { enabled: false },
    description: { enabled: false },
    antispoof: { enabled: false },
    liveness: { enabled: false },
  },
  body: { enabled: false },
  hand: { enabled: false },
  object: { enabled: false },
  segmentation: { enabled: false },
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
  return result.face.map((f) => {
    const [x, y, w, hh] = f.boxRaw;
    const bx = Math.max(0, Math.min(1, x));
    const by = Math.max(0, Math.min(1, y));
    return {
      kind: 'face' as const,
      score: f.boxScore,
      box: {
        x: bx,
        y: by,
        w: Math.max(0.001, Math.min(1 - bx, w)),
        h: Math.max(0.001, Math.min(1 - by, hh)),
      },
    };
  });
}
