/**
 * A Viola–Jones (Haar cascade) object detector for OpenCV's cascade files — the format Debian's `opencv-data`
 * ships its cascades in (`<cascade>` with `stageType` BOOST and `featureType` HAAR, upright and 45°-tilted
 * features, trees of any depth). It reproduces what OpenCV's `CascadeClassifier.detectMultiScale` does: an image
 * pyramid, a variance-normalised window slid over each level, stage by stage rejection, then grouping of the
 * overlapping hits. Plain TypeScript on typed arrays, so the owner's browser worker and the hub (Node) run the
 * same code with no WebAssembly and no `eval` (the web app's CSP allows neither).
 *
 * Detection only: it says where a pattern is, never what it says or whose it is.
 */

/** A rectangle in pixels. */
export interface PixelRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A grey picture, one byte per pixel, rows top to bottom. */
export interface GrayImage {
  data: Uint8Array | Uint8ClampedArray;
  width: number;
  height: number;
}

interface Feature {
  tilted: boolean;
  /** x, y, width, height, weight per rectangle, in window pixels. */
  rects: [number, number, number, number, number][];
}

interface Tree {
  /** left, right, feature index, threshold per node; a child ≤ 0 is leaf −child. */
  nodes: [number, number, number, number][];
  leaves: number[];
}

/** A parsed cascade: the window it was trained on, its stages and its features. */
export interface HaarCascade {
  width: number;
  height: number;
  stages: { threshold: number; trees: Tree[] }[];
  features: Feature[];
  /** Whether any feature is tilted (the 45° integral image is only built when one is). */
  tilted: boolean;
}

/** Why a cascade file was refused. */
export class CascadeFormatError extends Error {
  override name = 'CascadeFormatError';
}

const numbers = (text: string): number[] =>
  text
    .trim()
    .split(/\s+/)
    .filter((s) => s.length > 0)
    .map(Number);

function tag(xml: string, name: string): string | undefined {
  return new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1]?.trim();
}

/**
 * Reads an OpenCV cascade XML file (the format `opencv_traincascade` writes). Throws {@link CascadeFormatError}
 * naming what is wrong for anything else, including the pre-2.0 `opencv-haar-classifier` layout.
 */
