import {
  DEFAULT_POLICY,
  LEGAL_BASIS_LABELS,
  OFFENSE_CATEGORY_LABELS,
  type RequestPolicyV2,
} from '@porchlight/policy';
import type { Jurisdiction } from '../api/transparency';

/** A policy as the admin form holds it: numbers and lists as typed. */
export interface Draft {
  slug: string;
  name: string;
  minAreaM2: string;
  areaKm2: string;
  windowHours: string;
  footageAgeDays: string;
  responseDays: string;
  monthlyCap: string;
  caseNumberRequired: boolean;
  legalBasisRequired: boolean;
  allowedLegalBases: string;
  offenseCategories: string;
  /** One purpose a line: `purpose: term, term`. */
  prohibitedPurposes: string;
  maxRequestsPerCase: string;
  eligible: string;
  retentionDays: string;
  exigentAllowed: boolean;
  exigentHours: string;
  holdMaxDays: string;
  nonDisclosureMaxDays: string;
  /** GeoJSON Polygon or MultiPolygon, as pasted. */
  boundary: string;
  reason: string;
}

const purposeLines = (rules: RequestPolicyV2['prohibitedPurposes']): string =>
  rules.map((r) => `${r.purpose}: ${r.terms.join(', ')}`).join('\n');

export function draftOf(p: RequestPolicyV2, j?: Jurisdiction): Draft {
  return {
    slug: j?.slug ?? '',
    name: j?.name ?? '',
    minAreaM2: String(p.minAreaM2),
    areaKm2: String(p.maxAreaM2 / 1_000_000),
    windowHours: String(p.maxWindowHours),
    footageAgeDays: String(p.maxFootageAgeDays),
    responseDays: String(p.responseWindowDays),
    monthlyCap: String(p.monthlyRequestCap),
    caseNumberRequired: p.caseNumberRequired,
    legalBasisRequired: p.legalBasisRequired,
    allowedLegalBases: p.allowedLegalBases.join(', '),
    offenseCategories: p.offenseCategories.join(', '),
    prohibitedPurposes: purposeLines(p.prohibitedPurposes),
    maxRequestsPerCase: String(p.maxRequestsPerCase),
    eligible: p.eligibleAgencyJurisdictions.join(', '),
    retentionDays: String(p.disclosureRetentionDays),
    exigentAllowed: p.exigentAllowed,
    exigentHours: String(p.exigentJustificationHours),
    holdMaxDays: String(p.legalHoldMaxDays),
    nonDisclosureMaxDays: String(p.nonDisclosureMaxDays),
    boundary: j?.current.boundary ? JSON.stringify(j.current.boundary, null, 1) : '',
    reason: '',
  };
}

export const BLANK: Draft = draftOf({ ...DEFAULT_POLICY, eligibleAgencyJurisdictions: [] });

const list = (text: string): string[] =>
  text
    .split(/[,\n]/)
    .map((s) => s.trim())
    .filter(Boolean);

const key = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_|_$/g, '');

/**
 * A comma-separated list of vocabulary words as people type them: the id (`exigent_circumstances`) or its label
 * in any case ("Exigent Circumstances") both mean the id. A word that is neither is kept as typed, for the server
 * to name as not allowed.
 */
export function vocabularyList(text: string, labels: Record<string, string>): string[] {
  const byKey = new Map<string, string>();
  for (const [id, label] of Object.entries(labels)) {
    byKey.set(key(id), id);
    byKey.set(key(label), id);
  }
  return list(text).map((word) => byKey.get(key(word)) ?? word);
}

/** A jurisdiction's current policy as a v2 draft; a v1 policy's missing rules start at the defaults. */
export function fromPolicy(j: Jurisdiction): Draft {
  const p = j.current.policy;
  if ('version' in p) return draftOf(p, j);
  return draftOf(
    {
      ...DEFAULT_POLICY,
      maxAreaM2: p.maxAreaM2,
      maxWindowHours: p.maxWindowHours,
      caseNumberRequired: p.caseNumberRequired,
      legalBasisRequired: p.legalBasisRequired,
      maxRequestsPerCase: p.maxRequestsPerCase,
      eligibleAgencyJurisdictions: p.eligibleAgencyJurisdictions,
      disclosureRetentionDays: p.disclosureRetentionDays,
    },
    j,
  );
}

/** Numbers and lists are sent as typed; the server names anything out of range or unknown. */
export function toPolicy(d: Draft): RequestPolicyV2 {
  return {
    version: 2,
    minAreaM2: Number(d.minAreaM2),
    maxAreaM2: Math.round(Number(d.areaKm2) * 1_000_000),
    maxWindowHours: Number(d.windowHours),
    maxFootageAgeDays: Number(d.footageAgeDays),
    responseWindowDays: Number(d.responseDays),
    monthlyRequestCap: Number(d.monthlyCap),
    caseNumberRequired: d.caseNumberRequired,
    legalBasisRequired: d.legalBasisRequired,
    allowedLegalBases: vocabularyList(
      d.allowedLegalBases,
      LEGAL_BASIS_LABELS,
    ) as RequestPolicyV2['allowedLegalBases'],
    offenseCategories: vocabularyList(
      d.offenseCategories,
      OFFENSE_CATEGORY_LABELS,
    ) as RequestPolicyV2['offenseCategories'],
    prohibitedPurposes: d.prohibitedPurposes
      .split('\n')
      .filter((line) => line.trim())
      .map((line) => {
        const [purpose = '', terms = ''] = line.split(':');
        return { purpose: purpose.trim(), terms: list(terms) };
      }),
    maxRequestsPerCase: Number(d.maxRequestsPerCase),
    eligibleAgencyJurisdictions: d.eligible.trim() ? list(d.eligible) : [d.slug.trim()],
    disclosureRetentionDays: Number(d.retentionDays),
    exigentAllowed: d.exigentAllowed,
    exigentJustificationHours: Number(d.exigentHours),
    legalHoldMaxDays: Number(d.holdMaxDays),
    nonDisclosureMaxDays: Number(d.nonDisclosureMaxDays),
  };
}

/** The pasted boundary, or the text itself so the server names what is wrong with it. */
export function parseBoundary(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
