import type { RequestPolicy } from '../api/transparency';

const words = (terms: readonly string[]): string =>
  terms.length === 0 ? 'None' : terms.map((t) => t.replaceAll('_', ' ')).join(', ');

/** Square metres as km², without trailing zeros. */
export const km2 = (m2: number): string => `${Number((m2 / 1_000_000).toFixed(4)).toString()} km²`;

/** A request policy's rules as a definition list a resident can read. */
export function PolicyRules({ policy }: { policy: RequestPolicy }) {
  return (
    <dl className="policy-rules">
      <dt>Largest area per request</dt>
      <dd>{km2(policy.maxAreaM2)}</dd>
      <dt>Longest time window</dt>
      <dd>{policy.maxWindowHours} hours</dd>
      <dt>Case number</dt>
      <dd>{policy.caseNumberRequired ? 'Required' : 'Not required'}</dd>
      <dt>Legal basis</dt>
      <dd>
        {policy.legalBasisRequired ? 'Required' : 'Not required'}
        {policy.allowedLegalBases.length > 0 ? ` — allowed: ${words(policy.allowedLegalBases)}` : ''}
      </dd>
      <dt>Prohibited purposes</dt>
      <dd>{words(policy.prohibitedPurposes)}</dd>
      <dt>Requests per case</dt>
      <dd>At most {policy.maxRequestsPerCase}</dd>
      <dt>Agencies that may ask</dt>
      <dd>Verified agencies of {policy.eligibleAgencyJurisdictions.join(', ')}</dd>
      <dt>Disclosed footage kept</dt>
      <dd>{policy.disclosureRetentionDays} days, unless a logged legal hold names a case</dd>
    </dl>
  );
}
