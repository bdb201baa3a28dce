import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  FACE_DETECTOR_FILES,
  FACE_DETECTOR_SETTINGS,
  faceBox,
  linkDetections,
  type SampledFrame,
  type Track,
} from '@porchlight/redact';
import { HubError } from '../errors.js';
import { sampleFrames } from './frames.js';

/*
 * The browser's face detector (Human's BlazeFace, the same settings) running in Node for auto-blur at ingest.
 * TensorFlow.js runs on its WebAssembly backend: `@tensorflow/tfjs-node` would download a native library at
 * install time, which a hub installed offline cannot do. Weights and the .wasm files come from the npm packages
 * (or, in the packed hub, from the `redact-detector/` folder beside the bundle); nothing is fetched.
 */

/** The subset of Human's API used here (its Node builds are CommonJS without usable types for this path). */
interface HumanLike {
  load(): Promise<void>;
  detect(input: unknown): Promise<{ face: { boxRaw: number[]; boxScore: number }[] }>;
  tf: {
    tensor3d(values: Uint8Array, shape: [number, number, number], dtype: 'int32'): { dispose(): void };
    io: { registerLoadRouter(router: (url: unknown) => unknown): void };
    getBackend(): string;
  };
  models: { models: Record<string, unknown> };
}
type HumanModule = { Human: new (config: Record<string, unknown>) => HumanLike };

/** Where the detector's code, weights and WebAssembly live: beside the packed bundle, or in node_modules. */
function detectorFiles(): { module: string; models: string; wasm: string } {
  const packed = path.join(path.dirname(fileURLToPath(import.meta.url)), 'redact-detector');
  if (existsSync(path.join(packed, 'human.cjs')))
    return { module: path.join(packed, 'human.cjs'), models: packed, wasm: packed };
  const require = createRequire(import.meta.url);
  // Human's package exports only its tfjs-node build to Node; its WebAssembly build sits beside it.
  const humanDist = path.dirname(require.resolve('@vladmandic/human'));
  return {
    module: path.join(humanDist, 'human.node-wasm.js'),
    models: path.join(humanDist, '..', 'models'),
    wasm: path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm')),
  };
}

/** A TensorFlow.js model loader for `file://` URLs: the graph and its weight shards from disk. */
function fileModel(url: string) {
  const file = fileURLToPath(url);
  if (!FACE_DETECTOR_FILES.includes(path.basename(file)))
    throw new HubError(`the redaction detector loads only BlazeFace, not ${path.basename(file)}`);
  return {
    load() {
      const json = JSON.parse(readFileSync(file, 'utf8')) as {
        modelTopology: unknown;
        format?: string;
        weightsManifest: { paths: string[]; weights: unknown[] }[];
      };
      const shards = json.weightsManifest.flatMap((g) =>
        g.paths.map((p) => readFileSync(path.join(path.dirname(file), p))),
      );
      const all = Buffer.concat(shards);
      return Promise.resolve({
        modelTopology: json.modelTopology,
        format: json.format,
        weightSpecs: json.weightsManifest.flatMap((g) => g.weights),
        weightData: all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength),
      });
    },
  };
}

let loading: Promise<HumanLike> | undefined;

/** The face detector, loaded once per process. */
export function loadFaceDetector(): Promise<HumanLike> {
  loading ??= (async () => {
    const files = detectorFiles();
    const { Human } = createRequire(import.meta.url)(files.module) as HumanModule;
    const human = new Human({
      ...FACE_DETECTOR_SETTINGS,
      modelBasePath: pathToFileURL(files.models + path.sep).href,
      backend: 'wasm',
      wasmPath: files.wasm + path.sep,
    });
    human.tf.io.registerLoadRouter((url) =>
      typeof url === 'string' && url.startsWith('file://') ? fileModel(url) : null,
    );
    await human.load();
    if (!human.models.models.blazeface)
      throw new HubError(`the face detector's weights could not be loaded from ${files.models}`);
    return human;
  })().catch((err: unknown) => {
    loading = undefined;
    throw err;
  });
  return loading;
}

/** How the hub samples a clip for faces. */
export interface FaceScanOptions {
  /** Frames looked at per second (default 4): the tracker holds each face between and around samples. */
  sampleFps?: number;
  /** Width frames are scaled to before detection (default 640, never enlarged). */
  width?: number;
  signal?: AbortSignal;
}

/**
 * The faces in a video file as redaction tracks (source `detector`): frames sampled by ffmpeg, BlazeFace on
 * each, detections linked across samples. Only boxes leave this function — no face pixels, no embeddings.
 */
export async function faceTracks(file: string, options: FaceScanOptions = {}): Promise<Track[]> {
  const fps = options.sampleFps ?? 4;
  const human = await loadFaceDetector();
  const frames: SampledFrame[] = [];
  await sampleFrames(
    file,
    {
      fps,
      maxWidth: options.width ?? 640,
      pixelFormat: 'rgb24',
      purpose: 'face detection',
      ...(options.signal ? { signal: options.signal } : {}),
    },
    async (frame, t, w, h) => {
      const tensor = human.tf.tensor3d(new Uint8Array(frame), [h, w, 3], 'int32');
      try {
        const result = await human.detect(tensor);
        frames.push({
          t,
          detections: result.face.map((f) => ({ kind: 'face', score: f.boxScore, box: faceBox(f.boxRaw) })),
        });
      } finally {
        tensor.dispose();
      }
    },
  );
  return linkDetections(frames, { interval: 1 / fps, source: 'detector', idPrefix: 'hub-face-' });
}