export function parseHaarCascade(xml: string): HaarCascade {
  const start = xml.indexOf('<cascade');
  if (start < 0) throw new CascadeFormatError('not an OpenCV cascade file: no <cascade> element');
  const body = xml.slice(start);
  const head = body.slice(0, Math.max(0, body.indexOf('<stages>')));
  if (tag(head, 'stageType') !== 'BOOST')
    throw new CascadeFormatError('the cascade is not a boosted cascade');
  if (tag(head, 'featureType') !== 'HAAR')
    throw new CascadeFormatError('the cascade does not use Haar features');
  const width = Number(tag(head, 'width'));
  const height = Number(tag(head, 'height'));
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 2 || height < 2) {
    throw new CascadeFormatError('the cascade has no valid window <width> and <height>');
  }

  const stagesXml = /<stages>([\s\S]*?)<\/stages>/.exec(body)?.[1];
  const featuresXml = /<features>([\s\S]*?)<\/features>/.exec(body)?.[1];
  if (stagesXml === undefined || featuresXml === undefined) {
    throw new CascadeFormatError('the cascade has no <stages> or no <features>');
  }

  const features: Feature[] = [];
  for (const m of featuresXml.matchAll(/<rects>([\s\S]*?)<\/rects>\s*<tilted>\s*([01])\s*<\/tilted>/g)) {
    const rects = [...m[1]!.matchAll(/<_>([^<]*)<\/_>/g)].map((r) => numbers(r[1]!));
    if (
      rects.length < 2 ||
      rects.length > 3 ||
      rects.some((r) => r.length !== 5 || r.some((v) => !Number.isFinite(v)))
    ) {
      throw new CascadeFormatError(`feature ${features.length} has a malformed rectangle`);
    }
    features.push({ tilted: m[2] === '1', rects: rects as Feature['rects'] });
  }

  const stages: HaarCascade['stages'] = [];
  const stageRe =
    /<stageThreshold>([^<]*)<\/stageThreshold>\s*<weakClassifiers>([\s\S]*?)<\/weakClassifiers>/g;
  for (const m of stagesXml.matchAll(stageRe)) {
    const trees: Tree[] = [];
    for (const w of m[2]!.matchAll(
      /<internalNodes>([^<]*)<\/internalNodes>\s*<leafValues>([^<]*)<\/leafValues>/g,
    )) {
      const flat = numbers(w[1]!);
      const leaves = numbers(w[2]!);
      if (flat.length === 0 || flat.length % 4 !== 0) {
        throw new CascadeFormatError(`stage ${stages.length} has a weak classifier with malformed nodes`);
      }
      const nodes: Tree['nodes'] = [];
      for (let i = 0; i < flat.length; i += 4) {
        const [left, right, feature, threshold] = flat.slice(i, i + 4) as [number, number, number, number];
        for (const child of [left, right]) {
          if (child > 0 ? child >= flat.length / 4 : -child >= leaves.length) {
            throw new CascadeFormatError(
              `stage ${stages.length} has a weak classifier pointing outside itself`,
            );
          }
        }
        if (!Number.isInteger(feature) || feature < 0 || feature >= features.length) {
          throw new CascadeFormatError(
            `stage ${stages.length} uses feature ${feature}, which is not defined`,
          );
        }
        nodes.push([left, right, feature, threshold]);
      }
      trees.push({ nodes, leaves });
    }
    const threshold = Number(m[1]);
    if (trees.length === 0 || !Number.isFinite(threshold)) {
      throw new CascadeFormatError(`stage ${stages.length} has no weak classifiers or no threshold`);
    }
    stages.push({ threshold, trees });
  }
  if (stages.length === 0) throw new CascadeFormatError('the cascade has no stages');
  const declared = Number(tag(head, 'stageNum'));
  if (Number.isInteger(declared) && declared !== stages.length) {
    throw new CascadeFormatError(`the cascade declares ${declared} stages but holds ${stages.length}`);
  }
  return { width, height, stages, features, tilted: features.some((f) => f.tilted) };
}

/** OpenCV's RGBA → grey weights (ITU-R BT.601), rounded. */
export function rgbaToGray(rgba: Uint8Array | Uint8ClampedArray, width: number, height: number): GrayImage {
  const data = new Uint8Array(width * height);
  for (let i = 0, p = 0; i < data.length; i++, p += 4) {
    data[i] = (rgba[p]! * 4899 + rgba[p + 1]! * 9617 + rgba[p + 2]! * 1868 + 8192) >> 14;
  }
  return { data, width, height };
}

/** Histogram equalisation (spreads the grey levels over 0–255), as OpenCV's `equalizeHist`. */
export function equalizeHistogram(image: GrayImage): GrayImage {
  const hist = new Uint32Array(256);
  for (const v of image.data) hist[v]! += 1;
  let first = 0;
  while (first < 255 && hist[first] === 0) first++;
  const total = image.data.length;
  const lut = new Uint8Array(256);
  if (hist[first] !== total) {
    const scale = 255 / (total - hist[first]!);
    let acc = 0;
    for (let i = first + 1; i < 256; i++) {
      acc += hist[i]!;
      lut[i] = Math.round(acc * scale);
    }
  } else {
    lut[first] = first;
  }
  const data = new Uint8Array(total);
  for (let i = 0; i < total; i++) data[i] = lut[image.data[i]!]!;
  return { data, width: image.width, height: image.height };
}

