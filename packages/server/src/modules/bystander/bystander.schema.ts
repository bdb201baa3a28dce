import { Type } from 'typebox';
import { Obj } from '../../http/schema.js';
import { PublicId } from '../../public-ids.js';
import { MEDIA_ID_PATTERN } from '../media/media.schema.js';

/** Longest video a post allows is far below this; it only bounds the numbers a form can send. */
const MAX_SECONDS = 24 * 3600;

export const BystanderIdParams = Obj({
  id: Type.String({ pattern: '^by_[A-Za-z0-9_-]{22}$', description: 'A bystander request id (by_…)' }),
});

export const PostParams = Obj({ id: PublicId('po') });

const Kind = Type.Union([Type.Literal('blur'), Type.Literal('remove')], {
  description: 'blur: blur me in the video; remove: take the video down',
});

export const FileBystanderBody = Obj({
  kind: Kind,
  startSeconds: Type.Number({
    minimum: 0,
    maximum: MAX_SECONDS,
    description: 'Where in the video you appear, from (seconds)',
  }),
  endSeconds: Type.Number({
    minimum: 0,
    maximum: MAX_SECONDS,
    description: 'Where in the video you appear, to (seconds; after startSeconds, within the video)',
  }),
  description: Type.String({
    minLength: 3,
    maxLength: 1000,
    pattern: '\\S',
    description: 'How to recognise you in the video (e.g. "the person in the red coat"); shown to the owner',
  }),
  email: Type.String({
    format: 'email',
    maxLength: 254,
    description:
      'Where the answer is sent. Never shown to the owner, moderators or anyone; deleted once the answer is mailed',
  }),
});

export const FiledSchema = Obj({
  received: Type.Literal(true),
  confirmWithinHours: Type.Integer({
    description: 'A link was mailed to the address given; the request reaches the owner once it is opened',
  }),
  answerWithinDays: Type.Integer({
    description: 'After this many days without an answer from the owner, moderators see the request',
  }),
});

const Outcome = Type.Union([Type.Literal('blurred'), Type.Literal('removed'), Type.Literal('declined')]);

export const AnswerBystanderBody = Obj({
  outcome: Type.Union([Type.Literal('blurred'), Type.Literal('removed'), Type.Literal('declined')], {
    description:
      'blurred: your redacted copy (media) replaces the post’s video now; removed: the post’s video is deleted now; declined: with a reason',
  }),
  media: Type.Optional(
    Type.String({
      pattern: MEDIA_ID_PATTERN,
      description:
        'Required for blurred: the redacted copy you uploaded (POST /api/media/uploads with its `redaction` summary); it replaces the post’s video',
    }),
  ),
  reason: Type.Optional(
    Type.String({
      maxLength: 1000,
      description: 'Why you decline (required for declined); mailed to the requester',
    }),
  ),
});

export const BystanderRequestSchema = Obj(
  {
    id: Type.String({ description: 'by_…' }),
    post: PublicId('po'),
    kind: Kind,
    startSeconds: Type.Number(),
    endSeconds: Type.Number(),
    description: Type.String(),
    filedAt: Type.String({ format: 'date-time' }),
    moderatorsSeeFrom: Type.String({
      format: 'date-time',
      description: 'When moderators see it if it is still unanswered',
    }),
    answer: Type.Union(
      [
        Obj({
          outcome: Outcome,
          reason: Type.Union([Type.String(), Type.Null()]),
          answeredAt: Type.String({ format: 'date-time' }),
          answeredBy: Type.Union([Type.Literal('owner'), Type.Literal('moderator')]),
        }),
        Type.Null(),
      ],
      { description: 'null while unanswered' },
    ),
  },
  { description: 'A request to be blurred or removed from a video post; the requester is never named' },
);

export const BystanderList = Obj({ items: Type.Array(BystanderRequestSchema) });

export const ConfirmBystanderBody = Obj({
  token: Type.String({ pattern: '^[A-Za-z0-9_-]{43}$', description: 'The token from the mailed link' }),
});

export const ConfirmedSchema = Obj({
  confirmed: Type.Literal(true),
  answerWithinDays: Type.Integer(),
});
