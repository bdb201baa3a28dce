import { Type } from 'typebox';
import { Obj } from '../../http/schema.js';
import { PublicId } from '../../public-ids.js';

export const DeviceSchema = Obj(
  {
    id: PublicId('dv'),
    name: Type.String(),
    createdAt: Type.String({ format: 'date-time' }),
    lastSeenAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    revokedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    keyCurrent: Type.Boolean({
      description:
        'Paired under the vault’s current key. False after a key rotation: the hub pinned the old key and ' +
        'refuses to encrypt until it is paired again.',
    }),
  },
  { description: 'A paired home hub' },
);

export const DeviceList = Obj({ items: Type.Array(DeviceSchema) });

export const PairingCodeSchema = Obj({
  code: Type.String({ description: 'Type this into the hub; single use, valid for 10 minutes' }),
  expiresAt: Type.String({ format: 'date-time' }),
});

export const PairBody = Obj({
  code: Type.String({ minLength: 1, maxLength: 32 }),
  name: Type.String({ minLength: 1, maxLength: 80, pattern: '\\S' }),
});

export const PairedSchema = Obj({
  device: DeviceSchema,
  token: Type.String({
    description: 'The device token: send as `Authorization: Bearer <token>`. Shown once.',
  }),
});

export const HubConfigSchema = Obj({
  recipient: Type.String({ description: 'Encrypt clips to this age recipient' }),
  cameras: Type.Array(
    Obj({
      id: PublicId('ca'),
      name: Type.String(),
      privacyZones: Type.Array(Type.String()),
      retentionDays: Type.Integer(),
    }),
  ),
});
