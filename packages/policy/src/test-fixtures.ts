/** Small factories for the policy package's tests (not exported from the package). */
import type { Polygon, Position } from './geometry.js';
import { DEFAULT_POLICY, type RequestPolicyV2 } from './request-policy.js';
import type { RequestDraft } from './check.js';

/** An axis-aligned lon/lat rectangle as a closed, counter-clockwise GeoJSON polygon. */
export function rect(west: number, south: number, east: number, north: number): Polygon {
  const ring: Position[] = [
    [west, south],
    [east, south],
    [east, north],
    [west, north],
    [west, south],
  ];
  return { type: 'Polygon', coordinates: [ring] };
}

/** A rectangle of about `widthM` × `heightM` metres centred on a point. */
export function rectM([lon, lat]: Position, widthM: number, heightM: number): Polygon {
  const dLat = heightM / 2 / 111_320;
  const dLon = widthM / 2 / (111_320 * Math.cos((lat * Math.PI) / 180));
  return rect(lon - dLon, lat - dLat, lon + dLon, lat + dLat);
}

export const PORTLAND: Position = [-122.6765, 45.5231];
export const NOW = new Date('2026-06-15T12:00:00Z');

export const POLICY: RequestPolicyV2 = { ...DEFAULT_POLICY, eligibleAgencyJurisdictions: ['portland-or'] };

/** A draft that breaks no rule of POLICY at NOW. */
export function draft(overrides: Partial<RequestDraft> = {}): RequestDraft {
  return {
    caseNumber: 'PPB-2026-1042',
    offenseCategory: 'burglary',
    legalBasis: 'warrant',
    investigatorName: 'Det. R. Alvarez',
    investigatorContact: 'ralvarez@example.gov',
    narrative: 'A garage on this block was broken into overnight and two bicycles were taken from it.',
    area: rectM(PORTLAND, 400, 400),
    windowStart: '2026-06-14T20:00:00Z',
    windowEnd: '2026-06-15T06:00:00Z',
    exigent: false,
    ...overrides,
  };
}
