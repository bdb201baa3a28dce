import type { LatLng } from './geometry';

/** A country outline from Natural Earth (via world-atlas), named. */
export type Country = GeoJSON.Feature<GeoJSON.Polygon | GeoJSON.MultiPolygon, { name: string }>;

/** Ray casting: whether a [lng, lat] point is inside one ring. */
function inRing(ring: GeoJSON.Position[], x: number, y: number): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi = 0, yi = 0] = ring[i]!;
    const [xj = 0, yj = 0] = ring[j]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

function polygons(country: Country): GeoJSON.Position[][][] {
  const g = country.geometry;
  return g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
}

/** Whether the point is inside the country (holes excluded). */
export function contains(country: Country, point: LatLng): boolean {
  return polygons(country).some(
    ([outer, ...holes]) =>
      outer !== undefined &&
      inRing(outer, point.lng, point.lat) &&
      !holes.some((h) => inRing(h, point.lng, point.lat)),
  );
}

/** Squared equirectangular distance in degrees: only used to rank, so no need for a true metric. */
function roughDistance(a: LatLng, lng: number, lat: number): number {
  const dx = (a.lng - lng) * Math.cos((a.lat * Math.PI) / 180);
  const dy = a.lat - lat;
  return dx * dx + dy * dy;
}

/**
 * Where a point is, in Natural Earth's words, for confirming a home when no geocoder is configured: the
 * country it falls in, else "off the coast of" the country with the nearest coastline vertex. The built-in
 * basemap has no town names, so this is as precise as an offline install can be; the coordinates are shown too.
 */
export function describePlace(countries: readonly Country[], point: LatLng): string {
  const inside = countries.find((c) => contains(c, point));
  if (inside) return inside.properties.name;
  let best: { name: string; d: number } | undefined;
  for (const c of countries) {
    for (const poly of polygons(c)) {
      for (const [lng = 0, lat = 0] of poly[0] ?? []) {
        const d = roughDistance(point, lng, lat);
        if (!best || d < best.d) best = { name: c.properties.name, d };
      }
    }
  }
  return best ? `at sea, nearest ${best.name}` : 'at sea';
}
