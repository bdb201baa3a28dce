import { JURISDICTION_SLUG, POLICY_LIMITS, POLICY_TERM } from '@porchlight/tlog';
import { Type } from 'typebox';
import { Obj } from '../../http/schema.js';

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
 * The rules a jurisdiction sets for footage requests (DESIGN.md G4). Published whole in the transparency log;
 * its SHA-256 is of its canonical JSON. Mirrors `RequestPolicy` in @porchlight/tlog, which validates it again
 * before it is logged.
 */
export const RequestPolicySchema = Obj(
  {
    maxAreaM2: int(POLICY_LIMITS.maxAreaM2, 'Largest area one request may cover, in m² (1 km² = 1000000)'),
    maxWindowHours: int(POLICY_LIMITS.maxWindowHours, 'Longest time window one request may cover, in hours'),
    caseNumberRequired: Type.Boolean({ description: 'A request must give a case number' }),
    legalBasisRequired: Type.Boolean({ description: 'A request must cite one of allowedLegalBases' }),
    allowedLegalBases: terms('Legal bases a request may cite, e.g. warrant, consent', 20),
    prohibitedPurposes: terms('Purposes a request may never serve, e.g. immigration_enforcement', 50),
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
    disclosureRetentionDays: Type.Integer({
      minimum: POLICY_LIMITS.disclosureRetentionDays[0],
      maximum: POLICY_LIMITS.disclosureRetentionDays[1],
      default: 90,
      description: 'Days a disclosed copy lives unless a logged legal hold names a case (default 90)',
    }),
  },
  { description: 'A jurisdiction request policy (G4)' },
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
  policy: RequestPolicySchema,
  reason: Reason('Why this version; published in the transparency log'),
});

export const PolicyVersionSchema = Obj(
  {
    jurisdiction: JurisdictionSlug,
    name: Type.String({ description: 'The jurisdiction’s name when this version was published' }),
    version: Type.Integer({ minimum: 1 }),
    policy: RequestPolicySchema,
    sha256: Type.String({ description: 'Hex SHA-256 of the policy’s canonical JSON, as logged' }),
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
