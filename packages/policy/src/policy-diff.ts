/**
 * What changed between two versions of a jurisdiction's request policy, rule by rule, in words a resident can
 * read: the policy page shows it under each version, against the one before.
 */
import { policyRules, type RequestPolicy, type RequestPolicyV2 } from './request-policy.js';

/** One rule that differs: its old and new value in words, and for lists the items added and removed. */
export interface PolicyChange {
  readonly rule: keyof RequestPolicyV2;
  readonly label: string;
  readonly from: string;
  readonly to: string;
  readonly added: readonly string[];
  readonly removed: readonly string[];
}

type Show = (p: RequestPolicyV2) => string | readonly string[];

const list = (items: readonly string[]) => items.map((x) => x.replaceAll('_', ' '));
const yesNo = (b: boolean) => (b ? 'yes' : 'no');

/** Every rule compared, in the order the policy page lists them. */
const RULES: readonly [keyof RequestPolicyV2, string, Show][] = [
  ['minAreaM2', 'Smallest area per request', (p) => `${p.minAreaM2} m²`],
  ['maxAreaM2', 'Largest area per request', (p) => `${p.maxAreaM2} m²`],
  ['maxWindowHours', 'Longest time window', (p) => `${p.maxWindowHours} hours`],
  ['maxFootageAgeDays', 'Oldest footage', (p) => `${p.maxFootageAgeDays} days`],
  ['offenseCategories', 'Offense categories', (p) => list(p.offenseCategories)],
  ['caseNumberRequired', 'Case number required', (p) => yesNo(p.caseNumberRequired)],
  ['legalBasisRequired', 'Legal basis required', (p) => yesNo(p.legalBasisRequired)],
  ['allowedLegalBases', 'Allowed legal bases', (p) => list(p.allowedLegalBases)],
  [
    'prohibitedPurposes',
    'Prohibited purposes',
    (p) =>
      p.prohibitedPurposes.map(
        (x) => `${x.purpose.replaceAll('_', ' ')} (${x.terms.map((t) => `“${t}”`).join(', ')})`,
      ),
  ],
  ['maxRequestsPerCase', 'Requests per case', (p) => String(p.maxRequestsPerCase)],
  ['monthlyRequestCap', 'Requests per agency a month', (p) => String(p.monthlyRequestCap)],
  ['responseWindowDays', 'Days owners have to answer', (p) => `${p.responseWindowDays} days`],
  ['exigentAllowed', 'Exigent requests allowed', (p) => yesNo(p.exigentAllowed)],
  [
    'exigentJustificationHours',
    'Exigent justification due within',
    (p) => `${p.exigentJustificationHours} hours`,
  ],
  [
    'eligibleAgencyJurisdictions',
    'Agencies that may ask (jurisdictions)',
    (p) => p.eligibleAgencyJurisdictions,
  ],
  ['disclosureRetentionDays', 'Disclosed footage kept', (p) => `${p.disclosureRetentionDays} days`],
  ['legalHoldMaxDays', 'Longest legal hold', (p) => `${p.legalHoldMaxDays} days`],
  ['nonDisclosureMaxDays', 'Longest delay of a demand’s notice', (p) => `${p.nonDisclosureMaxDays} days`],
];

const words = (v: string | readonly string[]) =>
  typeof v === 'string' ? v : v.length === 0 ? 'none' : v.join(', ');

/**
 * The rules that differ from `before` to `after`, in the policy page's order; empty when they read the same.
 * A v1 policy is compared as the v2 rules it stands for (`policyRules`).
 */
export function policyDiff(before: RequestPolicy, after: RequestPolicy): PolicyChange[] {
  const [a, b] = [policyRules(before), policyRules(after)];
  const out: PolicyChange[] = [];
  for (const [rule, label, show] of RULES) {
    const [from, to] = [show(a), show(b)];
    if (words(from) === words(to)) continue;
    const [x, y] = [typeof from === 'string' ? [] : from, typeof to === 'string' ? [] : to];
    out.push({
      rule,
      label,
      from: words(from),
      to: words(to),
      added: y.filter((v) => !x.includes(v)),
      removed: x.filter((v) => !y.includes(v)),
    });
  }
  return out;
}
