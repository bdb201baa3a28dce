/**
 * The footage-request checker (issue 8 §3): one pure function the server runs before it publishes a request
 * and the web form runs as the agency types, so both name the same rules with the same words.
 */
import { polygonAreaM2, polygonWithin, type Boundary, type Polygon } from './geometry.js';
import { policyRules, type RequestPolicy } from './request-policy.js';
import { LEGAL_BASIS_LABELS, OFFENSE_CATEGORY_LABELS } from './vocabulary.js';

/** Every rule a request can break; the ids are stable (they appear in `request.refused` log entries). */
export const RULE_IDS = [
  'area_too_small',
  'area_too_large',
  'area_outside_jurisdiction',
  'window_invalid',
  'window_too_long',
  'window_in_future',
  'footage_too_old',
  'case_number_required',
  'legal_basis_required',
  'legal_basis_not_allowed',
  'offense_category_not_allowed',
  'requests_per_case',
  'monthly_cap',
  'prohibited_purpose',
  'exigent_not_allowed',
  'agency_not_eligible',
] as const;
export type RuleId = (typeof RULE_IDS)[number];

/** A broken rule, with the version of the policy that says so and what was wrong, in words. */
export interface Violation {
  rule: RuleId;
  policyVersion: number;
  message: string;
}

/** What an agency member drafts. Field formats (lengths, enums) are the route schema's job. */
export interface RequestDraft {
  caseNumber: string;
  offenseCategory: string;
  /** Empty or null: none cited. */
  legalBasis: string | null;
  investigatorName: string;
  investigatorContact: string;
  /** 40–2,000 characters (schema-checked). */
  narrative: string;
  area: Polygon;
  /** RFC 3339. */
  windowStart: string;
  windowEnd: string;
  exigent: boolean;
}

/** Counts only the server knows. The web form leaves them out, and those two rules are skipped. */
export interface RequestCounts {
  /** Requests this agency already published under this case number. */
  requestsForCase: number;
  /** Requests this agency already published in this jurisdiction this calendar month (UTC). */
  requestsThisMonth: number;
}

export interface CheckInput {
  policy: RequestPolicy;
  policyVersion: number;
  /** The jurisdiction of the agency filing the request. */
  agencyJurisdiction: string;
  draft: RequestDraft;
  now: Date;
  counts?: RequestCounts;
  /** The jurisdiction's boundary; without one, `area_outside_jurisdiction` is not checked. */
  boundary?: Boundary | null;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/i;

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Whether a narrative mentions a trigger term: as whole words (so `ICE` is not found in "police"), any run of
 * spaces or hyphens between the term's words, and common English endings (protest → protests, protesters,
 * protesting). An all-lowercase term matches in any case; a term with a capital matches only as written.
 */
export function narrativeMentions(narrative: string, term: string): boolean {
  const words = term.split(/[ -]+/).map(escape).join('[\\s-]+');
  const flags = term === term.toLowerCase() ? 'iu' : 'u';
  return new RegExp(`(?<![\\p{L}\\p{N}])${words}(?:s|es|ed|ing|ers?)?(?![\\p{L}\\p{N}])`, flags).test(
    narrative,
  );
}

const fmtM2 = (m2: number) => `${Math.round(m2).toLocaleString('en-US')} m²`;

function parseTime(s: string): number | undefined {
  if (!RFC3339.test(s)) return undefined;
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : t;
}

/**
 * Checks a draft against a jurisdiction's policy and returns EVERY rule it breaks (empty: it may be
 * published). Pure: the same input gives the same answer on the server and in the browser.
 */
export function checkRequest(input: CheckInput): Violation[] {
  const { draft, now, counts, boundary } = input;
  const rules = policyRules(input.policy);
  const out: Violation[] = [];
  const add = (rule: RuleId, message: string) =>
    out.push({ rule, policyVersion: input.policyVersion, message });

  const areaM2 = polygonAreaM2(draft.area);
  if (areaM2 < rules.minAreaM2)
    add('area_too_small', `the area is ${fmtM2(areaM2)}; the smallest allowed is ${fmtM2(rules.minAreaM2)}`);
  if (areaM2 > rules.maxAreaM2)
    add('area_too_large', `the area is ${fmtM2(areaM2)}; the largest allowed is ${fmtM2(rules.maxAreaM2)}`);
  if (boundary && !polygonWithin(draft.area, boundary))
    add('area_outside_jurisdiction', 'the area must lie entirely inside the jurisdiction’s boundary');

  const start = parseTime(draft.windowStart);
  const end = parseTime(draft.windowEnd);
  if (start === undefined || end === undefined || end <= start) {
    add('window_invalid', 'the window needs an RFC 3339 start and an end after it');
  } else {
    const hours = (end - start) / HOUR_MS;
    if (hours > rules.maxWindowHours)
      add(
        'window_too_long',
        `the window is ${Math.ceil(hours)} hours; the longest allowed is ${rules.maxWindowHours}`,
      );
    if (end > now.getTime()) add('window_in_future', 'the window must end before now: footage that exists');
    if (start < now.getTime() - rules.maxFootageAgeDays * DAY_MS)
      add('footage_too_old', `the window may start at most ${rules.maxFootageAgeDays} days ago`);
  }

  if (rules.caseNumberRequired && draft.caseNumber.trim() === '')
    add('case_number_required', 'a case number is required');
  const basis = draft.legalBasis ?? '';
  if (basis === '') {
    if (rules.legalBasisRequired) add('legal_basis_required', 'a legal basis is required');
  } else if (!(rules.allowedLegalBases as string[]).includes(basis)) {
    const allowed = rules.allowedLegalBases.map((b) => LEGAL_BASIS_LABELS[b].toLowerCase()).join(', ');
    add(
      'legal_basis_not_allowed',
      `“${basis}” is not an allowed legal basis here (allowed: ${allowed || 'none'})`,
    );
  }
  if (!(rules.offenseCategories as string[]).includes(draft.offenseCategory)) {
    const label = (OFFENSE_CATEGORY_LABELS as Record<string, string | undefined>)[draft.offenseCategory];
    add(
      'offense_category_not_allowed',
      `requests for “${label ?? draft.offenseCategory}” are not allowed here`,
    );
  }

  if (counts && counts.requestsForCase >= rules.maxRequestsPerCase)
    add(
      'requests_per_case',
      `this case already has ${counts.requestsForCase} of ${rules.maxRequestsPerCase} requests`,
    );
  if (counts && counts.requestsThisMonth >= rules.monthlyRequestCap)
    add(
      'monthly_cap',
      `this agency already filed ${counts.requestsThisMonth} of ${rules.monthlyRequestCap} this month`,
    );

  for (const { purpose, terms } of rules.prohibitedPurposes) {
    const found = terms.find((t) => narrativeMentions(draft.narrative, t));
    if (found)
      add(
        'prohibited_purpose',
        `the narrative mentions “${found}”: ${purpose.replaceAll('_', ' ')} is prohibited`,
      );
  }

  if (draft.exigent && !rules.exigentAllowed)
    add('exigent_not_allowed', 'exigent requests are not allowed here');
  if (!rules.eligibleAgencyJurisdictions.includes(input.agencyJurisdiction))
    add('agency_not_eligible', `agencies of ${input.agencyJurisdiction} may not file requests here`);
  return out;
}
