/**
 * A jurisdiction's footage-request policy (DESIGN.md G4) as it is published in the log. The log carries the
 * whole policy, so anyone can check a refusal against the rules in force, and the entry's `sha256` is the hash
 * of exactly these canonical bytes.
 *
 * Only integers, booleans, strings and sorted lists: canonical JSON has one spelling for each, so two parties
 * that agree on a policy agree on its hash.
 */
export interface RequestPolicy {
  /** Largest area one request may cover, in square metres (1 km² = 1,000,000). */
  maxAreaM2: number;
  /** Longest time window one request may cover, in hours. */
  maxWindowHours: number;
  caseNumberRequired: boolean;
  legalBasisRequired: boolean;
  /** Legal bases a request may cite (e.g. `warrant`, `consent`); sorted, unique. */
  allowedLegalBases: string[];
  /** Purposes a request may never serve (e.g. `immigration_enforcement`); sorted, unique. */
  prohibitedPurposes: string[];
  maxRequestsPerCase: number;
  /** Jurisdictions whose verified agencies may file requests here; sorted, unique. */
  eligibleAgencyJurisdictions: string[];
  /** Days a disclosed copy lives before it expires, unless a logged legal hold names a case. */
  disclosureRetentionDays: number;
}

/** The pattern of a jurisdiction slug: lowercase words joined by hyphens, e.g. `portland-or`. */
export const JURISDICTION_SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
/** The pattern of a legal basis or purpose: a lowercase snake_case term, e.g. `protest_monitoring`. */
export const POLICY_TERM = /^[a-z][a-z0-9_]*$/;

/** Bounds of every integer in a policy, shared with the server's request schema. */
export const POLICY_LIMITS = {
  maxAreaM2: [1, 10_000_000_000],
  maxWindowHours: [1, 8760],
  maxRequestsPerCase: [1, 1000],
  disclosureRetentionDays: [1, 3650],
} as const;

type Check = (value: unknown) => string | undefined;

const integer =
  ([min, max]: readonly [number, number]): Check =>
  (v) =>
    Number.isSafeInteger(v) && (v as number) >= min && (v as number) <= max
      ? undefined
      : `must be an integer from ${min} to ${max}`;

const boolean: Check = (v) => (typeof v === 'boolean' ? undefined : 'must be true or false');

const sortedTerms =
  (pattern: RegExp, min: number, max: number): Check =>
  (v) => {
    if (!Array.isArray(v) || v.length < min || v.length > max)
      return `must be a list of ${min} to ${max} items`;
    for (const [i, item] of v.entries()) {
      if (typeof item !== 'string' || item.length > 64 || !pattern.test(item))
        return `item ${i} must match ${String(pattern)} (at most 64 characters)`;
      if (i > 0 && (v[i - 1] as string) >= item) return 'must be sorted and without duplicates';
    }
    return undefined;
  };

const POLICY_FIELDS: Record<keyof RequestPolicy, Check> = {
  maxAreaM2: integer(POLICY_LIMITS.maxAreaM2),
  maxWindowHours: integer(POLICY_LIMITS.maxWindowHours),
  caseNumberRequired: boolean,
  legalBasisRequired: boolean,
  allowedLegalBases: sortedTerms(POLICY_TERM, 0, 20),
  prohibitedPurposes: sortedTerms(POLICY_TERM, 0, 50),
  maxRequestsPerCase: integer(POLICY_LIMITS.maxRequestsPerCase),
  eligibleAgencyJurisdictions: sortedTerms(JURISDICTION_SLUG, 1, 50),
  disclosureRetentionDays: integer(POLICY_LIMITS.disclosureRetentionDays),
};

/**
 * Checks a value against the request-policy schema. Returns one problem per bad field, each naming it
 * (`maxWindowHours must be an integer from 1 to 8760`); empty when the policy is valid.
 */
export function validateRequestPolicy(value: unknown): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return ['must be an object'];
  const p = value as Record<string, unknown>;
  const problems: string[] = [];
  for (const k of Object.keys(p)) if (!(k in POLICY_FIELDS)) problems.push(`${k} is not a policy field`);
  for (const [k, check] of Object.entries(POLICY_FIELDS)) {
    const problem = check(p[k]);
    if (problem) problems.push(`${k} ${problem}`);
  }
  // A required legal basis with nothing allowed would refuse every request while looking permissive.
  if (p.legalBasisRequired === true && Array.isArray(p.allowedLegalBases) && p.allowedLegalBases.length === 0)
    problems.push('allowedLegalBases must name at least one basis when legalBasisRequired is true');
  return problems;
}
