import { AppError } from '../../errors.js';

/** One place a geocoder found: a human-readable name and its point. */
export interface Place {
  name: string;
  lat: number;
  lng: number;
}

/** Talks to one upstream geocoder; the two dialects differ only in paths and response shapes. */
export interface GeocoderClient {
  search(query: string, limit: number): Promise<Place[]>;
  reverse(lat: number, lng: number): Promise<Place | null>;
}

/** How long an upstream geocoder may take before the user is told it did not answer. */
const TIMEOUT_MS = 5000;

type Json = Record<string, unknown>;

const str = (v: unknown): string | undefined =>
  typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;

/** Photon's properties as one line, most specific first, without repeats ("Main St 5, Portland, Oregon, …"). */
function photonName(p: Json): string | undefined {
  const street = str(p.street);
  const house = str(p.housenumber);
  const parts = [
    str(p.name),
    street ? [street, house].filter(Boolean).join(' ') : undefined,
    [str(p.postcode), str(p.city) ?? str(p.town) ?? str(p.village)].filter(Boolean).join(' ') || undefined,
    str(p.state),
    str(p.country),
  ].filter((x): x is string => x !== undefined);
  const unique = parts.filter((x, i) => parts.indexOf(x) === i);
  return unique.length > 0 ? unique.join(', ') : undefined;
}

/** A Photon GeoJSON feature as a place, or undefined when it lacks a point or any name. */
function fromPhoton(f: unknown): Place | undefined {
  const feature = f as { geometry?: { type?: string; coordinates?: unknown[] }; properties?: Json };
  const [lng, lat] = feature.geometry?.type === 'Point' ? (feature.geometry.coordinates ?? []) : [];
  const name = photonName(feature.properties ?? {});
  return typeof lat === 'number' && typeof lng === 'number' && name ? { name, lat, lng } : undefined;
}

/** A Nominatim jsonv2 result (lat/lon are strings there) as a place. */
function fromNominatim(r: unknown): Place | undefined {
  const result = (r ?? {}) as Json;
  const lat = Number(result.lat);
  const lng = Number(result.lon);
  const name = str(result.display_name);
  return Number.isFinite(lat) && Number.isFinite(lng) && name ? { name, lat, lng } : undefined;
}

const inRange = (p: Place): boolean => Math.abs(p.lat) <= 90 && Math.abs(p.lng) <= 180;

/**
 * The HTTP client for a Photon (`/api`, `/reverse`) or Nominatim (`/search`, `/reverse` with `format=jsonv2`)
 * server. Upstream failures become `geocoder_unavailable` (502): the user's search did nothing wrong.
 */
export function httpGeocoder(
  config: { url: string; kind: 'photon' | 'nominatim' },
  userAgent: string,
): GeocoderClient {
  const get = async (path: string, params: Record<string, string>): Promise<unknown> => {
    const url = new URL(`${config.url}${path}`);
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    let res: Response;
    try {
      // Nominatim's usage policy asks for an identifying User-Agent.
      res = await fetch(url, {
        headers: { accept: 'application/json', 'user-agent': userAgent },
        signal: AbortSignal.timeout(TIMEOUT_MS),
        redirect: 'error',
      });
    } catch (err) {
      const why =
        err instanceof Error && err.name === 'TimeoutError'
          ? `no answer in ${TIMEOUT_MS / 1000} s`
          : 'unreachable';
      throw new AppError('geocoder_unavailable', `the address search service is ${why}`);
    }
    if (!res.ok) {
      throw new AppError('geocoder_unavailable', `the address search service answered HTTP ${res.status}`);
    }
    try {
      return await res.json();
    } catch {
      throw new AppError(
        'geocoder_unavailable',
        'the address search service answered with something not JSON',
      );
    }
  };
  const places = (items: unknown, parse: (x: unknown) => Place | undefined): Place[] =>
    (Array.isArray(items) ? items : []).map(parse).filter((p): p is Place => p !== undefined && inRange(p));

  if (config.kind === 'photon') {
    return {
      async search(q, limit) {
        const body = (await get('/api', { q, limit: String(limit) })) as { features?: unknown } | null;
        return places(body?.features, fromPhoton).slice(0, limit);
      },
      async reverse(lat, lng) {
        const body = (await get('/reverse', { lat: String(lat), lon: String(lng), limit: '1' })) as {
          features?: unknown;
        } | null;
        return places(body?.features, fromPhoton)[0] ?? null;
      },
    };
  }
  return {
    async search(q, limit) {
      return places(await get('/search', { q, format: 'jsonv2', limit: String(limit) }), fromNominatim).slice(
        0,
        limit,
      );
    },
    async reverse(lat, lng) {
      const body = await get('/reverse', { lat: String(lat), lon: String(lng), format: 'jsonv2' });
      return places([body], fromNominatim)[0] ?? null;
    },
  };
}
