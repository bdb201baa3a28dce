import { cellToLatLng } from 'h3-js';
import type { CameraRow } from './cameras.repository.js';

/** A camera as its owner sees it: the location is its cell's centre, even to the owner (G8). */
export function presentCamera(row: CameraRow) {
  const [lat, lng] = cellToLatLng(row.cell);
  return {
    id: row.public_id,
    name: row.name,
    location: { cell: row.cell, lat, lng },
    privacyZones: [...row.privacy_zones],
    retentionDays: row.retention_days,
    acceptAgencyRequests: row.accept_agency_requests,
    createdAt: row.created_at.toISOString(),
  };
}
