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
export function CommentThread({ postId, myId, open, onComment, onCommentDeleted }: Props) {
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

  useLiveEvents((event) => {
    if (event.type === 'comment' && event.comment.postId === postId) add(event.comment);
    if (event.type === 'comment-deleted' && event.postId === postId) drop(event.commentId);
  });

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
              </p>
              <p className="comment__body">
                <LinkedText text={c.body} />
              </p>
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
