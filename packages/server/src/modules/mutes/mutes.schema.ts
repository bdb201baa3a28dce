import { Type } from 'typebox';
import { Obj } from '../../http/schema.js';

export const MuteList = Obj(
  {
    items: Type.Array(
      Obj({
        user: Obj({ id: Type.Integer(), displayName: Type.String() }),
        mutedAt: Type.String({ format: 'date-time' }),
      }),
    ),
  },
  { description: 'People you muted, most recent first; they are not told' },
);

export const BlockList = Obj(
  {
    items: Type.Array(
      Obj({
        user: Obj({ id: Type.Integer(), displayName: Type.String() }),
        blockedAt: Type.String({ format: 'date-time' }),
      }),
    ),
  },
  { description: 'People you blocked, most recent first; they are not told' },
);
