/** The version of the redaction description this package reads and writes. */
export const REDACTION_VERSION = 1;

/** How a region is made unreadable. All three are irreversible once the video is re-encoded. */
export const BLUR_KINDS = ['gaussian', 'pixelate', 'solid'] as const;
export type BlurKind = (typeof BLUR_KINDS)[number];

/** What a track covers. `manual` is a box the owner drew that is neither a face nor a plate. */
export const TRACK_KINDS = ['face', 'plate', 'manual'] as const;
export type TrackKind = (typeof TRACK_KINDS)[number];

/** Where a track came from: the on-device detector, Frigate's own boxes, or the owner's hand. */
export const TRACK_SOURCES = ['detector', 'frigate', 'owner'] as const;
export type TrackSource = (typeof TRACK_SOURCES)[number];

/** A rectangle in normalised frame coordinates: 0–1 from the top-left corner, of the upright picture. */
export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** A box at a moment of the source clip (seconds from its first frame). */
export interface Keyframe {
  t: number;
  box: Box;
}

/**
 * One thing to hide while it is in frame. Between keyframes its box moves linearly; from `from` to the first
 * keyframe and from the last keyframe to `to` it stays where that keyframe put it. Detections are sampled, so
 * the tracker opens `from`/`to` by one sampling interval beyond the first and last detection.
 */
export interface Track {
  id: string;
  kind: TrackKind;
  source: TrackSource;
  from: number;
  to: number;
  keyframes: Keyframe[];
}

/** A time range in seconds of the source clip, `start` < `end`. */
export interface TimeRange {
  start: number;
  end: number;
}

/**
 * Everything needed to turn a clip into its redacted copy, in source-clip seconds. Versioned JSON: the hub and
 * the browser both render from it, so the same description gives the same blurred regions on either.
 */
export interface Redaction {
  version: typeof REDACTION_VERSION;
  /** Keep only this part of the clip; absent keeps all of it. */
  trim?: TimeRange;
  blur: BlurKind;
  /** Added on every side of each box, as a fraction of the box's own width/height (0.15 = 15 %). */
  padding: number;
  tracks: Track[];
  /** Ranges where the whole picture is blurred. */
  frameBlur: TimeRange[];
  /** Drop the audio track. */
  mute: boolean;
}

/** A redaction that changes nothing: no trim, no boxes, gaussian blur with the default padding. */
export function emptyRedaction(): Redaction {
  return {
    version: REDACTION_VERSION,
    blur: 'gaussian',
    padding: DEFAULT_PADDING,
    tracks: [],
    frameBlur: [],
    mute: false,
  };
}

/** Detector boxes hug the face; hair, ears and a turning head need room around them. */
export const DEFAULT_PADDING = 0.2;
/** Longest clip a description may describe (a day), so a typo cannot make the renderers loop for ever. */
export const MAX_SECONDS = 86_400;
/** Most tracks one description may carry. */
export const MAX_TRACKS = 500;
/** Most keyframes one track may carry. */
export const MAX_KEYFRAMES = 10_000;
