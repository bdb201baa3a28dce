import { HubError } from './errors.js';

/** A polygon in normalised (0–1) frame coordinates, as Frigate writes zones and masks. */
export type Polygon = readonly (readonly [number, number])[];

/**
 * Parses a Frigate-style zone string `x1,y1,x2,y2,...` (at least three points, each coordinate 0–1).
 * Throws a {@link HubError} naming the zone when it is malformed, because a zone we cannot read must stop the
 * clip rather than let an unmasked frame leave home.
 */
export function parseZone(zone: string): Polygon {
  const parts = zone.split(',').map((s) => s.trim());
  const numbers = parts.map(Number);
  if (
    parts.length < 6 ||
    parts.length % 2 !== 0 ||
    numbers.some((n) => !Number.isFinite(n) || n < 0 || n > 1)
  ) {
    throw new HubError(`privacy zone "${zone}" is not a list of at least 3 x,y points between 0 and 1`);
  }
  const points: [number, number][] = [];
  for (let i = 0; i < numbers.length; i += 2) points.push([numbers[i]!, numbers[i + 1]!]);
  return points;
}

/**
 * Rasterises zones to a `width`×`height` coverage mask: 1 where a pixel's centre lies inside any polygon
 * (even-odd rule per polygon), 0 elsewhere.
 */
export function rasteriseZones(zones: readonly Polygon[], width: number, height: number): Uint8Array {
  const mask = new Uint8Array(width * height);
  const crossings: number[] = [];
  for (const polygon of zones) {
    for (let y = 0; y < height; y++) {
      const cy = (y + 0.5) / height;
      crossings.length = 0;
      for (let i = 0; i < polygon.length; i++) {
        const [x1, y1] = polygon[i]!;
        const [x2, y2] = polygon[(i + 1) % polygon.length]!;
        // Half-open test so a vertex shared by two edges is counted once.
        if (y1 <= cy !== y2 <= cy) crossings.push(x1 + ((cy - y1) / (y2 - y1)) * (x2 - x1));
      }
      crossings.sort((a, b) => a - b);
      for (let k = 0; k + 1 < crossings.length; k += 2) {
        const from = Math.max(0, Math.ceil(crossings[k]! * width - 0.5));
        const to = Math.min(width - 1, Math.floor(crossings[k + 1]! * width - 0.5));
        for (let x = from; x <= to; x++) mask[y * width + x] = 1;
      }
    }
  }
  return mask;
}

/**
 * Encodes a coverage mask as a PAM image (`GRAYSCALE_ALPHA`): opaque black over the zones, fully transparent
 * elsewhere, ready for ffmpeg's `overlay` filter.
 */
export function maskToPam(mask: Uint8Array, width: number, height: number): Buffer {
  const header = Buffer.from(
    `P7\nWIDTH ${width}\nHEIGHT ${height}\nDEPTH 2\nMAXVAL 255\nTUPLTYPE GRAYSCALE_ALPHA\nENDHDR\n`,
    'ascii',
  );
  const body = Buffer.alloc(width * height * 2);
  for (let i = 0; i < mask.length; i++) body[i * 2 + 1] = mask[i] ? 255 : 0;
  return Buffer.concat([header, body]);
}