/** Bilinear resize (what OpenCV's cascade uses for its pyramid). */
export function resizeGray(image: GrayImage, width: number, height: number): GrayImage {
  const { data: src, width: sw, height: sh } = image;
  const out = new Uint8Array(width * height);
  const fx = sw / width;
  const fy = sh / height;
  const x0s = new Int32Array(width);
  const x1s = new Int32Array(width);
  const wxs = new Float64Array(width);
  for (let x = 0; x < width; x++) {
    const sxf = Math.min(Math.max((x + 0.5) * fx - 0.5, 0), sw - 1);
    x0s[x] = Math.floor(sxf);
    x1s[x] = Math.min(x0s[x]! + 1, sw - 1);
    wxs[x] = sxf - x0s[x]!;
  }
  for (let y = 0; y < height; y++) {
    const syf = Math.min(Math.max((y + 0.5) * fy - 0.5, 0), sh - 1);
    const r0 = Math.floor(syf) * sw;
    const r1 = Math.min(Math.floor(syf) + 1, sh - 1) * sw;
    const wy = syf - Math.floor(syf);
    for (let x = 0; x < width; x++) {
      const x0 = x0s[x]!;
      const x1 = x1s[x]!;
      const wx = wxs[x]!;
      const top = src[r0 + x0]! + (src[r0 + x1]! - src[r0 + x0]!) * wx;
      const bottom = src[r1 + x0]! + (src[r1 + x1]! - src[r1 + x0]!) * wx;
      out[y * width + x] = Math.round(top + (bottom - top) * wy);
    }
  }
  return { data: out, width, height };
}

/** Integral images of one pyramid level: sum, sum of squares, and (when asked) the 45° tilted sum. */
export interface Integrals {
  /** (width+1) × (height+1): sum[X + Y·(width+1)] = Σ image(x, y) for x < X, y < Y (fits 32 bits: ≤ 8 Mpx). */
  sum: Int32Array;
  sqsum: Float64Array;
  /**
   * The tilted sum, padded left and right by `pad` columns so a tilted rectangle never reads outside it:
   * tilted[(X + pad) + Y·tiltedStride] = Σ image(x, y) for y < Y, |x − X + 1| ≤ Y − y − 1 (OpenCV's definition).
   */
  tilted: Int32Array | null;
  tiltedStride: number;
  pad: number;
}

export function integrals(image: GrayImage, withTilted: boolean): Integrals {
  const { data, width: w, height: h } = image;
  if (w * h > 8_000_000)
    throw new RangeError(`images over 8 megapixels are not searched whole (${w}×${h}): scale down first`);
  const s = w + 1;
  const sum = new Int32Array(s * (h + 1));
  const sqsum = new Float64Array(s * (h + 1));
  for (let y = 0; y < h; y++) {
    let row = 0;
    let rowSq = 0;
    for (let x = 0; x < w; x++) {
      const v = data[y * w + x]!;
      row += v;
      rowSq += v * v;
      const i = (y + 1) * s + x + 1;
      sum[i] = sum[i - s]! + row;
      sqsum[i] = sqsum[i - s]! + rowSq;
    }
  }
  if (!withTilted) return { sum, sqsum, tilted: null, tiltedStride: 0, pad: 0 };
  // T(X, Y) = T(X−1, Y−1) + T(X+1, Y−1) − T(X, Y−2) + I(X−1, Y−1) + I(X−1, Y−2); columns beyond the padding hold
  // triangles that miss the image entirely, so reading them as 0 is exact.
  const pad = h + 2;
  const ts = w + 1 + 2 * pad;
  const t = new Int32Array(ts * (h + 1));
  // Row y only needs the columns row h will read, widened by one per row above it: [pad − (h − y), pad + w + (h − y)].
  for (let y = 1; y <= h; y++) {
    const row = y * ts;
    const up = row - ts;
    const up2 = row - 2 * ts;
    const lo = pad - (h - y);
    const hi = pad + w + (h - y);
    if (y >= 2) for (let c = lo; c <= hi; c++) t[row + c] = t[up + c - 1]! + t[up + c + 1]! - t[up2 + c]!;
    else for (let c = lo; c <= hi; c++) t[row + c] = t[up + c - 1]! + t[up + c + 1]!;
    // The pixel terms I(X − 1, y − 1) + I(X − 1, y − 2), present for X = 1 … w only.
    const p1 = (y - 1) * w - pad - 1;
    const p2 = (y - 2) * w - pad - 1;
    for (let c = pad + 1; c <= pad + w; c++) t[row + c]! += data[p1 + c]! + (y >= 2 ? data[p2 + c]! : 0);
  }
  return { sum, sqsum, tilted: t, tiltedStride: ts, pad };
}

