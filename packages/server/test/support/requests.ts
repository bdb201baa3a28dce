import type { Polygon, Position } from '@porchlight/policy';
import { expect } from 'vitest';
import type { TestApp } from './app.js';
import type { TestUser } from './client.js';
import { HOME, makeUser, offsetMeters } from './factories.js';
import { setUpVault } from './vault.js';

type LatLng = { lat: number; lng: number };

/** A square GeoJSON polygon of `sideM` metres centred on `centre` (ring closed, counter-clockwise). */
export function square(centre: LatLng, sideM: number): Polygon {
  const h = sideM / 2;
  const corners = [
    offsetMeters(centre, -h, -h),
    offsetMeters(centre, -h, h),
    offsetMeters(centre, h, h),
    offsetMeters(centre, h, -h),
  ];
  const ring = [...corners, corners[0]!].map((p): Position => [p.lng, p.lat]);
  return { type: 'Polygon', coordinates: [ring] };
}

const HOUR = 3_600_000;

/** A draft every default-ish policy accepts: ~0.25 km² around HOME, a 6-hour window two days ago. */
export function validDraft(now = new Date(), overrides: Record<string, unknown> = {}) {
  return {
    caseNumber: `PPB-${Math.floor(Math.random() * 1e8)}`,
    offenseCategory: 'burglary' as const,
    legalBasis: 'warrant' as const,
    investigatorName: 'Det. Alex Rivera',
    investigatorContact: 'arivera@police.portland.example',
    narrative:
      'Residential burglary reported on the 1200 block; looking for a vehicle seen leaving around 2 am.',
    area: square(HOME, 500),
    windowStart: new Date(now.getTime() - 48 * HOUR).toISOString(),
    windowEnd: new Date(now.getTime() - 42 * HOUR).toISOString(),
    exigent: false,
    ...overrides,
  };
}

/** Registers a verified agency in `jurisdiction` and links a fresh agency-role member to it. */
export async function makeAgency(
  t: TestApp,
  admin: TestUser,
  jurisdiction: string,
  name = 'Portland Police Bureau',
) {
  const res = await admin.raw('POST', '/api/admin/agencies', {
    name,
    jurisdiction,
    contact: 'records@police.example',
    reason: 'Verified by phone with the records unit',
  });
  expect(res.statusCode, res.body).toBe(201);
  const agencyId = res.json<{ id: number }>().id;
  const member = await addMember(t, admin, agencyId);
  return { agencyId, member };
}

/** A new agency-role account linked to the agency. */
export async function addMember(t: TestApp, admin: TestUser, agencyId: number) {
  const member = await makeUser(t, { role: 'agency', home: null });
  const link = await admin.raw('PUT', `/api/admin/agencies/${agencyId}/members/${member.id}`);
  expect(link.statusCode, link.body).toBe(200);
  return member;
}

/** A resident with a vault and one camera at `at` (opted in to agency requests unless told otherwise). */
export async function makeOwner(t: TestApp, at: LatLng, acceptAgencyRequests = true, user?: TestUser) {
  const owner = user ?? (await makeUser(t));
  const keys = await owner.raw('GET', '/api/vault/keys');
  if (keys.statusCode === 404) await setUpVault(owner);
  const res = await owner.api.POST('/api/cameras', {
    body: {
      name: `Camera ${Math.random().toString(36).slice(2, 7)}`,
      location: at,
      privacyZones: [],
      acceptAgencyRequests,
    },
  });
  expect(res.response.status, JSON.stringify(res.error)).toBe(201);
  return { owner, camera: res.data! };
}

export { HOME, offsetMeters };
