import { expect } from 'vitest';
import type { TestUser } from './client.js';

/** A request policy as an admin would type it: lists in no particular order. */
export const POLICY = {
  maxAreaM2: 2_000_000,
  maxWindowHours: 72,
  caseNumberRequired: true,
  legalBasisRequired: true,
  allowedLegalBases: ['warrant', 'consent', 'exigent_circumstances'],
  prohibitedPurposes: ['protest_monitoring', 'immigration_enforcement'],
  maxRequestsPerCase: 3,
  eligibleAgencyJurisdictions: ['portland-or'],
  disclosureRetentionDays: 90,
};

/** Publishes a policy version as `admin` (creating the jurisdiction with its first) and returns it. */
export async function publishPolicy(
  admin: TestUser,
  slug: string,
  body: { name?: string; policy?: typeof POLICY; reason?: string } = {},
) {
  const res = await admin.api.POST('/api/admin/jurisdictions/{slug}/policies', {
    params: { path: { slug } },
    body: {
      name: body.name ?? `Jurisdiction ${slug}`,
      policy: body.policy ?? { ...POLICY, eligibleAgencyJurisdictions: [slug] },
      reason: body.reason ?? 'Adopted by council',
    },
  });
  expect(res.response.status, JSON.stringify(res.error)).toBe(201);
  return res.data!;
}
