import {
  cellToChildren,
  cellToLatLng,
  cellToParent,
  gridDisk,
  getHexagonEdgeLengthAvg,
  latLngToCell,
  UNITS,
} from 'h3-js';

/** Resolution of the cell every shown location is snapped to (~0.1 km², ~175 m edge). */
export const DISPLAY_RESOLUTION = 9;
/** Resolution of the feed index and live fan-out key (~5 km², ~1.4 km edge). */
export const AREA_RESOLUTION = 7;

export const MIN_RADIUS_M = 500;
export const MAX_RADIUS_M = 8000;
export const DEFAULT_RADIUS_M = 1600;

export interface LatLng {
  lat: number;
  lng: number;
}

/** A location as other users may see it: a resolution-9 H3 cell and its centre. */
export interface CoarseLocation {
  cell: string;
  lat: number;
  lng: number;
}

/** Snaps an exact point to its display cell. The returned centre is the only point ever shown. */
export function snap(point: LatLng): CoarseLocation & { areaCell: string } {
  const cell = latLngToCell(point.lat, point.lng, DISPLAY_RESOLUTION);
  const [lat, lng] = cellToLatLng(cell);
  return { cell, lat, lng, areaCell: cellToParent(cell, AREA_RESOLUTION) };
}

/** Great-circle distance in metres. */
export function distanceMeters(a: LatLng, b: LatLng): number {
  const R = 6_371_008.8;
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLng = (b.lng - a.lng) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * R * Math.asin(Math.min(1, Math.sqrt(h)));
}

/**
 * The area cells (resolution 7) that together cover every display cell whose centre lies within
 * `radiusM` of `centre`. Used to select feed candidates by index and to subscribe to live fan-out.
 */
export function areaCellsCovering(centre: LatLng, radiusM: number): readonly string[] {
  // Every feed page and live stream asks this for its viewer's home; h3 is not free (bench/results/feed-http.md).
  return remembered(areaCellsCache, `${centre.lat},${centre.lng},${radiusM}`, () => {
    const origin = latLngToCell(centre.lat, centre.lng, AREA_RESOLUTION);
    const edge = getHexagonEdgeLengthAvg(AREA_RESOLUTION, UNITS.m);
    // A hexagon's inradius is edge·√3/2; adding one ring covers points near the boundary of the last ring.
    const k = Math.ceil(radiusM / (edge * Math.sqrt(3))) + 1;
    return gridDisk(origin, k).filter((c) => {
      if (c === origin) return true;
      const [lat, lng] = cellToLatLng(c);
      return distanceMeters(centre, { lat, lng }) <= radiusM + 2 * edge;
    });
  });
}

/** How many homes' (centre and radius) cells are kept: the feed and live streams ask for the same few often. */
const REMEMBERED_HOMES = 500;
const areaCellsCache = new Map<string, readonly string[]>();

/** `compute()`, kept for the last `REMEMBERED_HOMES` keys asked (least recently used goes first). */
function remembered<T>(cache: Map<string, T>, key: string, compute: () => T): T {
  const kept = cache.get(key);
  if (kept !== undefined) {
    cache.delete(key);
    cache.set(key, kept);
    return kept;
  }
  const value = compute();
  cache.set(key, value);
  if (cache.size > REMEMBERED_HOMES) cache.delete(cache.keys().next().value!);
  return value;
}

/** The display cells within a radius, grouped for the feed's per-cell plan; see {@link displayCellsWithin}. */
export interface CellsWithin {
  /** Area cells whose every display cell lies within the radius. */
  readonly whole: readonly string[];
  /** The display cells within the radius whose area cell is only partly within it. */
  readonly partial: readonly string[];
}

const cellsWithinCache = new Map<string, CellsWithin>();
/**
 * A metre more than the radius: the database's own distance check still applies to every post and decides a
 * cell right at the edge, where this and SQL's floating point could disagree in the last bit.
 */
const EDGE_SLACK_M = 1;

/**
 * The display cells whose centre lies within `radiusM` of `centre` (the feed's rule; a metre more, see
 * EDGE_SLACK_M), as whole area cells plus single display cells. An index scan per area cell that is only
 * partly within the radius reads every post outside it too (at 1,000,000 posts the feed's slowest pages read
 * tens of thousands of rows); one per display cell reads only posts that can match. Kept for the last few
 * hundred homes asked: a viewer pages through the same home and radius, and computing it costs about a
 * millisecond at the default radius.
 */
export function displayCellsWithin(centre: LatLng, radiusM: number): CellsWithin {
  return remembered(cellsWithinCache, `${centre.lat},${centre.lng},${radiusM}`, () => {
    // The area cells covering the radius are exactly known (areaCellsCovering); a ring of display cells around
    // the home is not, where the grid is distorted near its pentagons.
    const within = { whole: [] as string[], partial: [] as string[] };
    for (const area of areaCellsCovering(centre, radiusM)) {
      const children = cellToChildren(area, DISPLAY_RESOLUTION);
      const inside = children.filter((cell) => {
        const [lat, lng] = cellToLatLng(cell);
        return distanceMeters(centre, { lat, lng }) <= radiusM + EDGE_SLACK_M;
      });
      if (inside.length === children.length) within.whole.push(area);
      else within.partial.push(...inside);
    }
    return within;
  });
}
