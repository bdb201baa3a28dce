import type { ReportRule } from '@porchlight/policy';
import type { Deps } from '../../deps.js';
import { AppError, forbidden, invalid, notFound } from '../../errors.js';
import { authorize, type Viewer } from '../../policies.js';
import { insertEvent } from '../events/events.repository.js';
import { opaqueId } from '../requests/requests.ids.js';
import { findUserById } from '../users/users.repository.js';
import * as repo from './suspensions.repository.js';

const LIST_LIMIT = 200;
/** Where the web app shows a suspended account its suspension and the appeal form. */
export const SUSPENSION_APPEAL_PATH = '/account#suspension';

/** RFC 3339 UTC to the second, as log entries write times. */
const toSecond = (d: Date): string => `${d.toISOString().slice(0, 19)}Z`;

function present(s: repo.SuspensionRow) {
  return {
    id: s.public_id,
    rule: s.rule,
    reason: s.reason,
    since: s.created_at.toISOString(),
    until: s.ends_at ? s.ends_at.toISOString() : null,
    appealed: s.appeal_statement !== null,
  };
}

function statedText(value: string, field: string, min: number): string {
  const text = value.trim();
  if (text.length < min) throw invalid(field, `must have at least ${min} characters besides spaces`);
  return text;
}

/** The problem a suspended account gets when it tries to post, comment, react or report. */
function suspendedError(s: repo.SuspensionRow): AppError {
  const until = s.ends_at ? `until ${toSecond(s.ends_at)}` : 'until a moderator lifts it';
  return new AppError(
    'account_suspended',
    `your account is suspended ${until} for breaking the rule "${s.rule}": ${s.reason}. You can still read; ` +
      `you can appeal at ${SUSPENSION_APPEAL_PATH}`,
    undefined,
    { suspension: { ...present(s), appeal: SUSPENSION_APPEAL_PATH } },
  );
}

/**
 * Refuses an action by an account under a suspension in force (403 `account_suspended`, naming its rule, reason
 * and end). Checked at the moment of acting, so a suspension ends exactly on time, on every process, with no
 * timer or job.
 */
export async function assertNotSuspended(deps: Pick<Deps, 'db' | 'clock'>, userId: number): Promise<void> {
  const s = await repo.activeSuspension(deps.db, userId, deps.clock.now());
  if (s) throw suspendedError(s);
}

/**
 * Account suspensions: a moderator suspends an account for a community rule, a reason and a number of days (or
 * until lifted). The account can still read but cannot post, comment, react or report; it sees why and can
 * appeal once. Suspending and lifting are staff actions, published in the transparency log by the suspension's
 * opaque id, never naming the account. A moderator cannot suspend staff; nobody can suspend an admin.
 */
export class SuspensionsService {
  constructor(private readonly deps: Deps) {}

  async suspend(
    viewer: Viewer | null,
    userId: number,
    input: { rule: ReportRule; reason: string; days?: number | null | undefined },
  ) {
    const v = authorize(viewer, 'moderation.decide');
    const reason = statedText(input.reason, '/body/reason', 3);
    if (userId === v.id) throw forbidden('you cannot suspend yourself');
    const target = await findUserById(this.deps.db, userId);
    if (!target) throw notFound('user');
    if (target.role === 'admin')
      throw forbidden('an admin cannot be suspended; another admin can change their role');
    if (target.role === 'moderator' && v.role !== 'admin')
      throw forbidden('a moderator cannot suspend staff; ask an admin');
    const now = this.deps.clock.now();
    const endsAt = input.days
      ? new Date(Math.floor(now.getTime() / 1000) * 1000 + input.days * 86_400_000)
      : null;
    const row = await this.deps.db.transaction(async (tx) => {
      if (!(await repo.lockUser(tx, userId))) throw notFound('user');
      const current = await repo.activeSuspension(tx, userId, now);
      if (current)
        throw new AppError(
          'conflict',
          `this account is already suspended ${current.ends_at ? `until ${toSecond(current.ends_at)}` : 'until lifted'}; lift that suspension first`,
        );
      const s = await repo.insertSuspension(tx, {
        publicId: opaqueId('su'),
        userId,
        moderatorId: v.id,
        rule: input.rule,
        reason,
        now,
        endsAt,
      });
      await insertEvent(tx, {
        type: 'account.suspended',
        actorId: v.id,
        subjectType: 'user',
        subjectId: userId,
        data: {
          suspension: s.public_id,
          rule: s.rule,
          reason,
          ...(endsAt ? { until: toSecond(endsAt) } : {}),
        },
      });
      return s;
    });
    return present(row);
  }

  /** Lifts a suspension before its end. */
  async lift(viewer: Viewer | null, publicId: string, input: { reason: string }) {
    const v = authorize(viewer, 'moderation.decide');
    const reason = statedText(input.reason, '/body/reason', 3);
    const now = this.deps.clock.now();
    const found = await repo.findSuspension(this.deps.db, publicId);
    if (!found) throw notFound('suspension');
    if (found.user_id === v.id)
      throw forbidden('you cannot lift your own suspension; another moderator must');
    await this.deps.db.transaction(async (tx) => {
      const lifted = await repo.liftSuspension(tx, { publicId, moderatorId: v.id, reason, now });
      if (!lifted) throw new AppError('conflict', 'this suspension has already ended or been lifted');
      await insertEvent(tx, {
        type: 'account.suspension_lifted',
        actorId: v.id,
        subjectType: 'user',
        subjectId: lifted.user_id,
        data: { suspension: lifted.public_id, reason },
      });
    });
    return { lifted: true as const };
  }

  /** The suspension in force on an account, for moderators deciding what to do. */
  async ofUser(viewer: Viewer | null, userId: number) {
    authorize(viewer, 'moderation.queue');
    if (!(await findUserById(this.deps.db, userId))) throw notFound('user');
    const s = await repo.activeSuspension(this.deps.db, userId, this.deps.clock.now());
    return { suspension: s ? present(s) : null };
  }

  /** Suspensions in force, appealed ones first, for moderators. */
  async list(viewer: Viewer | null) {
    authorize(viewer, 'moderation.queue');
    const rows = await repo.suspensionsInForce(this.deps.db, this.deps.clock.now(), LIST_LIMIT);
    return {
      items: rows.map((r) => ({
        ...present(r),
        user: { id: r.user_id, displayName: r.display_name },
        appeal: r.appeal_statement,
      })),
    };
  }

  /** The viewer's own suspension in force, if any (the web app's banner). */
  async mine(viewer: Viewer | null) {
    const v = authorize(viewer, 'post.read');
    const s = await repo.activeSuspension(this.deps.db, v.id, this.deps.clock.now());
    return { suspension: s ? present(s) : null };
  }

  /** The suspended account contests its suspension, once; moderators see it first in their list. */
  async appeal(viewer: Viewer | null, statement: string) {
    const v = authorize(viewer, 'appeal.file');
    const text = statedText(statement, '/body/statement', 10);
    const now = this.deps.clock.now();
    const s = await repo.activeSuspension(this.deps.db, v.id, now);
    if (!s) throw new AppError('conflict', 'your account is not suspended, so there is nothing to appeal');
    if (!(await repo.fileAppeal(this.deps.db, { id: s.id, statement: text, now })))
      throw new AppError('appeal_exists', 'you have already appealed this suspension');
    return { suspension: present({ ...s, appeal_statement: text }) };
  }
}
