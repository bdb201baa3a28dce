import { Type } from 'typebox';
import { CursorQuery, Obj } from '../../http/schema.js';
import { PublicId } from '../../public-ids.js';

export const ClipSchema = Obj(
  {
    id: PublicId('cl'),
    cameraId: PublicId('ca'),
    startedAt: Type.String({ format: 'date-time' }),
    endedAt: Type.String({ format: 'date-time' }),
    sizeBytes: Type.Integer({ description: 'Ciphertext size' }),
    sha256: Type.String({ description: 'SHA-256 of the ciphertext, hex' }),
    createdAt: Type.String({ format: 'date-time' }),
    expiresAt: Type.String({ format: 'date-time', description: 'endedAt + the camera’s retention' }),
  },
  { description: 'An age-encrypted clip in your vault' },
);

export const ClipPage = Obj({
  items: Type.Array(ClipSchema),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});

export const ClipQuery = Obj({
  cameraId: Type.Optional(PublicId('ca', 'Only this camera’s clips (ca_…)')),
  from: Type.Optional(Type.String({ format: 'date-time', description: 'Clips that end at or after this' })),
  to: Type.Optional(Type.String({ format: 'date-time', description: 'Clips that start before this' })),
  ...CursorQuery,
});

/** The ciphertext download, for OpenAPI: binary age bytes, whole or a range. */
export const CiphertextResponse = {
  content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
} as const;
