import {
  JURISDICTION_SLUG,
  LEGAL_BASES,
  MAX_BOUNDARY_VERTICES,
  OFFENSE_CATEGORIES,
  POLICY_LIMITS,
  POLICY_TERM,
  TRIGGER_TERM,
} from '@porchlight/policy';
import { Type, type TSchema } from 'typebox';
import { Literals, Obj } from '../../http/schema.js';

/** A jurisdiction's public identifier, e.g. `portland-or`. */
export const JurisdictionSlug = Type.String({
  minLength: 1,
  maxLength: 64,
  pattern: JURISDICTION_SLUG.source,
  description: 'Lowercase words joined by hyphens, e.g. portland-or',
});

export const Reason = (description: string) =>
  Type.String({ minLength: 3, maxLength: 1000, pattern: '\\S', description });

const int = ([minimum, maximum]: readonly [number, number], description: string) =>
  Type.Integer({ minimum, maximum, description });

const terms = (description: string, maxItems: number, minItems = 0) =>
  Type.Array(Type.String({ maxLength: 64, pattern: POLICY_TERM.source }), {
    uniqueItems: true,
    minItems,
    maxItems,
    description: `${description} (snake_case terms; stored sorted)`,
  });

/**
 * The first policy schema (no `version` field). Versions published before v2 are still served and shown, so
 * jurisdictions keep their history; new versions must be v2 (publishing refuses v1).
 */
const V1_FIELDS = {
  maxAreaM2: int(POLICY_LIMITS.maxAreaM2, 'Largest area one request may cover, in m² (1 km² = 1000000)'),
  maxWindowHours: int(POLICY_LIMITS.maxWindowHours, 'Longest time window one request may cover, in hours'),
  caseNumberRequired: Type.Boolean({ description: 'A request must give a case number' }),
  legalBasisRequired: Type.Boolean({ description: 'A request must cite one of allowedLegalBases' }),
  allowedLegalBases: terms('Legal bases a request may cite, e.g. warrant, consent', 20),
  prohibitedPurposes: terms('Purposes a request may never serve, e.g. immigration_enforcement', 50),
  maxRequestsPerCase: int(POLICY_LIMITS.maxRequestsPerCase, 'Most requests one case may file'),
  eligibleAgencyJurisdictions: Type.Array(Type.String({ maxLength: 64, pattern: JURISDICTION_SLUG.source }), {
    uniqueItems: true,
    minItems: 1,
    maxItems: 50,
    description: 'Jurisdictions whose verified agencies may file requests here (this one or known ones)',
  }),
  disclosureRetentionDays: int(POLICY_LIMITS.disclosureRetentionDays, 'Days a disclosed copy lives'),
};

export const RequestPolicyV1Schema = Obj(V1_FIELDS, { description: 'A v1 jurisdiction request policy (G4)' });

const sortedUnique = <T extends TSchema>(items: T, description: string, minItems = 0) =>
  Type.Array(items, { uniqueItems: true, minItems, description: `${description} (stored sorted)` });

/**
 * The rules a jurisdiction sets for footage requests (DESIGN.md G4, issue 8 §1). Published whole in the
 * transparency log; its SHA-256 is of its canonical JSON. Mirrors `RequestPolicyV2` in @porchlight/policy,
 * which validates it again before it is logged.
 */
export const RequestPolicyV2Schema = Obj(
  {
    version: Type.Literal(2, {
      description: 'Policy schema version: 2 (v1 policies can still be read but no longer published)',
    }),
    minAreaM2: int(POLICY_LIMITS.minAreaM2, 'Smallest area one request may cover, in m² (0.025 mi² ≈ 64750)'),
    maxAreaM2: int(POLICY_LIMITS.maxAreaM2, 'Largest area one request may cover, in m² (1 km² = 1000000)'),
    maxWindowHours: int(POLICY_LIMITS.maxWindowHours, 'Longest time window one request may cover, in hours'),
    maxFootageAgeDays: int(POLICY_LIMITS.maxFootageAgeDays, 'Oldest footage a request may ask for, in days'),
    responseWindowDays: int(POLICY_LIMITS.responseWindowDays, 'Days owners have to answer a request'),
    monthlyRequestCap: int(POLICY_LIMITS.monthlyRequestCap, 'Requests one agency may publish here per month'),
    caseNumberRequired: Type.Boolean({ description: 'A request must give a case number' }),
    legalBasisRequired: Type.Boolean({ description: 'A request must cite one of allowedLegalBases' }),
    allowedLegalBases: sortedUnique(Literals(LEGAL_BASES), 'Legal bases a request may cite'),
    offenseCategories: sortedUnique(Literals(OFFENSE_CATEGORIES), 'Offense categories a request may name', 1),
    prohibitedPurposes: Type.Array(
      Obj({
        purpose: Type.String({
          maxLength: 64,
          pattern: POLICY_TERM.source,
          description: 'snake_case purpose',
        }),
        terms: Type.Array(Type.String({ minLength: 1, maxLength: 64, pattern: TRIGGER_TERM.source }), {
          uniqueItems: true,
          minItems: 1,
          maxItems: 50,
          description: 'Narrative words that show a request serves this purpose (lowercase: any case)',
        }),
      }),
      { maxItems: 20, description: 'Purposes a request may never serve (stored sorted by purpose)' },
    ),
    maxRequestsPerCase: int(POLICY_LIMITS.maxRequestsPerCase, 'Most requests one case may file'),
    eligibleAgencyJurisdictions: Type.Array(
      Type.String({ maxLength: 64, pattern: JURISDICTION_SLUG.source }),
      {
        uniqueItems: true,
        minItems: 1,
        maxItems: 50,
        description: 'Jurisdictions whose verified agencies may file requests here (this one or known ones)',
      },
    ),
    disclosureRetentionDays: int(POLICY_LIMITS.disclosureRetentionDays, 'Days a disclosed copy lives'),
    exigentAllowed: Type.Boolean({ description: 'Requests may claim exigent circumstances' }),
    exigentJustificationHours: int(
      POLICY_LIMITS.exigentJustificationHours,
      'Hours within which an exigent request must get its written justification',
    ),
    legalHoldMaxDays: int(POLICY_LIMITS.legalHoldMaxDays, 'Longest a legal hold may keep a disclosed copy'),
    nonDisclosureMaxDays: int(
      POLICY_LIMITS.nonDisclosureMaxDays,
      'Longest a non-disclosure order may delay an owner’s notice of a legal demand, in days',
    ),
  },
  { description: 'A v2 jurisdiction request policy (G4)' },
);

