import { AppError } from '../../errors.js';
import { authorize, type Viewer } from '../../policies.js';
import type { Config } from '../../config.js';
import { httpGeocoder, type GeocoderClient, type Place } from './geocoder.client.js';

/** Most results one search returns: enough to pick from, few enough to read on a phone. */
export const SEARCH_LIMIT = 5;

/**
 * Address search and place names for choosing a home. The server proxies the geocoder so the user's address
 * lookups reach it from the server, not from each browser, and only signed-in users can spend its quota.
 */
export class GeocoderService {
  constructor(private readonly client: GeocoderClient | undefined) {}

  private use(viewer: Viewer | null): GeocoderClient {
    // Anyone who may read a feed may choose where it is; search is not offered to anonymous visitors.
    authorize(viewer, 'feed.read');
    if (!this.client) {
      throw new AppError(
        'geocoder_not_configured',
        'this server has no GEOCODER_URL, so address search is off',
      );
    }
    return this.client;
  }

  /** Places matching a free-text query, best first. */
  async search(viewer: Viewer | null, query: string): Promise<{ results: Place[] }> {
    const client = this.use(viewer);
    const q = query.trim();
    if (q === '')
      throw new AppError('validation_failed', 'q: must not be blank', [
        { field: '/querystring/q', message: 'must not be blank' },
      ]);
    return { results: await client.search(q, SEARCH_LIMIT) };
  }

  /** The name of the place at a point, or null when the geocoder knows none there (open sea). */
  async reverse(viewer: Viewer | null, lat: number, lng: number): Promise<{ place: Place | null }> {
    return { place: await this.use(viewer).reverse(lat, lng) };
  }
}

/** The geocoder service for a configuration: an HTTP client to GEOCODER_URL, or none. */
export function createGeocoder(config: Config): GeocoderService {
  return new GeocoderService(
    config.geocoder ? httpGeocoder(config.geocoder, `Porchlight (+${config.publicUrl})`) : undefined,
  );
}
