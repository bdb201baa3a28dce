/**
 * A jurisdiction's footage-request policy (DESIGN.md G4) as it is published in the log. The log carries the
 * whole policy, so anyone can check a refusal against the rules in force, and the entry's `sha256` is the hash
 * of exactly these canonical bytes.
 *
 * Only integers, booleans, strings and sorted lists: canonical JSON has one spelling for each, so two parties
 * that agree on a policy agree on its hash.
 */
import {
  DEFAULT_PROHIBITED_PURPOSE_TERMS,
  LEGAL_BASES,
  OFFENSE_CATEGORIES,
  PROHIBITED_PURPOSES,
  type LegalBasis,
  type OffenseCategory,
} from './vocabulary.js';

/** The first policy schema: still valid in the log, so logs published before v2 keep auditing. */
export interface RequestPolicyV1 {
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

/** A prohibited purpose and the narrative words that show a request serves it. */
export interface ProhibitedPurposeRule {
  /** A snake_case purpose, e.g. `immigration_enforcement`. */
  purpose: string;
  /**
   * Words or phrases; sorted, unique. An all-lowercase term matches in any case; a term with a capital letter
   * matches only as written, so `ICE` (the agency) does not match "ice on the road".
   */
  terms: string[];
}

/** The current policy schema (issue 8): v1's rules, every rule the request checker applies, and its marker. */
export interface RequestPolicyV2 extends Omit<RequestPolicyV1, 'prohibitedPurposes' | 'allowedLegalBases'> {
  version: 2;
  /** Smallest area one request may cover, in m², so one house cannot be targeted [64,750 ≈ 0.025 mi²]. */
  minAreaM2: number;
  allowedLegalBases: LegalBasis[];
  /** Oldest footage a request may ask for, in days before the request [30]. */
  maxFootageAgeDays: number;
  /** Days owners have to answer before the request expires [7]. */
  responseWindowDays: number;
  /** Requests one agency may publish here per calendar month (UTC) [50]. */
  monthlyRequestCap: number;
  /** Offense categories a request may name; sorted, unique, from `OFFENSE_CATEGORIES`. */
  offenseCategories: OffenseCategory[];
  /** Sorted by purpose, unique. */
  prohibitedPurposes: ProhibitedPurposeRule[];
  /** Whether a request may claim exigent circumstances (and so a written justification after the fact). */
  exigentAllowed: boolean;
  /** Hours within which an exigent request must get its logged justification [48]. */
  exigentJustificationHours: number;
  /** Longest a legal hold may keep a disclosed copy, in days [365]. */
  legalHoldMaxDays: number;
  /** Longest a non-disclosure order may delay an owner's notice of a legal demand, in days [90]. */
  nonDisclosureMaxDays: number;
}

/** Any request policy the log may carry. New policies are v2. */
export type RequestPolicy = RequestPolicyV1 | RequestPolicyV2;

/** The pattern of a jurisdiction slug: lowercase words joined by hyphens, e.g. `portland-or`. */
export const JURISDICTION_SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
/** The pattern of a legal basis or purpose: a lowercase snake_case term, e.g. `protest_monitoring`. */
export const POLICY_TERM = /^[a-z][a-z0-9_]*$/;
/** The pattern of a narrative trigger term: words of letters and digits, single spaces, hyphens, apostrophes. */
export const TRIGGER_TERM = /^[A-Za-z0-9]+(?:[ '-][A-Za-z0-9]+)*$/;

/** Bounds of every integer in a policy, shared with the server's request schema and the admin form. */
export const POLICY_LIMITS = {
  maxAreaM2: [1, 10_000_000_000],
  minAreaM2: [1, 10_000_000_000],
  maxWindowHours: [1, 8760],
  maxRequestsPerCase: [1, 1000],
  disclosureRetentionDays: [1, 3650],
  maxFootageAgeDays: [1, 3650],
  responseWindowDays: [1, 365],
  monthlyRequestCap: [1, 100_000],
  exigentJustificationHours: [1, 720],
  legalHoldMaxDays: [1, 3650],
  nonDisclosureMaxDays: [1, 3650],
} as const;

/** Square metres in a square mile. */
export const M2_PER_MI2 = 2_589_988.110336;

/** The policy a new jurisdiction starts from (issue 8 §1); an admin adjusts it before publishing. */
export const DEFAULT_POLICY: Omit<RequestPolicyV2, 'eligibleAgencyJurisdictions'> = {
  version: 2,
  minAreaM2: 64_750,
  maxAreaM2: 2_000_000,
  maxWindowHours: 72,
  maxFootageAgeDays: 30,
  responseWindowDays: 7,
  monthlyRequestCap: 50,
  caseNumberRequired: true,
  legalBasisRequired: true,
  allowedLegalBases: ['consent', 'court_order', 'exigent_circumstances', 'subpoena', 'warrant'],
  offenseCategories: [...OFFENSE_CATEGORIES],
  prohibitedPurposes: PROHIBITED_PURPOSES.map((purpose) => ({
    purpose,
    terms: [...DEFAULT_PROHIBITED_PURPOSE_TERMS[purpose]],
  })),
  maxRequestsPerCase: 3,
  disclosureRetentionDays: 90,
  exigentAllowed: true,
  exigentJustificationHours: 48,
  legalHoldMaxDays: 365,
  nonDisclosureMaxDays: 90,
};

type Check = (value: unknown) => string | undefined;

const integer =
  ([min, max]: readonly [number, number]): Check =>
  (v) =>
    Number.isSafeInteger(v) && (v as number) >= min && (v as number) <= max
      ? undefined
      : `must be an integer from ${min} to ${max}`;

const boolean: Check = (v) => (typeof v === 'boolean' ? undefined : 'must be true or false');

/** A list of strings, sorted in code-unit order and unique, so it has one canonical spelling. */
const sortedList =
  (item: (s: string) => boolean, what: string, min: number, max: number): Check =>
  (v) => {
    if (!Array.isArray(v) || v.length < min || v.length > max)
      return `must be a list of ${min} to ${max} items`;
    for (const [i, x] of v.entries()) {
      if (typeof x !== 'string' || x.length > 64 || !item(x)) return `item ${i} must ${what}`;
      if (i > 0 && (v[i - 1] as string) >= x) return 'must be sorted and without duplicates';
    }
    return undefined;
  };

const sortedTerms = (pattern: RegExp, min: number, max: number): Check =>
  sortedList((s) => pattern.test(s), `match ${String(pattern)} (at most 64 characters)`, min, max);

const oneOf = (values: readonly string[]) => (s: string) => values.includes(s);

const prohibitedPurposes: Check = (v) => {
  if (!Array.isArray(v) || v.length > 20) return 'must be a list of at most 20 purposes';
  const terms = sortedTerms(TRIGGER_TERM, 1, 50);
  for (const [i, rule] of v.entries()) {
    if (typeof rule !== 'object' || rule === null || Array.isArray(rule))
      return `item ${i} must be an object with purpose and terms`;
    const r = rule as Record<string, unknown>;
    const extra = Object.keys(r).filter((k) => k !== 'purpose' && k !== 'terms');
    if (extra.length > 0) return `item ${i} has unknown field ${extra[0]}`;
    if (typeof r.purpose !== 'string' || r.purpose.length > 64 || !POLICY_TERM.test(r.purpose))
      return `item ${i}.purpose must be a snake_case term`;
    const problem = terms(r.terms);
    if (problem) return `item ${i}.terms ${problem}`;
    const prev = v[i - 1] as { purpose?: unknown } | undefined;
    if (prev && typeof prev.purpose === 'string' && prev.purpose >= r.purpose)
      return 'must be sorted by purpose and without duplicates';
  }
  return undefined;
};

const V1_FIELDS: Record<keyof RequestPolicyV1, Check> = {
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

const V2_FIELDS: Record<keyof RequestPolicyV2, Check> = {
  ...V1_FIELDS,
  version: (v) => (v === 2 ? undefined : 'must be 2'),
  minAreaM2: integer(POLICY_LIMITS.minAreaM2),
  allowedLegalBases: sortedList(
    oneOf(LEGAL_BASES),
    `be one of ${LEGAL_BASES.join(', ')}`,
    0,
    LEGAL_BASES.length,
  ),
  maxFootageAgeDays: integer(POLICY_LIMITS.maxFootageAgeDays),
  responseWindowDays: integer(POLICY_LIMITS.responseWindowDays),
  monthlyRequestCap: integer(POLICY_LIMITS.monthlyRequestCap),
  offenseCategories: sortedList(
    oneOf(OFFENSE_CATEGORIES),
    'be an offense category (see OFFENSE_CATEGORIES)',
    1,
    OFFENSE_CATEGORIES.length,
  ),
  prohibitedPurposes,
  exigentAllowed: boolean,
  exigentJustificationHours: integer(POLICY_LIMITS.exigentJustificationHours),
  legalHoldMaxDays: integer(POLICY_LIMITS.legalHoldMaxDays),
  nonDisclosureMaxDays: integer(POLICY_LIMITS.nonDisclosureMaxDays),
};

/**
 * Checks a value against the request-policy schema: v2 when it has `version: 2`, v1 when it has no `version`.
 * Returns one problem per bad field, each naming it (`maxWindowHours must be an integer from 1 to 8760`);
 * empty when the policy is valid.
 */
export function validateRequestPolicy(value: unknown): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return ['must be an object'];
  const p = value as Record<string, unknown>;
  if ('version' in p && p.version !== 2) return ['version must be 2 (or absent, for a v1 policy)'];
  const fields: Record<string, Check> = 'version' in p ? V2_FIELDS : V1_FIELDS;
  const problems: string[] = [];
  for (const k of Object.keys(p)) if (!(k in fields)) problems.push(`${k} is not a policy field`);
  for (const [k, check] of Object.entries(fields)) {
    const problem = check(p[k]);
    if (problem) problems.push(`${k} ${problem}`);
  }
  // A required legal basis with nothing allowed would refuse every request while looking permissive.
  if (p.legalBasisRequired === true && Array.isArray(p.allowedLegalBases) && p.allowedLegalBases.length === 0)
    problems.push('allowedLegalBases must name at least one basis when legalBasisRequired is true');
  if (typeof p.minAreaM2 === 'number' && typeof p.maxAreaM2 === 'number' && p.minAreaM2 > p.maxAreaM2)
    problems.push('minAreaM2 must not be larger than maxAreaM2');
  return problems;
}

/** Whether a (valid) policy is v2. */
export function isPolicyV2(policy: RequestPolicy): policy is RequestPolicyV2 {
  return 'version' in policy;
}

/**
 * The rules a policy enforces, in v2's shape. A v1 policy never published the rules v2 added, so they take
 * their most permissive value rather than v2's defaults: a request is refused only by rules that were public.
 */
export function policyRules(policy: RequestPolicy): RequestPolicyV2 {
  if (isPolicyV2(policy)) return policy;
  return {
    version: 2,
    maxAreaM2: policy.maxAreaM2,
    minAreaM2: 1,
    maxWindowHours: policy.maxWindowHours,
    caseNumberRequired: policy.caseNumberRequired,
    legalBasisRequired: policy.legalBasisRequired,
    allowedLegalBases: policy.allowedLegalBases.filter(oneOf(LEGAL_BASES)) as LegalBasis[],
    maxRequestsPerCase: policy.maxRequestsPerCase,
    eligibleAgencyJurisdictions: policy.eligibleAgencyJurisdictions,
    disclosureRetentionDays: policy.disclosureRetentionDays,
    maxFootageAgeDays: POLICY_LIMITS.maxFootageAgeDays[1],
    responseWindowDays: DEFAULT_POLICY.responseWindowDays,
    monthlyRequestCap: POLICY_LIMITS.monthlyRequestCap[1],
    offenseCategories: [...OFFENSE_CATEGORIES],
    // v1 named purposes only; its own words (and the default terms, where it named a default purpose) stand in.
    prohibitedPurposes: policy.prohibitedPurposes.map((purpose) => ({
      purpose,
      terms: [
        ...new Set([
          purpose.replaceAll('_', ' '),
          ...((DEFAULT_PROHIBITED_PURPOSE_TERMS as Record<string, string[] | undefined>)[purpose] ?? []),
        ]),
      ].sort(),
    })),
    exigentAllowed: true,
    exigentJustificationHours: DEFAULT_POLICY.exigentJustificationHours,
    legalHoldMaxDays: DEFAULT_POLICY.legalHoldMaxDays,
    nonDisclosureMaxDays: DEFAULT_POLICY.nonDisclosureMaxDays,
  };
}