export const RequestPolicySchema = Type.Union([RequestPolicyV2Schema, RequestPolicyV1Schema], {
  description:
    'A jurisdiction request policy: v2 (with `version: 2`), or v1 for versions published before it',
});

const Position = Type.Array(Type.Number(), {
  minItems: 2,
  maxItems: 2,
  description: '[longitude, latitude] in degrees',
});
const Ring = Type.Array(Position, { minItems: 4, maxItems: MAX_BOUNDARY_VERTICES + 1 });

/** A jurisdiction's boundary: GeoJSON (RFC 7946) Polygon or MultiPolygon; checked further by the service. */
export const BoundarySchema = Type.Union(
  [
    Obj({ type: Type.Literal('Polygon'), coordinates: Type.Array(Ring, { minItems: 1, maxItems: 100 }) }),
    Obj({
      type: Type.Literal('MultiPolygon'),
      coordinates: Type.Array(Type.Array(Ring, { minItems: 1, maxItems: 100 }), {
        minItems: 1,
        maxItems: 100,
      }),
    }),
  ],
  {
    description: `GeoJSON Polygon or MultiPolygon: closed rings, no self-intersection, at most ${MAX_BOUNDARY_VERTICES} vertices`,
  },
);

export const PublishPolicyBody = Obj({
  name: Type.Optional(
    Type.String({
      minLength: 2,
      maxLength: 200,
      pattern: '\\S',
      description: 'The jurisdiction’s display name; required for its first version, optional after',
    }),
  ),
  policy: RequestPolicyV2Schema,
  boundary: Type.Optional(BoundarySchema),
  reason: Reason('Why this version; published in the transparency log'),
});

export const PolicyVersionSchema = Obj(
  {
    jurisdiction: JurisdictionSlug,
    name: Type.String({ description: 'The jurisdiction’s name when this version was published' }),
    version: Type.Integer({ minimum: 1 }),
    policy: RequestPolicySchema,
    sha256: Type.String({ description: 'Hex SHA-256 of the policy’s canonical JSON, as logged' }),
    boundary: Type.Union([BoundarySchema, Type.Null()], { description: 'The jurisdiction’s boundary (v2)' }),
    boundarySha256: Type.Union([Type.String(), Type.Null()], {
      description: 'Hex SHA-256 of the boundary’s canonical JSON, as logged (v2)',
    }),
    reason: Type.String(),
    publishedAt: Type.String({ format: 'date-time' }),
  },
  { description: 'One published, immutable version of a jurisdiction’s request policy' },
);

export const JurisdictionSchema = Obj({
  slug: JurisdictionSlug,
  name: Type.String(),
  currentVersion: Type.Integer({ minimum: 1 }),
  current: PolicyVersionSchema,
});

export const JurisdictionList = Obj({ items: Type.Array(JurisdictionSchema) });

export const PolicyHistory = Obj(
  { items: Type.Array(PolicyVersionSchema) },
  { description: 'Every version of the policy, newest first' },
);

export const SlugParams = Obj({ slug: JurisdictionSlug });

export const PolicyQuery = Obj({
  version: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000, description: 'Default: current' })),
});

export const BoundaryParams = Obj({
  sha256: Type.String({
    pattern: '^[0-9a-f]{64}$',
    description: 'Hex SHA-256 of the boundary’s canonical JSON, as a policy.changed entry logs it',
  }),
});
