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
  editedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
    description: 'When its author last edited it; moderators and the author can read the earlier versions',
  }),
  resolvedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
    description: 'When its author marked it resolved (the situation is over); null while it is open',
  }),
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
  since: Type.Optional(
    Type.String({
      format: 'date-time',
      description: 'Only posts made at or after this time (e.g. the last 24 hours)',
    }),
  ),
  within: Type.Optional(
    Type.Integer({
      minimum: 100,
      maximum: 50_000,
      description: 'Only posts within this many metres of your home (never more than your feed radius)',
    }),
  ),
  q: Type.Optional(
    Type.String({
      minLength: 2,
      maxLength: 100,
      pattern: '\\S',
      description: 'Only posts whose title or text contains this (any case)',
    }),
  ),
  cell: Type.Optional(
    Type.String({
      pattern: '^89[0-9a-f]{13}$',
      description: "Only posts shown in this display cell (an H3 resolution-9 cell, as in a post's location)",
    }),
  ),
});

export const PageQuery = Obj(CursorQuery);

export const CommentSchema = Obj({
  id: PublicId('co'),
  postId: PublicId('po'),
  author: Obj({ id: Type.Integer(), displayName: Type.String(), isAgency: Type.Boolean() }),
  body: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  editedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
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

export const EditPostBody = Obj(
  {
    category: Type.Optional(CategorySchema),
    title: Type.Optional(Type.String({ minLength: 3, maxLength: 140, pattern: '\\S' })),
    body: Type.Optional(Type.String({ minLength: 1, maxLength: 5000, pattern: '\\S' })),
    person: Type.Optional(Type.Union([PersonSchema, Type.Null()], { description: 'null removes it' })),
    resolved: Type.Optional(
      Type.Boolean({ description: 'true marks the post resolved (the situation is over); false reopens it' }),
    ),
  },
  {
    minProperties: 1,
    description: 'What the author changes; fields left out stay as they are. The composer rules apply again.',
  },
);

export const PostRevisionSchema = Obj({
  category: CategorySchema,
  title: Type.String(),
  body: Type.String(),
  person: Type.Union([PersonSchema, Type.Null()]),
  replacedAt: Type.String({ format: 'date-time', description: 'When an edit replaced this version' }),
});

export const PostRevisions = Obj(
  { items: Type.Array(PostRevisionSchema) },
  { description: 'Earlier versions of a post, oldest first; the post itself is the current one' },
);

export const EditCommentBody = CreateCommentBody;

export const CommentRevisions = Obj(
  {
    items: Type.Array(Obj({ body: Type.String(), replacedAt: Type.String({ format: 'date-time' }) })),
  },
  { description: 'Earlier versions of a comment, oldest first' },
);
