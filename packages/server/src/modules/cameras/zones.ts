/**
 * Privacy zones in Frigate's convention: a polygon as normalised coordinates `x1,y1,x2,y2,...`, each from 0 to
 * 1 (fractions of the frame's width and height). The hub burns them into the video before it leaves home.
 */

export const MAX_ZONES = 20;
export const MAX_ZONE_POINTS = 100;

const COORDINATE = /^(?:0(?:\.\d{1,8})?|1(?:\.0{1,8})?|\.\d{1,8})$/;

/** Why `zone` is not a valid polygon, or undefined when it is one. */
export function zoneProblem(zone: string): string | undefined {
  const parts = zone.split(',');
  if (parts.some((p) => !COORDINATE.test(p))) {
    return 'must be comma-separated numbers from 0 to 1, without spaces (Frigate’s x1,y1,x2,y2,... format)';
  }
  if (parts.length % 2 !== 0) return 'must have an x and a y for every point (an even count of numbers)';
  const points = parts.length / 2;
  if (points < 3) return 'must have at least 3 points';
  if (points > MAX_ZONE_POINTS) return `must have at most ${MAX_ZONE_POINTS} points`;
  // A polygon with no area (all points on a line) hides nothing and is almost certainly a mistake.
  const xy = parts.map(Number);
  let area2 = 0;
  for (let i = 0; i < points; i++) {
    const j = (i + 1) % points;
    area2 += xy[2 * i]! * xy[2 * j + 1]! - xy[2 * j]! * xy[2 * i + 1]!;
  }
  if (Math.abs(area2) < 1e-9) return 'must enclose an area (its points are all on one line)';
  return undefined;
}
