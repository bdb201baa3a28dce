import { BLUR_KINDS, TRACK_KINDS, TRACK_SOURCES, type TrackKind, type TrackSource } from '@porchlight/redact';
import { Type, type Static, type TInteger } from 'typebox';
import { Literals, Obj } from '../../http/schema.js';

const Sha256 = Type.String({ pattern: '^[0-9a-f]{64}$' });
const LogIndex = Type.Union([Type.Integer({ minimum: 0 }), Type.Null()], {
  description: 'Index of the disclosure.created entry in the transparency log; null until it is sequenced',
});

const Count = Type.Integer({ minimum: 0, maximum: 10_000 });
const counts = <K extends string>(keys: readonly K[]) =>
  Obj(Object.fromEntries(keys.map((k) => [k, Count])) as Record<K, TInteger>);

/** A privacy zone of the camera, burned into every frame at home before the clip was stored. */
export const PrivacyZoneRedaction = Obj(
  {
    kind: Type.Literal('privacy_zone'),
    zone: Type.String({ minLength: 1, maxLength: 2000, description: 'The zone as the camera stores it' }),
  },
  { description: 'A camera privacy zone burned in at home' },
);

/**
 * `@porchlight/redact`'s summary of what the owner's redaction step did to a copy, in counts and kinds: never a
 * coordinate, a picture or anything drawn from a face. A disclosure's manifest and a posted video carry it.
 */
export const RedactionSummarySchema = Obj(
  {
    version: Type.Integer({ minimum: 1 }),
    trimmed: Type.Union([
      Obj({ start: Type.Number({ minimum: 0 }), end: Type.Number({ minimum: 0 }) }),
      Type.Null(),
    ]),
    blur: Literals(BLUR_KINDS),
    regions: counts<TrackKind>(TRACK_KINDS),
    placedBy: counts<TrackSource>(TRACK_SOURCES),
    frameBlurSeconds: Type.Number({ minimum: 0 }),
    muted: Type.Boolean(),
  },
  { description: 'What the owner’s redaction step did (counts and kinds only)' },
);
export type RedactionSummary = Static<typeof RedactionSummarySchema>;

/** What the owner's redaction step did to this copy of a disclosed clip. */
export const OwnerRedaction = Obj(
  {
    kind: Type.Literal('owner_redaction'),
    summary: RedactionSummarySchema,
  },
  { description: 'Trimmed, blurred or muted by the owner before sharing (counts and kinds only)' },
);

export const RedactionApplied = Type.Union([PrivacyZoneRedaction, OwnerRedaction]);
export type RedactionApplied = Static<typeof RedactionApplied>;

export const DisclosureIdParams = Obj({
  id: Type.String({ pattern: '^ds_[A-Za-z0-9_-]{22}$', description: 'Disclosure id' }),
});
export const RequestIdParams = Obj({
  id: Type.String({ pattern: '^rq_[A-Za-z0-9_-]{22}$', description: 'Footage request id' }),
});

export const HoldSchema = Obj(
  {
    disclosureId: Type.String(),
    caseNumber: Type.String(),
    justification: Type.String(),
    until: Type.String({ format: 'date-time' }),
    createdAt: Type.String({ format: 'date-time' }),
    logIndex: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]),
  },
  { description: 'A logged legal hold keeping a disclosed copy past its retention' },
);

const facts = {
  id: Type.String(),
  requestId: Type.String(),
  status: Type.Union([Type.Literal('shared'), Type.Literal('revoked'), Type.Literal('expired')]),
  plaintextSha256: Sha256,
  ciphertextSha256: Sha256,
  plaintextBytes: Type.Integer({ minimum: 0 }),
  ciphertextBytes: Type.Integer({ minimum: 1 }),
  captureStart: Type.String({ format: 'date-time' }),
  captureEnd: Type.String({ format: 'date-time' }),
  coarseCell: Type.Optional(
    Type.String({ description: 'The camera’s H3 cell (res ≤ 8), only if the owner chose' }),
  ),
  redactions: Type.Array(RedactionApplied, {
    maxItems: 100,
    description: 'Redactions applied before the agency got the copy, as the owner’s browser stated them',
  }),
  createdAt: Type.String({ format: 'date-time' }),
  expiresAt: Type.String({ format: 'date-time', description: 'When the copy is deleted' }),
  logIndex: LogIndex,
};

export const OwnDisclosureList = Obj({
  items: Type.Array(
    Obj(
      {
        ...facts,
        downloaded: Type.Boolean({ description: 'The agency downloaded it: it can no longer be revoked' }),
      },
      { description: 'A clip you shared with an agency' },
    ),
  ),
});

export const AgencyDisclosureList = Obj({
  items: Type.Array(
    Obj(
      { ...facts, holds: Type.Array(HoldSchema) },
      { description: 'A disclosure, logged before it is listed' },
    ),
  ),
});

export const HoldBody = Obj({
  caseNumber: Type.String({ minLength: 1, maxLength: 100 }),
  justification: Type.String({ minLength: 10, maxLength: 2000 }),
  until: Type.String({
    format: 'date-time',
    description: 'New expiry; at most the policy’s legalHoldMaxDays away',
  }),
});

export const CiphertextResponse = {
  description: 'age ciphertext, exactly as the owner uploaded it',
  content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
};
