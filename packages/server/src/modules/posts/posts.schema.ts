import { Type } from 'typebox';
import { POST_CATEGORIES, REACTION_KINDS, REPORT_RULES } from '@porchlight/policy';
import { CoarseLocationSchema, CursorQuery, Literals, Obj } from '../../http/schema.js';
import { PublicId, PublicIdParams } from '../../public-ids.js';
import { MEDIA_LIMITS } from '../media/media.limits.js';
import { MediaId, PostMediaSchema } from '../media/media.schema.js';

export const CategorySchema = Literals(POST_CATEGORIES, { description: 'Post category' });

export const ReactionKindSchema = Literals(REACTION_KINDS);

const Detail = (description: string) => Type.Optional(Type.String({ maxLength: 200, description }));

export const PersonSchema = Obj(
  {
    behaviour: Type.String({ minLength: 1, maxLength: 1000, description: 'What the person did' }),
    clothing: Detail('Clothing'),
    vehicle: Detail('Vehicle'),
    directionOfTravel: Detail('Direction of travel'),
    appearance: Detail('Appearance; never enough on its own'),
  },
  { description: 'Required when a crime or suspicious-activity post describes a person' },
);

export const CreatePostBody = Obj({
  category: CategorySchema,
  title: Type.String({ minLength: 3, maxLength: 140, pattern: '\\S' }),
  body: Type.String({ minLength: 1, maxLength: 5000, pattern: '\\S' }),
  location: Type.Optional(
    Obj(
      {
        lat: Type.Number({ minimum: -85, maximum: 85 }),
        lng: Type.Number({ minimum: -180, maximum: 180 }),
      },
      { description: 'Where it happened; snapped to a cell before it is stored. Defaults to your home.' },
    ),
  ),
  person: Type.Optional(PersonSchema),
  media: Type.Optional(
    Type.Array(MediaId, {
      maxItems: MEDIA_LIMITS.perPost,
      uniqueItems: true,
      description: 'Photos and videos you uploaded (POST /api/media/uploads, tus), in the order to show them',
    }),
  ),
});

const ReactionCounts = Obj({
  thanks: Type.Integer(),
  helpful: Type.Integer(),
  agree: Type.Integer(),
  sad: Type.Integer(),
});

export const ModerationNoticeSchema = Obj(
  {
    action: Type.Union([Type.Literal('hide'), Type.Literal('restore')]),
    reason: Type.String(),
    decidedAt: Type.String({ format: 'date-time' }),
    appeal: Type.Union([
      Obj({
        status: Type.Union([Type.Literal('pending'), Type.Literal('upheld'), Type.Literal('overturned')]),
        statement: Type.String(),
        decisionReason: Type.Union([Type.String(), Type.Null()]),
        createdAt: Type.String({ format: 'date-time' }),
        decidedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
      }),
      Type.Null(),
    ]),
  },
  { description: 'The latest moderation decision; shown to the author and moderators only' },
);

export const PostSchema = Obj({
  id: PublicId('po'),
  category: CategorySchema,
  title: Type.String(),
  body: Type.String(),
  author: Obj({ id: Type.Integer(), displayName: Type.String(), isAgency: Type.Boolean() }),
  location: CoarseLocationSchema,
  person: Type.Union([PersonSchema, Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
  commentCount: Type.Integer(),
  reactions: ReactionCounts,
  myReaction: Type.Union([ReactionKindSchema, Type.Null()]),
  status: Type.Union([Type.Literal('visible'), Type.Literal('hidden')]),
  isMine: Type.Boolean(),
  moderation: Type.Union([ModerationNoticeSchema, Type.Null()]),
  media: Type.Array(PostMediaSchema),
});

export const PostPage = Obj({
  items: Type.Array(PostSchema),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});

export const FeedQuery = Obj({
  ...CursorQuery,
  category: Type.Optional(CategorySchema),
});

export const PageQuery = Obj(CursorQuery);

export const CommentSchema = Obj({
  id: PublicId('co'),
  postId: PublicId('po'),
  author: Obj({ id: Type.Integer(), displayName: Type.String(), isAgency: Type.Boolean() }),
  body: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
});

export const CommentPage = Obj({
  items: Type.Array(CommentSchema),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});

export const CreateCommentBody = Obj({
  body: Type.String({ minLength: 1, maxLength: 2000, pattern: '\\S' }),
});

/** `/api/posts/{id}`: a post's public id; a number or another kind's id is a 400 naming `id`. */
export const PostIdParams = PublicIdParams('po');

export const ReactionBody = Obj({ kind: ReactionKindSchema });

export const ReportBody = Obj({
  rule: Type.Optional(
    Literals(REPORT_RULES, { description: 'The community rule the post breaks (default: other)' }),
  ),
  reason: Type.Optional(
    Type.String({
      maxLength: 1000,
      description: 'In the reporter’s words; required (at least 3 characters) when the rule is other',
    }),
  ),
});
