import type { Box } from './description.js';

/** A detector's box with its confidence, in the same units as the labels it is scored against. */
export interface ScoredBox {
  box: Box;
  score: number;
}

/** How one image's detections line up with its hand-drawn labels. */
export interface DetectionMatch {
  /** Label index → detection index, one pair per true positive, with their overlap. */
  pairs: { label: number; detection: number; iou: number }[];
  /** Labels no detection matched: faces the detector missed. */
  missed: number[];
  /** Detections that matched no label: false positives. */
  extra: number[];
}

/** Intersection over union of two boxes; 0 when they do not overlap or either is empty. */
export function iou(a: Box, b: Box): number {
  const w = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  const union = a.w * a.h + b.w * b.h - inter;
  return union > 0 ? inter / union : 0;
}

/**
 * How much of `target` lies inside `cover` (0–1): for redaction the question is whether a face is blurred, and a
 * generous box that hides all of it is as good as a tight one.
 */
export function coverage(target: Box, cover: Box): number {
  const w = Math.min(target.x + target.w, cover.x + cover.w) - Math.max(target.x, cover.x);
  const h = Math.min(target.y + target.h, cover.y + cover.h) - Math.max(target.y, cover.y);
  const area = target.w * target.h;
  return w > 0 && h > 0 && area > 0 ? (w * h) / area : 0;
}

/**
 * Greedy one-to-one matching, the way detection benchmarks count: detections in falling confidence each take the
 * still-unmatched label they overlap most, if that overlap is at least `minIoU`. A second box on an already
 * matched face counts as a false positive.
 */
export function matchDetections(
  labels: readonly Box[],
  detections: readonly ScoredBox[],
  minIoU = 0.5,
): DetectionMatch {
  const order = detections.map((_, i) => i).sort((a, b) => detections[b]!.score - detections[a]!.score);
  const taken = new Set<number>();
  const pairs: DetectionMatch['pairs'] = [];
  const extra: number[] = [];
  for (const d of order) {
    let best = -1;
    let bestIoU = minIoU;
    labels.forEach((label, l) => {
      if (taken.has(l)) return;
      const overlap = iou(label, detections[d]!.box);
      if (overlap >= bestIoU) {
        best = l;
        bestIoU = overlap;
      }
    });
    if (best < 0) extra.push(d);
    else {
      taken.add(best);
      pairs.push({ label: best, detection: d, iou: bestIoU });
    }
  }
  const missed = labels.map((_, l) => l).filter((l) => !taken.has(l));
  return { pairs, missed, extra: extra.sort((a, b) => a - b) };
}

/** Counts summed over images, and the recall and precision they give (null when there is nothing to divide by). */
export interface DetectionScore {
  labels: number;
  detections: number;
  truePositives: number;
  recall: number | null;
  precision: number | null;
}

/** Recall = matched labels / labels; precision = matched detections / detections, over all the given matches. */
export function scoreMatches(matches: readonly DetectionMatch[]): DetectionScore {
  let labels = 0;
  let detections = 0;
  let truePositives = 0;
  for (const m of matches) {
    truePositives += m.pairs.length;
    labels += m.pairs.length + m.missed.length;
    detections += m.pairs.length + m.extra.length;
  }
  return {
    labels,
    detections,
    truePositives,
    recall: labels > 0 ? truePositives / labels : null,
    precision: detections > 0 ? truePositives / detections : null,
  };
}