/** How {@link detectMultiScale} searches. */
export interface MultiScaleOptions {
  /** Step between pyramid levels (> 1): 1.1 looks at a scale every 10 %. */
  scaleFactor: number;
  /** Overlapping hits a detection needs (more: fewer false boxes, more misses). At least 1. */
  minNeighbors: number;
  /** Smallest object looked for, in image pixels (default: the cascade's own window). */
  minSize?: { width: number; height: number };
  /** Largest object looked for, in image pixels (default: the whole image). */
  maxSize?: { width: number; height: number };
}

/** A found object and how many overlapping windows agreed on it. */
export interface CascadeHit extends PixelRect {
  neighbors: number;
}

/** A Haar feature has 2 or 3 rectangles (the parser refuses others). */
const MAX_RECTS = 3;

/** The cascade flattened into typed arrays for the inner loop. */
class Compiled {
  readonly stageThreshold: Float64Array;
  readonly stageTrees: Int32Array;
  readonly treeNodes: Int32Array;
  readonly treeLeaves: Int32Array;
  readonly nodeLeft: Int32Array;
  readonly nodeRight: Int32Array;
  readonly nodeFeature: Int32Array;
  readonly nodeThreshold: Float64Array;
  readonly leaves: Float64Array;
  /** Per feature: its 2 or 3 rectangles' weights (3 slots each), how many it has, and whether it is tilted. */
  readonly weights: Float64Array;
  readonly rectCount: Int32Array;
  readonly tiltedFeature: Uint8Array;

  constructor(readonly cascade: HaarCascade) {
    const trees = cascade.stages.flatMap((s) => s.trees);
    const nodes = trees.flatMap((t) => t.nodes);
    this.stageThreshold = Float64Array.from(cascade.stages, (s) => s.threshold);
    this.stageTrees = new Int32Array(cascade.stages.length + 1);
    cascade.stages.forEach((s, i) => (this.stageTrees[i + 1] = this.stageTrees[i]! + s.trees.length));
    this.treeNodes = new Int32Array(trees.length + 1);
    this.treeLeaves = new Int32Array(trees.length + 1);
    trees.forEach((t, i) => {
      this.treeNodes[i + 1] = this.treeNodes[i]! + t.nodes.length;
      this.treeLeaves[i + 1] = this.treeLeaves[i]! + t.leaves.length;
    });
    this.nodeLeft = Int32Array.from(nodes, (n) => n[0]);
    this.nodeRight = Int32Array.from(nodes, (n) => n[1]);
    this.nodeFeature = Int32Array.from(nodes, (n) => n[2]);
    this.nodeThreshold = Float64Array.from(nodes, (n) => n[3]);
    this.leaves = Float64Array.from(trees.flatMap((t) => t.leaves));
    const features = cascade.features;
    this.weights = new Float64Array(features.length * MAX_RECTS);
    features.forEach((f, i) => {
      f.rects.forEach((r, k) => (this.weights[i * MAX_RECTS + k] = r[4]));
    });
    this.rectCount = Int32Array.from(features, (f) => f.rects.length);
    this.tiltedFeature = Uint8Array.from(features, (f) => (f.tilted ? 1 : 0));
  }
}

const compiled = new WeakMap<HaarCascade, Compiled>();

/**
 * Evaluates every window of one pyramid level; returns the origins (in level pixels) of windows that pass all
 * stages. `step` is the stride in pixels.
 */
