import { REPORT_RULES } from '@porchlight/policy';
import { Type } from 'typebox';
import { CursorQuery, Literals, Obj } from '../../http/schema.js';
import { PostSchema } from '../posts/posts.schema.js';

const Reason = (description: string) =>
  Type.String({ minLength: 3, maxLength: 1000, pattern: '\\S', description });

export const QueueQuery = Obj(CursorQuery);

export const QueueItemSchema = Obj({
  post: PostSchema,
  reports: Type.Array(
    Obj({
      rule: Literals(REPORT_RULES, { description: 'The rule the reporter says the post breaks' }),
      reason: Type.String({ description: 'In the reporter’s words; may be empty unless the rule is other' }),
      createdAt: Type.String({ format: 'date-time' }),
    }),
    {
      description: 'Open reports, oldest first (at most 50). Who reported is never shown.',
    },
  ),
  reportCount: Type.Integer({ description: 'How many open reports the post has' }),
});

export const QueuePage = Obj(
  {
    items: Type.Array(QueueItemSchema),
    nextCursor: Type.Union([Type.String(), Type.Null()]),
  },
  { description: 'Visible posts with open reports; the post with the oldest open report first' },
);

/** What a moderator may decide about a post. */
export const DECISION_ACTIONS = ['hide', 'restore', 'dismiss'] as const;
export type DecisionAction = (typeof DECISION_ACTIONS)[number];

export const DecisionBody = Obj({
  action: Literals(DECISION_ACTIONS, {
    description: 'hide the post; restore a hidden post; or dismiss its open reports and leave it visible',
  }),
  reason: Reason('Why; shown to the author and published in the transparency log'),
});

export const AppealBody = Obj({
  statement: Type.String({
    minLength: 10,
    maxLength: 2000,
    pattern: '\\S',
    description: 'Why the decision was wrong; read by a moderator other than the one who decided',
  }),
});

export const AppealSchema = Obj({
  id: Type.Integer(),
  post: PostSchema,
  statement: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  originalDecision: Obj({ reason: Type.String(), decidedAt: Type.String({ format: 'date-time' }) }),
});

export const AppealList = Obj(
  { items: Type.Array(AppealSchema) },
  {
    description:
      'Pending appeals the viewer may decide (not on their own decision or post), oldest first, at most 100',
  },
);

export const AppealDecisionBody = Obj({
  outcome: Type.Union([Type.Literal('upheld'), Type.Literal('overturned')], {
    description: 'overturned restores the post; upheld keeps it hidden',
  }),
  reason: Reason('Why; shown to the author and published in the transparency log'),
});

const At = Type.String({ format: 'date-time' });

export const PostHistorySchema = Obj(
  {
    items: Type.Array(
      Type.Union([
        Obj({
          kind: Type.Literal('report'),
          at: At,
          rule: Literals(REPORT_RULES),
          reason: Type.String(),
          resolvedAt: Type.Union([At, Type.Null()]),
        }),
        Obj({
          kind: Type.Literal('decision'),
          at: At,
          action: Literals(DECISION_ACTIONS),
          reason: Type.String(),
          moderator: Type.String({ description: 'The deciding moderator’s display name' }),
        }),
        Obj({
          kind: Type.Literal('appeal'),
          at: At,
          statement: Type.String(),
          status: Type.Union([Type.Literal('pending'), Type.Literal('upheld'), Type.Literal('overturned')]),
          decidedAt: Type.Union([At, Type.Null()]),
          decisionReason: Type.Union([Type.String(), Type.Null()]),
          decidedBy: Type.Union([Type.String(), Type.Null()]),
        }),
        Obj({ kind: Type.Literal('edit'), at: At }),
      ]),
    ),
  },
  {
    description:
      'Everything that happened to a post in moderation, oldest first: reports (never who made them), ' +
      'decisions, its appeal, and its author’s edits (the earlier versions are at /api/posts/{id}/revisions)',
  },
);
