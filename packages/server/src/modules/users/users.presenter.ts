import { cellToLatLng } from 'h3-js';
import type { ViewerHome } from '../../policies.js';
import type { UserRow } from './users.repository.js';

/** The signed-in user's own account. Even to its owner, home is shown only as its cell (G8). */
export function presentMe(u: UserRow) {
  return {
    id: u.id,
    email: u.email,
    displayName: u.display_name,
    role: u.role,
    radiusM: u.radius_m,
    home: u.home_cell ? presentCell(u.home_cell) : null,
  };
}

export function presentCell(cell: string) {
  const [lat, lng] = cellToLatLng(cell);
  return { cell, lat, lng };
}

/** A user as an admin sees them in the user list: no location at all. */
export function presentUserSummary(u: UserRow) {
  return {
    id: u.id,
    email: u.email,
    displayName: u.display_name,
    role: u.role,
    createdAt: u.created_at.toISOString(),
  };
}

/** Where the user's feed is centred (the exact home, server-side only) and its radius; null when not set. */
export function viewerHome(u: UserRow | undefined): ViewerHome | null {
  return u?.home_lat == null || u.home_lng == null
    ? null
    : { lat: u.home_lat, lng: u.home_lng, radiusM: u.radius_m };
}