function scanLevel(c: Compiled, ints: Integrals, w: number, h: number, step: number): [number, number][] {
  const { cascade } = c;
  const ww = cascade.width;
  const wh = cascade.height;
  const s = w + 1;
  const ts = ints.tiltedStride;
  const { weights, rectCount, tiltedFeature } = c;
  // Per feature and rectangle: its 4 corners as offsets into this level's sum (or tilted sum) from the window.
  const offs = new Int32Array(cascade.features.length * MAX_RECTS * 4);
  cascade.features.forEach((f, i) => {
    f.rects.forEach(([x, y, rw, rh], r) => {
      const o = (i * MAX_RECTS + r) * 4;
      if (f.tilted) {
        offs[o] = x + y * ts;
        offs[o + 1] = x - rh + (y + rh) * ts;
        offs[o + 2] = x + rw + (y + rw) * ts;
        offs[o + 3] = x + rw - rh + (y + rw + rh) * ts;
      } else {
        offs[o] = x + y * s;
        offs[o + 1] = x + rw + y * s;
        offs[o + 2] = x + (y + rh) * s;
        offs[o + 3] = x + rw + (y + rh) * s;
      }
    });
  });
  const { sum, sqsum, tilted } = ints;
  // OpenCV normalises by the window's inner rectangle (one pixel in from each edge).
  const nArea = (ww - 2) * (wh - 2);
  const n0 = 1 + s;
  const n1 = ww - 1 + s;
  const n2 = 1 + (wh - 1) * s;
  const n3 = ww - 1 + (wh - 1) * s;
  const {
    stageThreshold,
    stageTrees,
    treeNodes,
    treeLeaves,
    nodeLeft,
    nodeRight,
    nodeFeature,
    nodeThreshold,
  } = c;
  const leaves = c.leaves;
  const stages = stageThreshold.length;
  const hits: [number, number][] = [];

  const tiltedTable = tilted ?? sum;
  for (let y = 0; y + wh <= h; y += step) {
    for (let x = 0; x + ww <= w; x += step) {
      const base = x + y * s;
      const tbase = x + ints.pad + y * ts;
      const valsum = sum[base + n0]! - sum[base + n1]! - sum[base + n2]! + sum[base + n3]!;
      const sqval = sqsum[base + n0]! - sqsum[base + n1]! - sqsum[base + n2]! + sqsum[base + n3]!;
      const v = nArea * sqval - valsum * valsum;
      // Feature values are compared as value / nf < threshold, i.e. value < threshold · nf.
      const nf = v > 0 ? Math.sqrt(v) : 1;
      let passed = true;
      for (let st = 0; st < stages && passed; st++) {
        let acc = 0;
        for (let tr = stageTrees[st]!; tr < stageTrees[st + 1]!; tr++) {
          const firstNode = treeNodes[tr]!;
          let node = firstNode;
          for (;;) {
            const f = nodeFeature[node]!;
            const tiltedF = tiltedFeature[f] === 1;
            const table = tiltedF ? tiltedTable : sum;
            const b = tiltedF ? tbase : base;
            const o = f * MAX_RECTS * 4;
            const wi = f * MAX_RECTS;
            let value =
              weights[wi]! *
                (table[b + offs[o]!]! -
                  table[b + offs[o + 1]!]! -
                  table[b + offs[o + 2]!]! +
                  table[b + offs[o + 3]!]!) +
              weights[wi + 1]! *
                (table[b + offs[o + 4]!]! -
                  table[b + offs[o + 5]!]! -
                  table[b + offs[o + 6]!]! +
                  table[b + offs[o + 7]!]!);
            if (rectCount[f] === 3) {
              value +=
                weights[wi + 2]! *
                (table[b + offs[o + 8]!]! -
                  table[b + offs[o + 9]!]! -
                  table[b + offs[o + 10]!]! +
                  table[b + offs[o + 11]!]!);
            }
            const next = value < nodeThreshold[node]! * nf ? nodeLeft[node]! : nodeRight[node]!;
            if (next > 0) {
              node = firstNode + next;
              continue;
            }
            acc += leaves[treeLeaves[tr]! - next]!;
            break;
          }
        }
        if (acc < stageThreshold[st]!) passed = false;
      }
      if (passed) hits.push([x, y]);
    }
  }
  return hits;
}

/**
 * Groups overlapping rectangles as OpenCV's `groupRectangles` does: rectangles whose edges are all within
 * `eps`·(mean of the smaller sides) of each other form a cluster; a cluster with more than `threshold` members
 * becomes its members' average; a cluster lying inside a much stronger one is dropped.
 */
