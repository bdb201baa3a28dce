import { api } from '../api/client';
import { call } from '../api/problem';
import { loadBasemap } from './basemap';
import type { LatLng } from './geometry';
import { describePlace } from './places';

/** A name for a point and where it came from, shown when the user confirms a home. */
export interface PlaceName {
  name: string;
  source: 'geocoder' | 'natural-earth';
}

/**
 * Names a point for the home confirmation: the geocoder's reverse lookup when the server has one, else the
 * Natural Earth country (offline). Null only when both fail; the coordinates are always shown beside it.
 */
export async function nameOfPlace(point: LatLng, useGeocoder: boolean): Promise<PlaceName | null> {
  if (useGeocoder) {
    try {
      const { place } = await call(
        api.GET('/api/geocode/reverse', { params: { query: { lat: point.lat, lng: point.lng } } }),
      );
      if (place) return { name: place.name, source: 'geocoder' };
    } catch {
      // The geocoder being down must not block choosing a home; fall through to the offline name.
    }
  }
  try {
    return { name: describePlace((await loadBasemap()).countries, point), source: 'natural-earth' };
  } catch {
    return null;
  }
}
