import type { Polygon } from '@porchlight/policy';
import { POLYGON_TO_CELLS_FLAGS, polygonToCellsExperimental } from 'h3-js';
import type { Queryable } from '../../infra/db/index.js';

/** A GeoJSON Polygon: rings of [longitude, latitude] positions, the first ring the outer boundary. */
export type GeoPolygon = Polygon;

/** Resolution of the cells a request publishes as its area (~0.74 km² each, G8: never the exact polygon). */
export const PUBLISHED_RESOLUTION = 8;
/** Resolution of `cameras.cell`, the column candidate cameras are selected by (~0.1 km² each). */
const CAMERA_CELL_RESOLUTION = 9;
/** Resolution of `cameras.area_cell`, used instead when a huge area would need too many resolution-9 cells. */
const CAMERA_AREA_RESOLUTION = 7;
/** Above this many resolution-9 cells, candidates are selected by area cell: fewer index probes, more rows. */
const MAX_FINE_CELLS = 4_000;

/**
 * The H3 cells at `resolution` that the polygon overlaps at all (not only those whose centre it contains), so
 * every point inside the polygon lies in one of them. Sorted, so equal areas give equal lists.
 */
export function coverCells(area: GeoPolygon, resolution: number): string[] {
  const cells = polygonToCellsExperimental(
    area.coordinates,
    resolution,
    POLYGON_TO_CELLS_FLAGS.containmentOverlapping,
    true,
  );
  return [...new Set(cells)].sort();
}

/** A camera a request reached: whose it is, and which. Never leaves the owner's own views. */
export interface CameraMatch {
  cameraId: number;
  ownerId: number;
}

interface Candidate {
  id: number;
  owner_id: number;
  lat: number;
  lng: number;
}

/**
 * Cameras a request reaches (G7): opted in to agency requests, exact point inside the exact polygon, and not
 * owned by a member of the requesting agency. Candidates come from the cell index (a cover of the polygon);
 * the exact test then runs on those few rows only, so the cost follows the area, not the number of cameras.
 */
export async function matchCameras(
  q: Queryable,
  o: { area: GeoPolygon; agencyId: number; inside: (lngLat: [number, number]) => boolean },
): Promise<CameraMatch[]> {
  const fine = coverCells(o.area, CAMERA_CELL_RESOLUTION);
  const byArea = fine.length > MAX_FINE_CELLS;
  const cells = byArea ? coverCells(o.area, CAMERA_AREA_RESOLUTION) : fine;
  const res = await q.query<Candidate>(
    `SELECT c.id, c.owner_id, c.lat, c.lng
       FROM cameras c
      WHERE c.accept_agency_requests
        AND ${byArea ? 'c.area_cell' : 'c.cell'} = ANY($1::text[])
        AND NOT EXISTS (SELECT 1 FROM agency_members m WHERE m.user_id = c.owner_id AND m.agency_id = $2)`,
    [cells, o.agencyId],
  );
  return res.rows
    .filter((c) => o.inside([c.lng, c.lat]))
    .map((c) => ({ cameraId: c.id, ownerId: c.owner_id }));
}

/**
 * The same rule by reading every opted-in camera: what the index must agree with. Tests compare the two and
 * the benchmark times both; never used to deliver.
 */
export async function matchCamerasScanningAll(
  q: Queryable,
  o: { agencyId: number; inside: (lngLat: [number, number]) => boolean },
): Promise<CameraMatch[]> {
  const res = await q.query<Candidate>(
    `SELECT c.id, c.owner_id, c.lat, c.lng
       FROM cameras c
      WHERE c.accept_agency_requests
        AND NOT EXISTS (SELECT 1 FROM agency_members m WHERE m.user_id = c.owner_id AND m.agency_id = $1)`,
    [o.agencyId],
  );
  return res.rows
    .filter((c) => o.inside([c.lng, c.lat]))
    .map((c) => ({ cameraId: c.id, ownerId: c.owner_id }));
}
