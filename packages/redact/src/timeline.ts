import type { Box, Redaction, Track } from './description.js';

/** The box grown by `padding` × its own size on every side, clamped to the frame. */
export function padBox(box: Box, padding: number): Box {
  const x0 = Math.max(0, box.x - box.w * padding);
  const y0 = Math.max(0, box.y - box.h * padding);
  const x1 = Math.min(1, box.x + box.w * (1 + padding));
  const y1 = Math.min(1, box.y + box.h * (1 + padding));
  return { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
}

/** The smallest box that holds both. */
export function unionBox(a: Box, b: Box): Box {
  const x0 = Math.min(a.x, b.x);
  const y0 = Math.min(a.y, b.y);
  return { x: x0, y: y0, w: Math.max(a.x + a.w, b.x + b.w) - x0, h: Math.max(a.y + a.h, b.y + b.h) - y0 };
}

/** Whether `outer` holds all of `inner` (within float rounding). */
export function containsBox(outer: Box, inner: Box): boolean {
  const e = 1e-9;
  return (
    outer.x <= inner.x + e &&
    outer.y <= inner.y + e &&
    outer.x + outer.w + e >= inner.x + inner.w &&
    outer.y + outer.h + e >= inner.y + inner.h
  );
}

const lerp = (a: number, b: number, f: number) => a + (b - a) * f;

/**
 * The track's box (unpadded) at `t` seconds, or `null` when the track is not in frame then. Between two
 * keyframes the box moves and resizes linearly, so a face seen at two sampled frames stays covered on every
 * frame in between; before the first and after the last keyframe it holds still until `from`/`to`.
 */
export function boxAt(track: Track, t: number): Box | null {
  if (t < track.from || t > track.to) return null;
  const frames = track.keyframes;
  const first = frames[0]!;
  if (t <= first.t) return first.box;
  for (let i = 1; i < frames.length; i++) {
    const b = frames[i]!;
    if (t <= b.t) {
      const a = frames[i - 1]!;
      const f = b.t === a.t ? 1 : (t - a.t) / (b.t - a.t);
      return {
        x: lerp(a.box.x, b.box.x, f),
        y: lerp(a.box.y, b.box.y, f),
        w: lerp(a.box.w, b.box.w, f),
        h: lerp(a.box.h, b.box.h, f),
      };
    }
  }
  return frames.at(-1)!.box;
}

/** A padded rectangle hidden on every frame from `start` to `end` (seconds of the source clip, inclusive). */
export interface CoverRegion {
  start: number;
  end: number;
  box: Box;
}

/** Default length of one still step of a moving box in {@link coverage}. */
export const COVER_STEP = 0.2;

/**
 * The redaction as still rectangles over short time ranges — the form both renderers draw (ffmpeg as one
 * `enable='between(t,a,b)'` mask box per region, the browser per frame). Each step of at most `step` seconds
 * gets the padded union of the track's box at both ends of the step, which holds the interpolated box at every
 * moment in between (a linear move between two rectangles stays inside their bounding box). Whole-frame blur
 * ranges become full-frame regions. Times stay in source-clip seconds; trimming is applied after.
 */
export function coverage(redaction: Redaction, step = COVER_STEP): CoverRegion[] {
  const regions: CoverRegion[] = redaction.frameBlur.map((r) => ({
    start: r.start,
    end: r.end,
    box: { x: 0, y: 0, w: 1, h: 1 },
  }));
  for (const track of redaction.tracks) {
    // Step boundaries: every keyframe, plus cuts so no step is longer than `step`.
    const cuts = [track.from, ...track.keyframes.map((k) => k.t), track.to].filter(
      (t) => t >= track.from && t <= track.to,
    );
    cuts.sort((a, b) => a - b);
    let prev = cuts[0]!;
    for (const next of cuts.slice(1)) {
      if (next <= prev) continue;
      const pieces = Math.max(1, Math.ceil((next - prev) / step - 1e-9));
      for (let i = 0; i < pieces; i++) {
        const start = prev + ((next - prev) * i) / pieces;
        const end = i === pieces - 1 ? next : prev + ((next - prev) * (i + 1)) / pieces;
        // Keyframes sharing a time make the box jump there: boxAt gives the first, and the motion that follows
        // starts from the last, so every box keyed at either end of the piece is covered too.
        const box = [
          boxAt(track, start)!,
          boxAt(track, end)!,
          ...keyedAt(track, start),
          ...keyedAt(track, end),
        ].reduce(unionBox);
        regions.push({ start, end, box: padBox(box, redaction.padding) });
      }
      prev = next;
    }
  }
  return regions;
}

/** The boxes of a track's keyframes at exactly `t`. */
function keyedAt(track: Track, t: number): Box[] {
  return track.keyframes.filter((k) => k.t === t).map((k) => k.box);
}

/** The regions to hide on the frame shown at `t` seconds of the source clip. */
export function regionsAt(regions: readonly CoverRegion[], t: number): Box[] {
  return regions.filter((r) => t >= r.start && t <= r.end).map((r) => r.box);
}

/** A box in whole pixels of a `width`×`height` frame, rounded outwards so nothing at an edge shows. */
export function toPixels(
  box: Box,
  width: number,
  height: number,
): { x: number; y: number; w: number; h: number } {
  const x = Math.max(0, Math.floor(box.x * width));
  const y = Math.max(0, Math.floor(box.y * height));
  const x1 = Math.min(width, Math.ceil((box.x + box.w) * width));
  const y1 = Math.min(height, Math.ceil((box.y + box.h) * height));
  return { x, y, w: Math.max(1, x1 - x), h: Math.max(1, y1 - y) };
}

/**
 * The blur strength for a clip, in pixels: a box-blur radius or pixelation block relative to the largest region
 * (a quarter of its shorter side, at least 8 px, at most a quarter of the frame's shorter side — an eighth left a blob the face detector still found), so a big close-up face gets a strong blur and no region keeps
 * recognisable detail. Both renderers use this one number.
 */
export function blurStrength(regions: readonly CoverRegion[], width: number, height: number): number {
  let side = 0;
  for (const r of regions) {
    const px = toPixels(r.box, width, height);
    side = Math.max(side, Math.min(px.w, px.h));
  }
  // ffmpeg's boxblur takes a radius up to half the (subsampled) chroma plane.
  return Math.min(Math.floor(Math.min(width, height) / 4), Math.max(8, Math.round(side / 4)));
}
