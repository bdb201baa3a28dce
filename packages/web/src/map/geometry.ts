import { cellToBoundary, gridDisk, latLngToCell, cellToLatLng } from 'h3-js';
import { distanceM } from '../format';

type Polygon = GeoJSON.Feature<GeoJSON.Polygon>;
export type Collection = GeoJSON.FeatureCollection<GeoJSON.Polygon>;

export interface LatLng {
  lat: number;
  lng: number;
}

/** The resolution the server snaps every shown location to. */
export const DISPLAY_RESOLUTION = 9;
const GRID_RESOLUTION = 8;

export function collection(features: Polygon[]): Collection {
  return { type: 'FeatureCollection', features };
}

/** An H3 cell as a GeoJSON polygon (closed ring, [lng, lat] order). */
export function cellPolygon(cell: string, properties: Record<string, unknown> = {}): Polygon {
  return {
    type: 'Feature',
    properties,
    geometry: { type: 'Polygon', coordinates: [cellToBoundary(cell, true)] },
  };
}

/** The display cell a point snaps to: what other people would see of it. */
export function snapToCell(point: LatLng): string {
  return latLngToCell(point.lat, point.lng, DISPLAY_RESOLUTION);
}

/** A geodesic circle approximated by `steps` points. */
export function circle(centre: LatLng, radiusM: number, steps = 96): Polygon {
  const R = 6_371_008.8;
  const rad = Math.PI / 180;
  const lat1 = centre.lat * rad;
  const lng1 = centre.lng * rad;
  const d = radiusM / R;
  const ring: [number, number][] = [];
  for (let i = 0; i <= steps; i++) {
    const bearing = (2 * Math.PI * i) / steps;
    const lat2 = Math.asin(Math.sin(lat1) * Math.cos(d) + Math.cos(lat1) * Math.sin(d) * Math.cos(bearing));
    const lng2 =
      lng1 +
      Math.atan2(
        Math.sin(bearing) * Math.sin(d) * Math.cos(lat1),
        Math.cos(d) - Math.sin(lat1) * Math.sin(lat2),
      );
    ring.push([lng2 / rad, lat2 / rad]);
  }
  return { type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: [ring] } };
}

/** Coarser cells covering the radius, drawn faintly so a tile-less map still shows scale. */
export function gridWithin(centre: LatLng, radiusM: number): Polygon[] {
  const origin = latLngToCell(centre.lat, centre.lng, GRID_RESOLUTION);
  // A resolution-8 cell is ~0.8 km across; one extra ring covers the edge of the circle.
  const k = Math.ceil(radiusM / 800) + 1;
  return gridDisk(origin, k)
    .filter((c) => {
      const [lat, lng] = cellToLatLng(c);
      return distanceM(centre, { lat, lng }) <= radiusM + 500;
    })
    .map((c) => cellPolygon(c));
}

/** South-west and north-east corners around a circle, for fitting the camera. */
export function circleBounds(centre: LatLng, radiusM: number): [[number, number], [number, number]] {
  const dLat = (radiusM / 111_320) * 1.05;
  const dLng = dLat / Math.max(0.1, Math.cos((centre.lat * Math.PI) / 180));
  return [
    [centre.lng - dLng, centre.lat - dLat],
    [centre.lng + dLng, centre.lat + dLat],
  ];
}
