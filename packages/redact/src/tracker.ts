import type { Box, Track, TrackSource } from './description.js';

/** One box a detector found on one sampled frame. */
export interface Detection {
  kind: 'face' | 'plate';
  box: Box;
  /** The detector's confidence, 0–1. */
  score: number;
}

/** The detections on the frame at `t` seconds of the source clip. */
export interface SampledFrame {
  t: number;
  detections: Detection[];
}

/** How detections on sampled frames are linked into tracks. */
export interface TrackerOptions {
  /** Seconds between sampled frames: a track is held this long before its first and after its last detection. */
  interval: number;
  /** Longest gap (seconds) a track survives without a detection; default 2.5 × interval. */
  maxGap?: number;
  /** Where the detections came from. */
  source?: TrackSource;
  /** Track ids are `${idPrefix}${n}`. */
  idPrefix?: string;
}

/** Intersection over union of two boxes, 0–1. */
export function iou(a: Box, b: Box): number {
  const w = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  return inter / (a.w * a.h + b.w * b.h - inter);
}

/**
 * How well a detection continues a track's last box: overlap when they overlap; otherwise nearness of centres,
 * so a small face that moved more than its own width between two samples still joins its track. 0 = no match.
 */
function affinity(last: Box, next: Box): number {
  const overlap = iou(last, next);
  if (overlap > 0) return 1 + overlap;
  const dx = last.x + last.w / 2 - (next.x + next.w / 2);
  const dy = last.y + last.h / 2 - (next.y + next.h / 2);
  const reach = 1.5 * Math.hypot(Math.max(last.w, next.w), Math.max(last.h, next.h));
  const d = Math.hypot(dx, dy);
  return d < reach ? 1 - d / reach : 0;
}

/**
 * Links detections on sampled frames into tracks, greedily by best affinity per frame and kind. Each track's
 * keyframes are its detections; it is opened one `interval` before its first detection and held one `interval`
 * after its last, so the frames between samples — and just before and after — are covered too.
 */
export function linkDetections(frames: readonly SampledFrame[], options: TrackerOptions): Track[] {
  const maxGap = options.maxGap ?? options.interval * 2.5;
  const prefix = options.idPrefix ?? 'd';
  const tracks: Track[] = [];
  const sorted = [...frames].sort((a, b) => a.t - b.t);
  for (const frame of sorted) {
    const open = tracks.filter(
      (tr) => frame.t - tr.keyframes.at(-1)!.t <= maxGap && tr.keyframes.at(-1)!.t < frame.t,
    );
    const pairs: { track: Track; detection: Detection; score: number }[] = [];
    for (const detection of frame.detections) {
      for (const track of open) {
        if (track.kind !== detection.kind) continue;
        const score = affinity(track.keyframes.at(-1)!.box, detection.box);
        if (score > 0) pairs.push({ track, detection, score });
      }
    }
    pairs.sort((a, b) => b.score - a.score);
    const usedTracks = new Set<Track>();
    const usedDetections = new Set<Detection>();
    for (const { track, detection } of pairs) {
      if (usedTracks.has(track) || usedDetections.has(detection)) continue;
      usedTracks.add(track);
      usedDetections.add(detection);
      track.keyframes.push({ t: frame.t, box: detection.box });
    }
    for (const detection of frame.detections) {
      if (usedDetections.has(detection)) continue;
      tracks.push({
        id: `${prefix}${tracks.length + 1}`,
        kind: detection.kind,
        source: options.source ?? 'detector',
        from: frame.t,
        to: frame.t,
        keyframes: [{ t: frame.t, box: detection.box }],
      });
    }
  }
  for (const track of tracks) {
    track.from = Math.max(0, track.keyframes[0]!.t - options.interval);
    track.to = track.keyframes.at(-1)!.t + options.interval;
  }
  return tracks;
}
