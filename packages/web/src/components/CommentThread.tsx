import { useCallback, useEffect, useRef, useState, type SubmitEvent } from 'react';
import { api } from '../api/client';
import { call, toApiError, type ApiError } from '../api/problem';
import type { Comment } from '../api/types';
import { useLiveEvents } from '../state/live';
import { send } from '../vault/send';
import { AgencyBadge } from './Badges';
import { ConfirmPrompt } from './ConfirmPrompt';
import { TextArea } from './Field';
import { ProblemAlert } from './ProblemAlert';
import { RelativeTime } from './RelativeTime';
import { LinkedText } from './LinkedText';

interface Props {
  postId: string;
  myId: number;
  /** Moderators read edited comments' earlier versions (authors see their own). */
  moderator?: boolean;
  /** False for hidden posts, which take no comments. */
  open: boolean;
  /** Called once per comment that is new to this thread, from the live stream or the form. */
  onComment: (comment: Comment) => void;
  /** Called when one of the viewer's own comments was deleted here. */
  onCommentDeleted?: (commentId: string) => void;
}

function merge(list: readonly Comment[], more: readonly Comment[]): Comment[] {
  const known = new Set(list.map((c) => c.id));
  // Ids are random (co_…); time orders the thread, and the stable sort keeps the server's order for ties.
  return [...list, ...more.filter((c) => !known.has(c.id))].sort((a, b) =>
    a.createdAt.localeCompare(b.createdAt),
  );
}

/** A post's comments, oldest first, with live additions and a form to add one. */
export function CommentThread({ postId, myId, moderator = false, open, onComment, onCommentDeleted }: Props) {
  const [comments, setComments] = useState<Comment[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [status, setStatus] = useState<'loading' | 'ready' | 'error'>('loading');
  const [loadError, setLoadError] = useState<ApiError | null>(null);
  const [body, setBody] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const known = useRef(new Set<string>());

  const load = useCallback(
    async (after: string | null) => {
      try {
        const page = await call(
          api.GET('/api/posts/{id}/comments', {
            params: { path: { id: postId }, query: after ? { cursor: after } : {} },
          }),
        );
        for (const c of page.items) known.current.add(c.id);
        setComments((list) => merge(list, page.items));
        setCursor(page.nextCursor);
        setStatus('ready');
      } catch (err) {
        setLoadError(toApiError(err));
        setStatus('error');
      }
    },
    [postId],
  );

  useEffect(() => {
    void load(null);
  }, [load]);

  const add = (comment: Comment) => {
    if (known.current.has(comment.id)) return;
    known.current.add(comment.id);
    setComments((list) => merge(list, [comment]));
    onComment(comment);
  };

  const drop = (commentId: string) => {
    setComments((list) => list.filter((c) => c.id !== commentId));
  };

  const replace = (comment: Comment) => {
    setComments((list) => list.map((c) => (c.id === comment.id ? comment : c)));
  };

  useLiveEvents((event) => {
    if (event.type === 'comment' && event.comment.postId === postId) add(event.comment);
    if (event.type === 'comment-updated' && event.comment.postId === postId) replace(event.comment);
    if (event.type === 'comment-deleted' && event.postId === postId) drop(event.commentId);
  });

  const [editing, setEditing] = useState<string | null>(null);

  const [confirming, setConfirming] = useState<string | null>(null);
  const [deleteError, setDeleteError] = useState<ApiError | null>(null);
  const remove = async (commentId: string) => {
    setDeleteError(null);
    try {
      await send(api.DELETE('/api/comments/{id}', { params: { path: { id: commentId } } }));
      setConfirming(null);
      drop(commentId);
      onCommentDeleted?.(commentId);
    } catch (err) {
      setDeleteError(toApiError(err));
    }
  };

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const comment = await call(
        api.POST('/api/posts/{id}/comments', { params: { path: { id: postId } }, body: { body } }),
      );
      add(comment);
      setBody('');
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="comments card" aria-labelledby="comments-title">
      <h2 id="comments-title">
        Comments <span className="muted">({comments.length})</span>
      </h2>
      {status === 'loading' ? <p className="muted">Loading comments…</p> : null}
      {status === 'error' ? <ProblemAlert error={loadError} focus={false} /> : null}
      {status === 'ready' && comments.length === 0 ? (
        <p className="muted">No comments yet{open ? '. Add what you know.' : '.'}</p>
      ) : null}
      {comments.length > 0 ? (
        <ol className="comment-list">
          {comments.map((c) => (
            <li key={c.id} className="comment">
              <p className="comment__meta">
                <span className="comment__author">{c.author.id === myId ? 'You' : c.author.displayName}</span>
                {c.author.isAgency ? <AgencyBadge /> : null}
                <span aria-hidden="true"> · </span>
                <RelativeTime iso={c.createdAt} />
                {c.editedAt ? <span className="post__edited"> (edited)</span> : null}
              </p>
              {editing === c.id ? (
                <EditCommentForm
                  comment={c}
                  onSaved={(saved) => {
                    replace(saved);
                    setEditing(null);
                  }}
                  onCancel={() => {
                    setEditing(null);
                  }}
                />
              ) : (
                <p className="comment__body">
                  <LinkedText text={c.body} />
                </p>
              )}
              {c.editedAt && (moderator || c.author.id === myId) ? <CommentHistory commentId={c.id} /> : null}
              {c.author.id === myId && open && editing !== c.id ? (
                <button
                  type="button"
                  className="button button--small button--quiet"
                  onClick={() => {
                    setEditing(c.id);
                  }}
                >
                  Edit<span className="visually-hidden"> your comment</span>
                </button>
              ) : null}
              {c.author.id === myId ? (
                confirming === c.id ? (
                  <>
                    <ProblemAlert error={deleteError} focus={false} />
                    <ConfirmPrompt
                      label="Delete this comment?"
                      confirmText="Delete comment"
                      onConfirm={() => void remove(c.id)}
                      onCancel={() => {
                        setConfirming(null);
                      }}
                    >
                      Your comment goes for good; neighbours stop seeing it at once.
                    </ConfirmPrompt>
                  </>
                ) : (
                  <button
                    type="button"
                    className="button button--small button--quiet"
                    onClick={() => {
                      setConfirming(c.id);
                    }}
                  >
                    Delete<span className="visually-hidden"> your comment</span>
                  </button>
                )
              ) : null}
            </li>
          ))}
        </ol>
      ) : null}
      {cursor ? (
        <button type="button" className="button button--small" onClick={() => void load(cursor)}>
          Show more comments
        </button>
      ) : null}
      {open ? (
        <form className="comment-form" onSubmit={(e) => void submit(e)} noValidate>
          <ProblemAlert error={error} placed={['body']} />
          <TextArea
            label="Add a comment"
            value={body}
            onChange={(e) => {
              setBody(e.target.value);
            }}
            rows={3}
            maxLength={2000}
            required
            error={error?.fields.body}
          />
          <button type="submit" className="button button--primary" disabled={busy || body.trim() === ''}>
            {busy ? 'Posting…' : 'Post comment'}
          </button>
        </form>
      ) : (
        <p className="muted">This post is hidden, so it takes no new comments.</p>
      )}
    </section>
  );
}

