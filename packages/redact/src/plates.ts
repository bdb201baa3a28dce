import type { Detection } from './tracker.js';

/**
 * Licence-plate *detection* (never reading): Debian's `opencv-data` Haar cascade for number plates, run by the
 * WebAssembly OpenCV build in the `@techstark/opencv-js` npm package. The same code runs in the owner's browser
 * (the redaction worker) and in Node (the hub), so both find the same boxes on the same frame. Nothing is
 * downloaded at run time: the cascade comes from the Debian package (served by the web app as a static asset,
 * read from disk by the hub) and OpenCV from npm.
 *
 * Import it as `@porchlight/redact/plates`: OpenCV is several megabytes of WebAssembly, so it is kept out of the
 * package's main entry and loaded only where plates are looked for.
 */

/** The cascade file, as `opencv-data` installs it (trained on plates 60×20 px and larger). */
export const PLATE_CASCADE_FILE = 'haarcascade_russian_plate_number.xml';

/** Where Debian's `opencv-data` puts its cascades. */
export const PLATE_CASCADE_PATH = `/usr/share/opencv4/haarcascades/${PLATE_CASCADE_FILE}`;

/** An RGBA picture, as a canvas's `getImageData()` or ffmpeg's `-pix_fmt rgba` give it. */
export interface RgbaFrame {
  data: Uint8Array | Uint8ClampedArray;
  width: number;
  height: number;
}

/** How the cascade is run. */
export interface PlateOptions {
  /** Step between the scales the cascade is tried at (> 1). Smaller finds more and runs slower. */
  scaleFactor?: number;
  /** How many overlapping hits a box needs to be kept: higher means fewer false boxes and more missed plates. */
  minNeighbors?: number;
  /** Smallest plate looked for, as a fraction of the frame's width (default: 60 px, the cascade's own size). */
  minWidth?: number;
  /** Frames wider than this are scaled down before detection (speed); boxes stay normalised to the frame. */
  maxSide?: number;
}

const DEFAULTS = { scaleFactor: 1.08, minNeighbors: 3, maxSide: 1280 };

// The few OpenCV.js calls used here, typed by hand: the package's own typings describe all of OpenCV.
interface Mat {
  delete(): void;
  data: Uint8Array;
  rows: number;
  cols: number;
}
interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}
interface RectVector {
  size(): number;
  get(i: number): Rect;
  delete(): void;
}
interface IntVector {
  size(): number;
  get(i: number): number;
  delete(): void;
}
interface Classifier {
  load(path: string): boolean;
  empty(): boolean;
  detectMultiScale2(
    image: Mat,
    objects: RectVector,
    numDetections: IntVector,
    scaleFactor: number,
    minNeighbors: number,
    flags: number,
    minSize: unknown,
    maxSize: unknown,
  ): void;
  delete(): void;
}
interface OpenCv {
  Mat: new (rows: number, cols: number, type: number) => Mat;
  CV_8UC4: number;
  COLOR_RGBA2GRAY: number;
  INTER_AREA: number;
  Size: new (w: number, h: number) => unknown;
  RectVector: new () => RectVector;
  IntVector: new () => IntVector;
  CascadeClassifier: new () => Classifier;
  cvtColor(src: Mat, dst: Mat, code: number): void;
  resize(src: Mat, dst: Mat, size: unknown, fx: number, fy: number, interpolation: number): void;
  equalizeHist(src: Mat, dst: Mat): void;
  FS_createDataFile(
    parent: string,
    name: string,
    data: Uint8Array,
    canRead: boolean,
    canWrite: boolean,
    canOwn: boolean,
  ): void;
  FS_unlink?(path: string): void;
  onRuntimeInitialized?: () => void;
}

// Boxed: the Emscripten module has a `then` of its own, so a promise must never resolve to it directly.
let runtime: Promise<{ cv: OpenCv }> | null = null;

/**
 * OpenCV.js, compiled once per process or worker. `source` returns the module (default: a dynamic import, which
 * bundlers split into its own chunk); Node callers may pass `() => createRequire(...)('@techstark/opencv-js')`.
 */
