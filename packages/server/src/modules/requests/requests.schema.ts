import { LEGAL_BASES, OFFENSE_CATEGORIES, type Polygon } from '@porchlight/policy';
import { Type, type Static } from 'typebox';
import { Literals, MAX_ID, Obj } from '../../http/schema.js';

export const RequestIdParams = Obj({
  id: Type.String({ pattern: '^rq_[A-Za-z0-9_-]{22}$', description: 'An opaque request id (rq_…)' }),
});

const Position = Type.Array(Type.Number(), {
  minItems: 2,
  maxItems: 2,
  description: '[longitude, latitude] in degrees (WGS 84)',
});

export const PolygonSchema = Obj(
  {
    type: Type.Literal('Polygon'),
    coordinates: Type.Array(Type.Array(Position, { minItems: 4, maxItems: 1_000 }), {
      minItems: 1,
      maxItems: 1,
      description: 'One closed ring (first position repeated last); holes are not accepted',
    }),
  },
  { description: 'A GeoJSON Polygon' },
);

const time = (description: string) => Type.String({ format: 'date-time', description });

/** What an agency member drafts. The checker and the schema together refuse anything the policy does not allow. */
export const DraftSchema = Obj({
  caseNumber: Type.String({
    maxLength: 64,
    description: 'The agency’s case number (may be empty when not required)',
  }),
  offenseCategory: Literals(OFFENSE_CATEGORIES, { description: 'NIBRS-style offense group' }),
  legalBasis: Literals(['', ...LEGAL_BASES] as const, {
    description: 'The legal basis the agency cites (empty: none)',
  }),
  investigatorName: Type.String({ minLength: 1, maxLength: 120 }),
  investigatorContact: Type.String({ minLength: 3, maxLength: 200 }),
  narrative: Type.String({ minLength: 40, maxLength: 2_000, description: 'Published with the request' }),
  area: PolygonSchema,
  windowStart: time('Start of the footage window (RFC 3339)'),
  windowEnd: time('End of the footage window (RFC 3339)'),
  exigent: Type.Boolean({ description: 'An emergency request: needs a written justification within hours' }),
});
/** A draft as the route hands it on; the schema guarantees each position is a [longitude, latitude] pair. */
export type Draft = Omit<Static<typeof DraftSchema>, 'area'> & { area: Polygon };

export const ViolationSchema = Obj({
  rule: Type.String({ description: 'Stable rule id, e.g. area_too_small' }),
  policyVersion: Type.Integer(),
  message: Type.String(),
});

export const CheckResult = Obj({
  violations: Type.Array(ViolationSchema),
  areaM2: Type.Number({ description: 'The area’s size in square metres' }),
  jurisdiction: Type.String({ description: 'The jurisdiction whose policy applied' }),
  policyVersion: Type.Integer(),
});

const StatusSchema = Literals(['open', 'closed', 'expired'] as const, { description: 'Lifecycle state' });

export const HoldSchema = Obj({
  caseNumber: Type.String(),
  justification: Type.String(),
  until: time('When the hold lapses'),
});

/**
 * A published request as anyone sees it. Deliberately nothing about who it reached: no match count, no
 * owners, no cameras (G7), and the area only as resolution-8 cells (never the drawn polygon).
 */
export const FootageRequestSchema = Obj({
  id: Type.String(),
  agency: Obj({ id: Type.Integer(), name: Type.String() }),
  jurisdiction: Type.String(),
  caseNumber: Type.String(),
  offenseCategory: Type.String(),
  legalBasis: Type.String(),
  narrative: Type.String(),
  cells: Type.Array(Type.String(), { description: 'H3 resolution-8 cells covering the area' }),
  areaM2: Type.Number(),
  windowStart: time('Start of the footage window'),
  windowEnd: time('End of the footage window'),
  createdAt: time('When it was published'),
  responseDeadline: time('After this the request expires'),
  status: StatusSchema,
  closedAt: Type.Union([time('When it closed or expired'), Type.Null()]),
  closedReason: Type.Union([Type.String(), Type.Null()]),
  exigent: Type.Boolean(),
  justification: Obj(
    {
      state: Literals(['not_required', 'due', 'given', 'missed', 'given_late'] as const, {
        description: 'Exigent requests owe a written justification by `due`',
      }),
      due: Type.Union([time('Deadline'), Type.Null()]),
      text: Type.Union([Type.String(), Type.Null()]),
      givenAt: Type.Union([time('When it was given'), Type.Null()]),
    },
    { description: 'The exigent justification' },
  ),
  policy: Obj({ version: Type.Integer(), sha256: Type.String() }),
  disclosuresCount: Type.Integer({ description: 'Clips owners chose to share' }),
  holds: Type.Array(HoldSchema),
  logIndex: Type.Union([Type.Integer(), Type.Null()], {
    description: 'Index of the request.published entry in the transparency log (null until sequenced)',
  }),
});

/** What the filing agency's own members also see: who is investigating, and the exact area they drew. */
export const AgencyFootageRequestSchema = Obj({
  request: FootageRequestSchema,
  investigatorName: Type.String(),
  investigatorContact: Type.String(),
  area: PolygonSchema,
});

export const RequestListQuery = Obj({
  agency: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_ID, description: 'Agency id' })),
  jurisdiction: Type.Optional(Type.String({ maxLength: 64 })),
  status: Type.Optional(StatusSchema),
  month: Type.Optional(Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])$', description: 'YYYY-MM (UTC)' })),
  cursor: Type.Optional(Type.String({ maxLength: 200, description: 'Opaque cursor from a previous page' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
});

export const RequestPage = Obj({
  items: Type.Array(FootageRequestSchema),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});

export const CloseBody = Obj({ reason: Type.String({ minLength: 3, maxLength: 500 }) });
export const JustificationBody = Obj({ text: Type.String({ minLength: 20, maxLength: 4_000 }) });