/** The author's edit of their comment, in place. */
function EditCommentForm({
  comment,
  onSaved,
  onCancel,
}: {
  comment: Comment;
  onSaved: (comment: Comment) => void;
  onCancel: () => void;
}) {
  const [body, setBody] = useState(comment.body);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onSaved(
        await call(api.PATCH('/api/comments/{id}', { params: { path: { id: comment.id } }, body: { body } })),
      );
    } catch (err) {
      setError(toApiError(err));
      setBusy(false);
    }
  };
  return (
    <form className="comment-form" onSubmit={(e) => void submit(e)} noValidate>
      <ProblemAlert error={error} placed={['body']} />
      <TextArea
        label="Edit your comment"
        hint="The earlier text is kept for moderators."
        value={body}
        onChange={(e) => {
          setBody(e.target.value);
        }}
        rows={3}
        maxLength={2000}
        required
        error={error?.fields.body}
      />
      <div className="form-actions form-actions--start">
        <button type="submit" className="button button--primary" disabled={busy || body.trim() === ''}>
          {busy ? 'Saving…' : 'Save comment'}
        </button>
        <button type="button" className="button" onClick={onCancel} disabled={busy}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** An edited comment's earlier versions, read when opened. */
function CommentHistory({ commentId }: { commentId: string }) {
  const [items, setItems] = useState<{ body: string; replacedAt: string }[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const load = async () => {
    try {
      const page = await call(
        api.GET('/api/comments/{id}/revisions', { params: { path: { id: commentId } } }),
      );
      setItems(page.items);
    } catch (err) {
      setError(toApiError(err));
    }
  };
  return (
    <details
      className="post-history"
      onToggle={(e) => {
        if (e.currentTarget.open && items === null) void load();
      }}
    >
      <summary>Earlier versions</summary>
      <ProblemAlert error={error} focus={false} />
      {items ? (
        <ol className="post-history__list">
          {items.map((r) => (
            <li key={r.replacedAt}>
              <p className="post-history__meta">
                replaced <RelativeTime iso={r.replacedAt} />
              </p>
              <p className="post-history__body">{r.body}</p>
            </li>
          ))}
        </ol>
      ) : null}
    </details>
  );
}
