/**
 * The page bench/redact-faces.ts opens in Chromium: the web app's own detector module (same configuration, same
 * weights from /models/redact/), run on the page's thread on one still image at a time.
 */
import type { Detection } from '@porchlight/redact';
import { detectFaces, loadDetector } from '../../../packages/web/src/redact/detector.js';

export interface PageDetection {
  width: number;
  height: number;
  ms: number;
  detections: Detection[];
}

export interface RedactBench {
  /** Loads the weights; resolves with how long that took. */
  load(): Promise<number>;
  /**
   * Changes the detector's confidence cut and box enlargement for every later call (the app's values are in
   * DETECTOR_CONFIG; Human enlarges BlazeFace's box by `scale`, 1.4 unless set, and squares it).
   */
  configure(options: { minConfidence: number; scale: number }): Promise<void>;
  detect(url: string): Promise<PageDetection>;
}

declare global {
  interface Window {
    redactBench: RedactBench;
  }
}

window.redactBench = {
  async load() {
    const t = performance.now();
    await loadDetector();
    return performance.now() - t;
  },
  async configure({ minConfidence, scale }) {
    const human = await loadDetector();
    human.config.face.detector!.minConfidence = minConfidence;
    human.config.face.detector!.scale = scale;
  },
  async detect(url) {
    const res = await fetch(url);
    if (!res.ok) throw new Error(`${url}: ${res.status}`);
    const bitmap = await createImageBitmap(await res.blob());
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    canvas.getContext('2d')!.drawImage(bitmap, 0, 0);
    const t = performance.now();
    const detections = await detectFaces(canvas);
    return { width: bitmap.width, height: bitmap.height, ms: performance.now() - t, detections };
  },
};
