import {
  detectMultiScale,
  equalizeHistogram,
  parseHaarCascade,
  resizeGray,
  rgbaToGray,
  type HaarCascade,
} from './haar.js';
import type { Detection } from './tracker.js';

/**
 * Licence-plate *detection* (never reading): Debian's `opencv-data` Haar cascade for number plates, run by the
 * project's own cascade evaluator (./haar.ts). The same code runs in the owner's browser (the redaction worker)
 * and in Node (the hub), so both find the same boxes on the same frame. Nothing is downloaded at run time: the
 * cascade comes from the Debian package (copied into the web app at build time, read from disk by the hub).
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
  /** Frames with a longer side than this are scaled down before detection (speed); boxes stay normalised. */
  maxSide?: number;
}

export const PLATE_DEFAULTS: Required<PlateOptions> = { scaleFactor: 1.1, minNeighbors: 3, maxSide: 1280 };

/** A loaded plate cascade; reuse one per worker or process. */
export class PlateDetector {
  private constructor(
    private readonly cascade: HaarCascade,
    private readonly options: Required<PlateOptions>,
  ) {}

  /**
   * Reads the cascade XML (the text of {@link PLATE_CASCADE_FILE}). Throws a `CascadeFormatError` naming what is
   * wrong when it is not an OpenCV Haar cascade.
   */
  static create(cascadeXml: string, options: PlateOptions = {}): PlateDetector {
    return new PlateDetector(parseHaarCascade(cascadeXml), { ...PLATE_DEFAULTS, ...options });
  }

  /** Plate boxes on one frame, normalised to the frame (0–1 from the top-left corner). */
  detect(frame: RgbaFrame): Detection[] {
    const { width, height } = frame;
    if (frame.data.length !== width * height * 4) {
      throw new RangeError(
        `expected ${width}×${height} RGBA pixels (${width * height * 4} bytes), got ${frame.data.length}`,
      );
    }
    const { maxSide, scaleFactor, minNeighbors } = this.options;
    let gray = rgbaToGray(frame.data, width, height);
    const scale = Math.min(1, maxSide / Math.max(width, height));
    if (scale < 1) gray = resizeGray(gray, Math.round(width * scale), Math.round(height * scale));
    gray = equalizeHistogram(gray);
    const hits = detectMultiScale(this.cascade, gray, { scaleFactor, minNeighbors });
    return hits.map((r) => ({
      kind: 'plate' as const,
      // More overlapping windows, more confidence; never quite 1 — a cascade gives no probability.
      score: r.neighbors / (r.neighbors + minNeighbors),
      box: { x: r.x / gray.width, y: r.y / gray.height, w: r.width / gray.width, h: r.height / gray.height },
    }));
  }
}
