import type { BlurKind, Redaction, TimeRange, TrackKind, TrackSource } from './description.js';

/**
 * What a disclosure manifest or a public video's metadata says about its redaction: counts, kinds and the
 * trimmed range. Never a coordinate, a keyframe or anything drawn from the picture.
 */
export interface RedactionSummary {
  version: number;
  /** The part of the original clip that was kept; null when it was not trimmed. */
  trimmed: TimeRange | null;
  blur: BlurKind;
  /** Blurred regions, by what they cover. */
  regions: Record<TrackKind, number>;
  /** Blurred regions, by who placed them. */
  placedBy: Record<TrackSource, number>;
  /** Seconds of whole-frame blur (overlaps counted once). */
  frameBlurSeconds: number;
  muted: boolean;
}

/** Total length of the union of the ranges. */
function unionSeconds(ranges: readonly TimeRange[]): number {
  const sorted = [...ranges].sort((a, b) => a.start - b.start);
  let total = 0;
  let end = -Infinity;
  for (const r of sorted) {
    if (r.end <= end) continue;
    total += r.end - Math.max(r.start, end);
    end = r.end;
  }
  return total;
}

/** The manifest's account of `redaction` (see {@link RedactionSummary}). */
export function summarise(redaction: Redaction): RedactionSummary {
  const regions: Record<TrackKind, number> = { face: 0, plate: 0, manual: 0 };
  const placedBy: Record<TrackSource, number> = { detector: 0, frigate: 0, owner: 0 };
  for (const t of redaction.tracks) {
    regions[t.kind] += 1;
    placedBy[t.source] += 1;
  }
  return {
    version: redaction.version,
    trimmed: redaction.trim ? { start: redaction.trim.start, end: redaction.trim.end } : null,
    blur: redaction.blur,
    regions,
    placedBy,
    frameBlurSeconds: Math.round(unionSeconds(redaction.frameBlur) * 1000) / 1000,
    muted: redaction.mute,
  };
}
