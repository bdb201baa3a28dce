import { useCallback, useEffect, useState } from 'react';
import { api } from '../api/client';
import { call, toApiError, type ApiError } from '../api/problem';
import type { Post } from '../api/types';
import { BystanderLink } from '../bystander/BystanderLink';
import { AppealForm } from '../components/AppealForm';
import { CommentThread } from '../components/CommentThread';
import { EditPostForm } from '../components/EditPostForm';
import { FollowButton } from '../notifications/FollowButton';
import { ModerationActions } from '../components/ModerationActions';
import { ModerationHistory } from '../components/ModerationHistory';
import { ModerationNotice } from '../components/ModerationNotice';
import { PostCard } from '../components/PostCard';
import { PostHistory } from '../components/PostHistory';
import { ProblemAlert } from '../components/ProblemAlert';
import { Link, navigate } from '../router';
import { useFeedStore } from '../state/feed';
import { useLiveEvents } from '../state/live';
import { useMe } from '../state/session';

export function PostPage({ postId }: { postId: string }) {
  const me = useMe();
  const store = useFeedStore();
  const [post, setPost] = useState<Post | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [editing, setEditing] = useState(false);
  const [resolveError, setResolveError] = useState<ApiError | null>(null);
  const isModerator = me.role === 'moderator' || me.role === 'admin';

  const load = useCallback(async () => {
    try {
      setPost(await call(api.GET('/api/posts/{id}', { params: { path: { id: postId } } })));
      setError(null);
    } catch (err) {
      setPost(null);
      setError(toApiError(err));
    }
  }, [postId]);

  useEffect(() => {
    void load();
  }, [load]);

  useLiveEvents((event) => {
    if (
      ((event.type === 'post-hidden' || event.type === 'post-deleted' || event.type === 'comment-deleted') &&
        event.postId === postId) ||
      event.type === 'resumed'
    )
      void load();
    if ((event.type === 'post-restored' || event.type === 'post-updated') && event.post.id === postId)
      setPost(event.post);
  });

  const update = (p: Post) => {
    setPost(p);
    store.replace(p);
  };

  const setResolved = async (p: Post, resolved: boolean) => {
    setResolveError(null);
    try {
      update(
        await call(api.PATCH('/api/posts/{id}', { params: { path: { id: p.id } }, body: { resolved } })),
      );
    } catch (err) {
      setResolveError(toApiError(err));
    }
  };

  return (
    <div className="narrow">
      <p className="back">
        <Link to="/">← Back to the feed</Link>
      </p>
      {error ? (
        <div className="card">
          <h1>{error.code === 'not_found' ? 'This post is not available' : 'Could not load this post'}</h1>
          {/* A missing post needs one plain sentence, not "Not found" three ways. */}
          {error.code === 'not_found' ? (
            <p className="muted">It may have been hidden by a moderator, or the link is wrong.</p>
          ) : (
            <ProblemAlert error={error} focus={false} />
          )}
        </div>
      ) : null}
      {!post && !error ? <div className="skeleton" aria-busy="true" aria-label="Loading post" /> : null}
      {post ? (
        <>
          <PostCard
            post={post}
            home={me.home}
            onChange={update}
            standalone
            onDeleted={(id) => {
              store.remove(id);
              navigate('/mine');
            }}
            onMuted={(authorId) => {
              store.removeAuthor(authorId);
              navigate('/');
            }}
          >
            {post.moderation ? <ModerationNotice notice={post.moderation} asAuthor={post.isMine} /> : null}
            {post.isMine &&
            post.status === 'hidden' &&
            post.moderation?.action === 'hide' &&
            !post.moderation.appeal ? (
              <AppealForm post={post} onAppealed={update} />
            ) : null}
            {post.isMine && editing ? (
              <EditPostForm
                post={post}
                onSaved={(p) => {
                  update(p);
                  setEditing(false);
                }}
                onCancel={() => {
                  setEditing(false);
                }}
              />
            ) : null}
            {post.isMine && !editing ? (
              <div className="author-tools">
                <ProblemAlert error={resolveError} focus={false} />
                <button
                  type="button"
                  className="button button--small"
                  onClick={() => {
                    setEditing(true);
                  }}
                >
                  Edit<span className="visually-hidden"> your post</span>
                </button>
                {post.status === 'visible' ? (
                  <button
                    type="button"
                    className="button button--small"
                    onClick={() => void setResolved(post, !post.resolvedAt)}
                  >
                    {post.resolvedAt ? 'Reopen' : 'Mark resolved'}
                  </button>
                ) : null}
              </div>
            ) : null}
            {post.editedAt && (post.isMine || isModerator) ? <PostHistory post={post} /> : null}
            <FollowButton postId={post.id} />
            <BystanderLink post={post} />
          </PostCard>
          {isModerator && !post.isMine ? (
            <section className="card moderation-panel" aria-labelledby="moderate-title">
              <h2 id="moderate-title">Moderate</h2>
              <ModerationActions post={post} onDecided={update} />
              <ModerationHistory key={`${post.status}-${post.editedAt ?? ''}`} postId={post.id} />
            </section>
          ) : null}
          <CommentThread
            postId={post.id}
            myId={me.id}
            moderator={isModerator}
            open={post.status === 'visible'}
            onComment={(c) => {
              store.countComment(c);
              setPost((p) => (p ? { ...p, commentCount: p.commentCount + 1 } : p));
            }}
            onCommentDeleted={(commentId) => {
              store.uncountComment(post.id, commentId);
              void load();
            }}
          />
        </>
      ) : null}
    </div>
  );
}
