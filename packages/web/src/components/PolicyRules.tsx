import {
  LEGAL_BASIS_LABELS,
  M2_PER_MI2,
  OFFENSE_CATEGORIES,
  OFFENSE_CATEGORY_LABELS,
  polygonAreaM2,
  type Boundary,
  type LegalBasis,
  type OffenseCategory,
} from '@porchlight/policy';
import type { PolicyVersion, RequestPolicy } from '../api/transparency';

const words = (terms: readonly string[]): string =>
  terms.length === 0 ? 'None' : terms.map((t) => t.replaceAll('_', ' ')).join(', ');

/** Square metres as km², without trailing zeros. */
export const km2 = (m2: number): string => `${Number((m2 / 1_000_000).toFixed(4)).toString()} km²`;

/** Square metres as m² and mi², the units agencies and ordinances use. */
const area = (m2: number): string =>
  `${Math.round(m2).toLocaleString('en-GB')} m² (${Number((m2 / M2_PER_MI2).toPrecision(3)).toString()} mi²)`;

const label = (labels: Record<string, string>, value: string): string => labels[value] ?? value;

/** A request policy's rules (v1 or v2) as a definition list a resident can read. */
export function PolicyRules({ policy }: { policy: RequestPolicy }) {
  const v2 = 'version' in policy ? policy : null;
  const bases = v2
    ? v2.allowedLegalBases.map((b: LegalBasis) => label(LEGAL_BASIS_LABELS, b).toLowerCase()).join(', ')
    : words(policy.allowedLegalBases);
  return (
    <dl className="policy-rules">
      <dt>Area per request</dt>
      <dd>
        {v2
          ? `At least ${area(v2.minAreaM2)}, at most ${area(v2.maxAreaM2)}`
          : `At most ${km2(policy.maxAreaM2)}`}
      </dd>
      <dt>Longest time window</dt>
      <dd>{policy.maxWindowHours} hours</dd>
      {v2 ? (
        <>
          <dt>Oldest footage</dt>
          <dd>{v2.maxFootageAgeDays} days before the request</dd>
          <dt>Offense categories</dt>
          <dd>
            {v2.offenseCategories.length === OFFENSE_CATEGORIES.length
              ? 'Any'
              : v2.offenseCategories
                  .map((c: OffenseCategory) => label(OFFENSE_CATEGORY_LABELS, c))
                  .join(', ')}
          </dd>
        </>
      ) : null}
      <dt>Case number</dt>
      <dd>{policy.caseNumberRequired ? 'Required' : 'Not required'}</dd>
      <dt>Legal basis</dt>
      <dd>
        {policy.legalBasisRequired ? 'Required' : 'Not required'}
        {policy.allowedLegalBases.length > 0 ? ` — allowed: ${bases}` : ''}
      </dd>
      <dt>Prohibited purposes</dt>
      {v2 ? (
        <dd>
          {v2.prohibitedPurposes.length === 0 ? 'None' : null}
          <ul className="policy-rules__purposes">
            {v2.prohibitedPurposes.map((p) => (
              <li key={p.purpose}>
                {words([p.purpose])} — refused when the narrative mentions{' '}
                {p.terms.map((t) => `“${t}”`).join(', ')}
              </li>
            ))}
          </ul>
        </dd>
      ) : (
        <dd>{words(policy.prohibitedPurposes as string[])}</dd>
      )}
      <dt>Requests per case</dt>
      <dd>At most {policy.maxRequestsPerCase}</dd>
      {v2 ? (
        <>
          <dt>Requests per agency</dt>
          <dd>At most {v2.monthlyRequestCap} a month</dd>
          <dt>Owners have</dt>
          <dd>{v2.responseWindowDays} days to answer; after that the request expires</dd>
          <dt>Exigent requests</dt>
          <dd>
            {v2.exigentAllowed
              ? `Allowed; a written justification is due within ${v2.exigentJustificationHours} hours and is logged`
              : 'Not allowed'}
          </dd>
        </>
      ) : null}
      <dt>Agencies that may ask</dt>
      <dd>Verified agencies of {policy.eligibleAgencyJurisdictions.join(', ')}</dd>
      <dt>Disclosed footage kept</dt>
      <dd>
        {policy.disclosureRetentionDays} days, unless a logged legal hold names a case
        {v2 ? ` (a hold lasts at most ${v2.legalHoldMaxDays} days)` : ''}
      </dd>
      {v2 ? (
        <>
          <dt>Notice of legal demands</dt>
          <dd>Owners are told; a court may delay it at most {v2.nonDisclosureMaxDays} days</dd>
        </>
      ) : null}
    </dl>
  );
}

/** A policy version's boundary in words: its shape, size and published hash. */
export function BoundarySummary({ version }: { version: PolicyVersion }) {
  if (!version.boundary || !version.boundarySha256) return null;
  // The API types positions as number lists; the server validated them as [longitude, latitude] pairs.
  const boundary = version.boundary as Boundary;
  const rings = boundary.type === 'Polygon' ? [boundary.coordinates] : boundary.coordinates;
  const vertices = rings.flat().reduce((n, ring) => n + ring.length - 1, 0);
  return (
    <p className="muted">
      Boundary: {boundary.type === 'Polygon' ? 'one area' : `${rings.length} areas`}, {vertices} vertices,{' '}
      {km2(polygonAreaM2(boundary))}. Requests whose area lies inside it follow this policy.{' '}
      <span className="mono">Boundary SHA-256 {version.boundarySha256}</span>
    </p>
  );
}
