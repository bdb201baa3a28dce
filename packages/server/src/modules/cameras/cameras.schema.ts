import { Type } from 'typebox';
import { CoarseLocationSchema, Obj } from '../../http/schema.js';
import { PublicId } from '../../public-ids.js';
import { MAX_ZONES } from './zones.js';

export const MIN_RETENTION_DAYS = 1;
export const MAX_RETENTION_DAYS = 180;
export const DEFAULT_RETENTION_DAYS = 30;

const Name = Type.String({ minLength: 1, maxLength: 80, pattern: '\\S' });
const Point = Obj({
  lat: Type.Number({ minimum: -85, maximum: 85 }),
  lng: Type.Number({ minimum: -180, maximum: 180 }),
});
const Zones = Type.Array(
  Type.String({
    maxLength: 2000,
    description: 'Frigate polygon: normalised x1,y1,x2,y2,... (at least 3 points, each 0–1)',
  }),
  { maxItems: MAX_ZONES },
);
const Retention = Type.Integer({
  minimum: MIN_RETENTION_DAYS,
  maximum: MAX_RETENTION_DAYS,
  description: 'Days a clip is kept after it ends (1–180)',
});

export const CameraSchema = Obj(
  {
    id: PublicId('ca'),
    name: Type.String(),
    location: CoarseLocationSchema,
    privacyZones: Type.Array(Type.String()),
    retentionDays: Type.Integer(),
    acceptAgencyRequests: Type.Boolean(),
    createdAt: Type.String({ format: 'date-time' }),
  },
  { description: 'A camera. Its location is shown as an H3 cell centre, never the exact point (G8).' },
);

export const CameraList = Obj({ items: Type.Array(CameraSchema) });

export const CreateCameraBody = Obj({
  name: Name,
  location: Point,
  privacyZones: Zones,
  retentionDays: Type.Optional({ ...Retention, default: DEFAULT_RETENTION_DAYS }),
  acceptAgencyRequests: Type.Optional(Type.Boolean({ default: false })),
});

export const UpdateCameraBody = Type.Object(
  {
    name: Type.Optional(Name),
    location: Type.Optional(Point),
    privacyZones: Type.Optional(Zones),
    retentionDays: Type.Optional(Retention),
    acceptAgencyRequests: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);

/** A JPEG of a few hundred kB at 1080p; 4K frames stay well under this once encrypted. */
export const MAX_SNAPSHOT_BYTES = 3 * 1024 * 1024;
const Side = Type.Integer({ minimum: 16, maximum: 8192 });

export const PutSnapshotBody = Obj({
  ciphertext: Type.String({
    minLength: 1,
    maxLength: Math.ceil(MAX_SNAPSHOT_BYTES / 3) * 4,
    description: 'The JPEG frame, age-encrypted to the owner’s recipient (X25519 stanzas only), base64',
  }),
  width: Side,
  height: Side,
  takenAt: Type.String({ format: 'date-time', description: 'When the frame was recorded' }),
});

export const CameraSnapshotSchema = Obj(
  {
    ciphertext: Type.String({
      description: 'age ciphertext of a JPEG, base64; only the owner can decrypt it',
    }),
    width: Type.Integer(),
    height: Type.Integer(),
    takenAt: Type.String({ format: 'date-time' }),
  },
  { description: 'The camera’s latest frame from its hub, for drawing privacy zones over a real picture' },
);
