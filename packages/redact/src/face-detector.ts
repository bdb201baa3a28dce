/**
 * The face detector's settings, shared by the owner's browser and the hub so both find the same faces: Human
 * (`@vladmandic/human`) configured as a face *detector* and nothing else — BlazeFace boxes only. Every model that
 * looks at what is inside a face box (mesh, iris, emotion, age/gender, the face description — an embedding —,
 * antispoof, liveness) is off, as are body, hand, object and segmentation models. Caching between frames is off
 * too: each sampled frame is detected afresh, and the tracker links them. Where the weights are and which
 * TensorFlow.js backend runs them is each side's business (`modelBasePath`, `backend`).
 */
export const FACE_DETECTOR_SETTINGS = {
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
} as const;

/** The only model files either side serves or loads: BlazeFace's graph and weights. */
export const FACE_DETECTOR_FILES: readonly string[] = ['blazeface.json', 'blazeface.bin'];

/** A face box from the detector (`boxRaw`: x, y, width, height as fractions of the frame) clamped to the frame. */
export function faceBox([x, y, w, h]: readonly number[]): { x: number; y: number; w: number; h: number } {
  const bx = Math.max(0, Math.min(1, x!));
  const by = Math.max(0, Math.min(1, y!));
  return { x: bx, y: by, w: Math.max(0.001, Math.min(1 - bx, w!)), h: Math.max(0.001, Math.min(1 - by, h!)) };
}
