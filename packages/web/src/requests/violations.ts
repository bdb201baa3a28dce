import type { RuleId, Violation } from '@porchlight/policy';
import type { ApiError } from '../api/problem';

/** The form fields a violation can be shown beside; `general` is the summary above the form. */
export type RequestField =
  'caseNumber' | 'offenseCategory' | 'legalBasis' | 'narrative' | 'area' | 'window' | 'exigent' | 'general';

/** Where each rule's violation is shown: next to the field that would fix it. */
export const RULE_FIELD: Record<RuleId, RequestField> = {
  area_too_small: 'area',
  area_too_large: 'area',
  area_outside_jurisdiction: 'area',
  window_invalid: 'window',
  window_too_long: 'window',
  window_in_future: 'window',
  footage_too_old: 'window',
  case_number_required: 'caseNumber',
  requests_per_case: 'caseNumber',
  legal_basis_required: 'legalBasis',
  legal_basis_not_allowed: 'legalBasis',
  offense_category_not_allowed: 'offenseCategory',
  prohibited_purpose: 'narrative',
  exigent_not_allowed: 'exigent',
  monthly_cap: 'general',
  agency_not_eligible: 'general',
};

/** Violations grouped by the field they belong beside, in the order the checker gave them. */
export function violationsByField(violations: readonly Violation[]): Map<RequestField, Violation[]> {
  const out = new Map<RequestField, Violation[]>();
  for (const v of violations) {
    // A rule added to the server after this page was built still shows, above the form.
    const field = (RULE_FIELD as Partial<Record<string, RequestField>>)[v.rule] ?? 'general';
    out.set(field, [...(out.get(field) ?? []), v]);
  }
  return out;
}

function isViolation(value: unknown): value is Violation {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.rule === 'string' && typeof v.policyVersion === 'number' && typeof v.message === 'string';
}

/**
 * The violated rules in a `request_refused` problem (422), or null for any other failure. The problem
 * document carries them as `violations[]` beside the standard members.
 */
export function refusedViolations(error: ApiError): Violation[] | null {
  if (error.code !== 'request_refused') return null;
  const list = (error.problem as unknown as { violations?: unknown }).violations;
  return Array.isArray(list) ? list.filter(isViolation) : [];
}
