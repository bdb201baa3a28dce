import { M2_PER_MI2, type Polygon } from '@porchlight/policy';

/**
 * The request form's area: corners the member clicks on the map or types, as a closed GeoJSON ring, and its
 * size in the two units people use — square metres for the policy, square miles for US agencies.
 */

/** A corner as [longitude, latitude], GeoJSON's order. */
export type Corner = [number, number];

const m2Format = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 0 });
const mi2Format = new Intl.NumberFormat('en-GB', { maximumSignificantDigits: 3 });

/** "64,750 m² (0.025 mi²)". */
export function formatArea(m2: number): string {
  return `${m2Format.format(m2)} m² (${mi2Format.format(m2 / M2_PER_MI2)} mi²)`;
}

/** The polygon the corners enclose (ring closed by repeating the first), or null below three corners. */
export function cornersToPolygon(corners: readonly Corner[]): Polygon | null {
  if (corners.length < 3) return null;
  const ring = corners.map((c): Corner => [c[0], c[1]]);
  ring.push([corners[0]![0], corners[0]![1]]);
  return { type: 'Polygon', coordinates: [ring] };
}

/** The corners of a polygon's outer ring, without the closing repeat. */
export function polygonToCorners(polygon: Polygon): Corner[] {
  const ring = polygon.coordinates[0] ?? [];
  return ring.slice(0, -1).map((p): Corner => [p[0], p[1]]);
}

/** One corner per line as "latitude, longitude" (the order people read and paste coordinates in). */
export function formatCorners(corners: readonly Corner[]): string {
  return corners.map(([lng, lat]) => `${lat.toFixed(6)}, ${lng.toFixed(6)}`).join('\n');
}

/**
 * Typed corners: one "latitude, longitude" per line, blank lines ignored. Returns the corners, or the first
 * problem naming its line so the member can fix it.
 */
export function parseCorners(text: string): { corners: Corner[] } | { error: string } {
  const corners: Corner[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    const parts = line.split(/[\s,;]+/).filter(Boolean);
    const lat = Number(parts[0]);
    const lng = Number(parts[1]);
    if (parts.length !== 2 || !Number.isFinite(lat) || !Number.isFinite(lng)) {
      return { error: `Line ${i + 1}: write a corner as “latitude, longitude”, e.g. 45.5231, -122.6765.` };
    }
    if (Math.abs(lat) > 90 || Math.abs(lng) > 180) {
      return { error: `Line ${i + 1}: latitude must be within ±90 and longitude within ±180.` };
    }
    corners.push([lng, lat]);
  }
  return { corners };
}
