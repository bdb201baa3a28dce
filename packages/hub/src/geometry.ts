import { HubError } from './errors.js';

/** The size and pixel shape of coded frames, as ffprobe reports them for a stream or a decoded frame. */
export interface CodedGeometry {
  width: number;
  height: number;
  /** Sample aspect ratio `num:den`; `0:1`, `N/A` or missing mean square pixels. */
  sar?: string | undefined;
}

/** What the display matrix of a video stream asks a player to do. */
export interface DisplayTransform {
  /** ffprobe's `rotation` (degrees counter-clockwise), normalised to 0–359. */
  rotation: number;
  /** The matrix mirrors the picture (negative determinant). */
  mirrored: boolean;
}

/**
 * How the hub turns every decoded frame, whatever its size, into one upright, square-pixel output geometry
 * on which the privacy-zone mask is laid. `filters` is an ffmpeg filter chain: scale each frame (the scale
 * filter re-initialises itself per frame size) to the displayed size before rotation, make pixels square,
 * then rotate the way a player would.
 */
export interface GeometryPlan {
  width: number;
  height: number;
  rotation: 0 | 90 | 180 | 270;
  filters: string;
}

/** Message prefix of every fail-closed refusal, so the owner sees why a clip was not uploaded. */
export const ZONES_NOT_GUARANTEED =
  'privacy zones cannot be guaranteed for this clip, so it was not uploaded';

function refuse(reason: string): never {
  throw new HubError(`${ZONES_NOT_GUARANTEED}: ${reason}`, 'invalid');
}

/** A SAR string as a number; unknown or degenerate values count as square pixels, as players treat them. */
export function sarValue(sar: string | undefined): number {
  const m = /^(\d+)[:/](\d+)$/.exec(sar ?? '');
  if (!m) return 1;
  const num = Number(m[1]);
  const den = Number(m[2]);
  return num > 0 && den > 0 ? num / den : 1;
}

/**
 * Reads ffprobe's display-matrix dump (`00000000: a b u` rows of 16.16 fixed point) and rotation; a missing
 * matrix is the identity.
 */
export function displayTransform(sideData: readonly Record<string, unknown>[] | undefined): DisplayTransform {
  const sd = sideData?.find((d) => d.side_data_type === 'Display Matrix');
  if (!sd) return { rotation: 0, mirrored: false };
  const rows = (typeof sd.displaymatrix === 'string' ? sd.displaymatrix : '')
    .split('\n')
    .map((line) => line.split(':')[1]?.trim().split(/\s+/).map(Number))
    .filter((r): r is number[] => Array.isArray(r) && r.length === 3);
  const [a, b] = rows[0] ?? [65536, 0];
  const [c, d] = rows[1] ?? [0, 65536];
  const rotation = Number(sd.rotation ?? 0);
  return {
    rotation: Number.isFinite(rotation) ? ((Math.round(rotation) % 360) + 360) % 360 : NaN,
    mirrored: a! * d! - b! * c! < 0,
  };
}

/** Rounds down to an even number of at least 2: H.264 with 4:2:0 chroma stores only even sizes. */
const even = (n: number) => Math.max(2, 2 * Math.floor(n / 2));

/**
 * Plans the output geometry for a clip whose stream header says `stream` and whose keyframes (where a camera
 * can switch resolution) have the sizes in `keyframes`. The output is the largest displayed size seen, so a
 * stream that switches to a higher resolution keeps it; every frame is scaled to it. Zones are normalised to
 * the displayed frame (Frigate's convention), so scaling keeps each zone on the same part of the picture.
 * Refuses (fail closed) what it cannot map exactly: a mirrored picture or a rotation that is not a multiple
 * of 90°.
 */
export function planGeometry(
  stream: CodedGeometry,
  transform: DisplayTransform,
  keyframes: readonly CodedGeometry[],
): GeometryPlan {
  if (transform.mirrored) refuse('its display matrix mirrors the picture, which the hub does not handle');
  const rotation = transform.rotation;
  if (rotation !== 0 && rotation !== 90 && rotation !== 180 && rotation !== 270) {
    refuse(`its display matrix rotates by ${rotation}°, not a multiple of 90°`);
  }
  const sizes = [stream, ...keyframes].filter((g) => g.width > 0 && g.height > 0);
  if (sizes.length === 0) refuse('ffprobe reports no frame size');
  let best = { w: 0, h: 0 };
  for (const g of sizes) {
    const w = g.width * sarValue(g.sar);
    if (w * g.height > best.w * best.h) best = { w, h: g.height };
  }
  const w = even(Math.round(best.w));
  const h = even(best.h);
  const turn =
    rotation === 90
      ? ',transpose=cclock'
      : rotation === 270
        ? ',transpose=clock'
        : rotation === 180
          ? ',hflip,vflip'
          : '';
  const sideways = rotation === 90 || rotation === 270;
  return {
    width: sideways ? h : w,
    height: sideways ? w : h,
    rotation,
    filters: `scale=${w}:${h}:flags=bicubic,setsar=1${turn}`,
  };
}