export async function loadOpenCv(source?: () => unknown): Promise<{ cv: OpenCv }> {
  runtime ??= (async () => {
    const imported = ((await source?.()) ?? (await import('@techstark/opencv-js'))) as { default?: unknown };
    const cv = (imported.default ?? imported) as OpenCv;
    if (typeof cv.Mat !== 'function' || typeof cv.CascadeClassifier !== 'function') {
      await new Promise<void>((resolve) => {
        cv.onRuntimeInitialized = resolve;
      });
    }
    return { cv };
  })();
  return runtime;
}

let files = 0;

/** A loaded plate cascade. Create one per worker/process and reuse it; `close()` frees OpenCV's memory. */
export class PlateDetector {
  private constructor(
    private readonly cv: OpenCv,
    private readonly classifier: Classifier,
    private readonly options: Required<Omit<PlateOptions, 'minWidth'>> & { minWidth?: number },
  ) {}

  /** Loads the cascade XML (the bytes of {@link PLATE_CASCADE_FILE}). Throws when OpenCV cannot parse it. */
  static async create(
    cascadeXml: Uint8Array,
    options: PlateOptions = {},
    source?: () => unknown,
  ): Promise<PlateDetector> {
    const { cv } = await loadOpenCv(source);
    files += 1;
    const name = `plate-cascade-${files}.xml`;
    cv.FS_createDataFile('/', name, cascadeXml, true, false, false);
    const classifier = new cv.CascadeClassifier();
    const loaded = classifier.load(name);
    cv.FS_unlink?.(`/${name}`);
    if (!loaded || classifier.empty()) {
      classifier.delete();
      throw new Error('the licence-plate cascade could not be loaded (not an OpenCV cascade XML file)');
    }
    return new PlateDetector(cv, classifier, { ...DEFAULTS, ...options });
  }

  /** Plate boxes on one frame, normalised to the frame (0–1 from the top-left corner). */
  detect(frame: RgbaFrame): Detection[] {
    const { cv, options } = this;
    const { width, height } = frame;
    if (frame.data.length !== width * height * 4) {
      throw new Error(
        `expected ${width}×${height} RGBA pixels (${width * height * 4} bytes), got ${frame.data.length}`,
      );
    }
    const rgba = new cv.Mat(height, width, cv.CV_8UC4);
    const gray = new cv.Mat(0, 0, 0);
    const small = new cv.Mat(0, 0, 0);
    const rects = new cv.RectVector();
    const counts = new cv.IntVector();
    try {
      rgba.data.set(frame.data);
      cv.cvtColor(rgba, gray, cv.COLOR_RGBA2GRAY);
      const scale = Math.min(1, options.maxSide / Math.max(width, height));
      let image = gray;
      if (scale < 1) {
        cv.resize(
          gray,
          small,
          new cv.Size(Math.round(width * scale), Math.round(height * scale)),
          0,
          0,
          cv.INTER_AREA,
        );
        image = small;
      }
      cv.equalizeHist(image, image);
      const minW = Math.max(60, Math.round((options.minWidth ?? 0) * image.cols));
      this.classifier.detectMultiScale2(
        image,
        rects,
        counts,
        options.scaleFactor,
        options.minNeighbors,
        0,
        new cv.Size(minW, Math.round(minW / 3)),
        new cv.Size(0, 0),
      );
      const out: Detection[] = [];
      for (let i = 0; i < rects.size(); i++) {
        const r = rects.get(i);
        const hits = counts.size() > i ? counts.get(i) : options.minNeighbors;
        out.push({
          kind: 'plate',
          // More overlapping hits, more confidence; never quite 1 — a cascade gives no probability.
          score: hits / (hits + options.minNeighbors),
          box: {
            x: r.x / image.cols,
            y: r.y / image.rows,
            w: r.width / image.cols,
            h: r.height / image.rows,
          },
        });
      }
      return out;
    } finally {
      rgba.delete();
      gray.delete();
      small.delete();
      rects.delete();
      counts.delete();
    }
  }

  close(): void {
    this.classifier.delete();
  }
}
