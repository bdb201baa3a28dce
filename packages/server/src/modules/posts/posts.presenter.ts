import type { Viewer } from '../../policies.js';
import { presentPostMedia } from '../media/media.presenter.js';
import type { CommentRow, ModerationNoticeRow, PostRevisionRow, PostRow } from './posts.repository.js';

const isModerator = (v: Viewer): boolean => v.role === 'moderator' || v.role === 'admin';

/**
 * A post as `viewer` may see it. Location is the display cell's centre only (G8); the moderation notice is
 * shown to the author and moderators, nobody else.
 */
export function presentPost(row: PostRow, viewer: Viewer, notice: ModerationNoticeRow | undefined) {
  const isMine = row.author_id === viewer.id;
  const r = row.reactions;
  return {
    id: row.public_id,
    category: row.category,
    title: row.title,
    body: row.body,
    author: { id: row.author_id, displayName: row.author_name, isAgency: row.author_role === 'agency' },
    location: { cell: row.cell, lat: row.cell_lat, lng: row.cell_lng },
    person: row.person ? { ...row.person } : null,
    createdAt: row.created_at.toISOString(),
    editedAt: row.edited_at?.toISOString() ?? null,
    resolvedAt: row.resolved_at?.toISOString() ?? null,
    commentCount: row.comment_count,
    reactions: { thanks: r.thanks ?? 0, helpful: r.helpful ?? 0, agree: r.agree ?? 0, sad: r.sad ?? 0 },
    myReaction: row.my_reaction,
    status: row.status,
    isMine,
    moderation: notice && (isMine || isModerator(viewer)) ? presentNotice(notice) : null,
    media: presentPostMedia(row.media, isMine),
  };
}

function presentNotice(n: ModerationNoticeRow) {
  return {
    action: n.action,
    reason: n.reason,
    decidedAt: n.decided_at.toISOString(),
    appeal: n.appeal_status
      ? {
          status: n.appeal_status,
          statement: n.appeal_statement ?? '',
          decisionReason: n.appeal_reason,
          createdAt: n.appeal_created_at!.toISOString(),
          decidedAt: n.appeal_decided_at?.toISOString() ?? null,
        }
      : null,
  };
}

export function presentComment(row: CommentRow) {
  return {
    id: row.public_id,
    postId: row.post_public_id,
    author: { id: row.author_id, displayName: row.author_name, isAgency: row.author_role === 'agency' },
    body: row.body,
    createdAt: row.created_at.toISOString(),
    editedAt: row.edited_at?.toISOString() ?? null,
  };
}

export function presentPostRevision(row: PostRevisionRow) {
  return {
    category: row.category,
    title: row.title,
    body: row.body,
    person: row.person ? { ...row.person } : null,
    replacedAt: row.replaced_at.toISOString(),
  };
}

export type PresentedPost = ReturnType<typeof presentPost>;
