import { REPORT_RULES } from '@porchlight/policy';
import { Type } from 'typebox';
import { Literals, MAX_ID, Obj } from '../../http/schema.js';

/** Longest suspension with an end; longer than this is "until lifted". */
export const MAX_SUSPENSION_DAYS = 365;

export const UserIdParams = Obj({ userId: Type.Integer({ minimum: 1, maximum: MAX_ID }) });
export const SuspensionIdParams = Obj({
  id: Type.String({ pattern: '^su_[A-Za-z0-9_-]{22}$', description: 'A suspension id (su_…)' }),
});

export const SuspendBody = Obj({
  rule: Literals(REPORT_RULES, { description: 'The community rule the account broke' }),
  reason: Type.String({
    minLength: 3,
    maxLength: 1000,
    pattern: '\\S',
    description: 'Why; shown to the account and published in the transparency log (without the account)',
  }),
  days: Type.Optional(
    Type.Union([Type.Integer({ minimum: 1, maximum: MAX_SUSPENSION_DAYS }), Type.Null()], {
      description: 'How many days; leave out or null for "until a moderator lifts it"',
    }),
  ),
});

export const LiftBody = Obj({
  reason: Type.String({
    minLength: 3,
    maxLength: 1000,
    pattern: '\\S',
    description: 'Why it is lifted early',
  }),
});

export const SuspensionAppealBody = Obj({
  statement: Type.String({
    minLength: 10,
    maxLength: 2000,
    pattern: '\\S',
    description: 'Why the suspension is wrong; read by the moderators',
  }),
});

const SuspensionFields = {
  id: Type.String({ description: 'su_…' }),
  rule: Literals(REPORT_RULES),
  reason: Type.String(),
  since: Type.String({ format: 'date-time' }),
  until: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
    description: 'When it ends by itself; null until a moderator lifts it',
  }),
  appealed: Type.Boolean(),
};

export const SuspensionSchema = Obj(SuspensionFields, { description: 'A suspension in force' });

export const MySuspension = Obj({
  suspension: Type.Union([SuspensionSchema, Type.Null()], {
    description: 'Your suspension in force, if any: you can read, but not post, comment, react or report',
  }),
});

export const UserSuspension = Obj({
  suspension: Type.Union([SuspensionSchema, Type.Null()], {
    description: 'The account’s suspension in force',
  }),
});

export const SuspensionList = Obj({
  items: Type.Array(
    Obj({
      ...SuspensionFields,
      user: Obj({ id: Type.Integer(), displayName: Type.String() }),
      appeal: Type.Union([Type.String(), Type.Null()], { description: 'The account’s appeal statement' }),
    }),
  ),
});
