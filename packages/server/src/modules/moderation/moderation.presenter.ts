import type { Viewer } from '../../policies.js';
import { presentPost, type PresentedPost } from '../posts/posts.presenter.js';
import type { ModerationNoticeRow, PostRow } from '../posts/posts.repository.js';
import type { AppealRow, HistoryRow, QueueEntryRow } from './moderation.repository.js';

/** A reported post as a moderator sees it: the reasons given, never who gave them. */
export function presentQueueItem(
  entry: QueueEntryRow,
  post: PostRow,
  viewer: Viewer,
  notice: ModerationNoticeRow | undefined,
) {
  return {
    post: presentPost(post, viewer, notice),
    reports: entry.reports.map((r) => ({
      rule: r.rule,
      reason: r.reason,
      createdAt: new Date(r.created_at).toISOString(),
    })),
    reportCount: entry.report_count,
  };
}

/** A pending appeal with the decision it contests. */
export function presentAppeal(appeal: AppealRow, post: PresentedPost) {
  return {
    id: appeal.id,
    post,
    statement: appeal.statement,
    createdAt: appeal.created_at.toISOString(),
    originalDecision: {
      reason: appeal.decision_reason,
      decidedAt: appeal.decision_created_at.toISOString(),
    },
  };
}

export function presentHistoryItem(row: HistoryRow) {
  const at = row.at.toISOString();
  switch (row.kind) {
    case 'report':
      return {
        kind: row.kind,
        at,
        rule: row.rule,
        reason: row.reason,
        resolvedAt: row.resolved_at?.toISOString() ?? null,
      };
    case 'decision':
      return { kind: row.kind, at, action: row.action, reason: row.reason, moderator: row.moderator };
    case 'appeal':
      return {
        kind: row.kind,
        at,
        statement: row.statement,
        status: row.status,
        decidedAt: row.decided_at?.toISOString() ?? null,
        decisionReason: row.decision_reason,
        decidedBy: row.decided_by,
      };
    case 'edit':
      return { kind: row.kind, at };
  }
}
