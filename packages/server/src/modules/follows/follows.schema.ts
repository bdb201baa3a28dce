import { Type } from 'typebox';
import { Obj } from '../../http/schema.js';

export const FollowState = Obj(
  {
    following: Type.Boolean({
      description: 'Whether you hear of new comments and updates (edited, resolved) on this post',
    }),
  },
  { description: 'Whether you follow a post; private to you' },
);
