import { Type } from 'typebox';
import { MAX_RADIUS_M, MIN_RADIUS_M } from '../../geo/cells.js';
import { ROLES } from '@porchlight/policy';
import { CoarseLocationSchema, Literals, MAX_ID, Obj } from '../../http/schema.js';

export const RoleSchema = Literals(ROLES, {
  description: 'resident, agency (agency member), moderator or admin',
});

export const MeSchema = Obj(
  {
    id: Type.Integer(),
    email: Type.String(),
    displayName: Type.String(),
    role: RoleSchema,
    radiusM: Type.Integer({ description: 'Feed radius in metres' }),
    home: Type.Union([CoarseLocationSchema, Type.Null()]),
  },
  { description: 'The signed-in user' },
);

export const SetHomeBody = Obj({
  lat: Type.Number({ minimum: -85, maximum: 85 }),
  lng: Type.Number({ minimum: -180, maximum: 180 }),
  radiusM: Type.Optional(
    Type.Integer({
      minimum: MIN_RADIUS_M,
      maximum: MAX_RADIUS_M,
      description: 'Feed radius, 500–8000 m (default 1600)',
    }),
  ),
});

export const SetRadiusBody = Obj({
  radiusM: Type.Integer({ minimum: MIN_RADIUS_M, maximum: MAX_RADIUS_M }),
});

export const UserSummarySchema = Obj({
  id: Type.Integer(),
  email: Type.String(),
  displayName: Type.String(),
  role: RoleSchema,
  createdAt: Type.String({ format: 'date-time' }),
});

export const UserListQuery = Obj({
  q: Type.Optional(Type.String({ maxLength: 100 })),
  after: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_ID })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 50 })),
});

export const SetRoleBody = Obj({
  role: RoleSchema,
  reason: Type.String({
    minLength: 3,
    maxLength: 500,
    description: 'Why; published in the transparency log',
  }),
});