export function groupRectangles(rects: readonly PixelRect[], threshold: number, eps = 0.2): CascadeHit[] {
  const parent = rects.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]!]!;
      i = parent[i]!;
    }
    return i;
  };
  const similar = (a: PixelRect, b: PixelRect) => {
    const delta = eps * (Math.min(a.width, b.width) + Math.min(a.height, b.height)) * 0.5;
    return (
      Math.abs(a.x - b.x) <= delta &&
      Math.abs(a.y - b.y) <= delta &&
      Math.abs(a.x + a.width - b.x - b.width) <= delta &&
      Math.abs(a.y + a.height - b.y - b.height) <= delta
    );
  };
  for (let i = 0; i < rects.length; i++) {
    for (let j = i + 1; j < rects.length; j++) {
      if (similar(rects[i]!, rects[j]!)) parent[find(i)] = find(j);
    }
  }
  const clusters = new Map<number, { x: number; y: number; w: number; h: number; n: number }>();
  rects.forEach((r, i) => {
    const root = find(i);
    const c = clusters.get(root) ?? { x: 0, y: 0, w: 0, h: 0, n: 0 };
    c.x += r.x;
    c.y += r.y;
    c.w += r.width;
    c.h += r.height;
    c.n += 1;
    clusters.set(root, c);
  });
  const averaged: CascadeHit[] = [...clusters.values()]
    .filter((c) => c.n > threshold)
    .map((c) => ({
      x: Math.round(c.x / c.n),
      y: Math.round(c.y / c.n),
      width: Math.round(c.w / c.n),
      height: Math.round(c.h / c.n),
      neighbors: c.n,
    }));
  return averaged.filter((r1, i) =>
    averaged.every((r2, j) => {
      if (i === j) return true;
      const dx = Math.round(r2.width * eps);
      const dy = Math.round(r2.height * eps);
      const inside =
        r1.x >= r2.x - dx &&
        r1.y >= r2.y - dy &&
        r1.x + r1.width <= r2.x + r2.width + dx &&
        r1.y + r1.height <= r2.y + r2.height + dy;
      return !(inside && (r2.neighbors > Math.max(3, r1.neighbors) || r1.neighbors < 3));
    }),
  );
}

/**
 * Finds the cascade's object in a grey image at every scale between `minSize` and `maxSize`, as OpenCV's
 * `detectMultiScale`: the image is shrunk by `scaleFactor` per level and the cascade's window slid over it
 * (every 2 px, every pixel once the image is shrunk to under half), and overlapping hits are grouped.
 */
export function detectMultiScale(
  cascade: HaarCascade,
  image: GrayImage,
  options: MultiScaleOptions,
): CascadeHit[] {
  if (!(options.scaleFactor > 1)) throw new RangeError('scaleFactor must be greater than 1');
  if (!(Number.isInteger(options.minNeighbors) && options.minNeighbors >= 1)) {
    throw new RangeError('minNeighbors must be a whole number of at least 1');
  }
  let c = compiled.get(cascade);
  if (!c) {
    c = new Compiled(cascade);
    compiled.set(cascade, c);
  }
  const minW = options.minSize?.width ?? 0;
  const minH = options.minSize?.height ?? 0;
  const maxW = options.maxSize?.width ?? image.width;
  const maxH = options.maxSize?.height ?? image.height;
  const found: PixelRect[] = [];
  for (let factor = 1; ; factor *= options.scaleFactor) {
    const winW = Math.round(cascade.width * factor);
    const winH = Math.round(cascade.height * factor);
    const levelW = Math.round(image.width / factor);
    const levelH = Math.round(image.height / factor);
    if (winW > maxW || winH > maxH || levelW < cascade.width || levelH < cascade.height) break;
    if (winW < minW || winH < minH) continue;
    const level = factor === 1 ? image : resizeGray(image, levelW, levelH);
    const ints = integrals(level, cascade.tilted);
    for (const [x, y] of scanLevel(c, ints, levelW, levelH, factor > 2 ? 1 : 2)) {
      found.push({ x: Math.round(x * factor), y: Math.round(y * factor), width: winW, height: winH });
    }
  }
  return groupRectangles(found, options.minNeighbors);
}
