import { useCallback, useEffect, useState } from 'react';
import { api } from '../api/client';
import { call, toApiError, type ApiError } from '../api/problem';
import type { Post } from '../api/types';
import { AppealForm } from '../components/AppealForm';
import { ModerationNotice } from '../components/ModerationNotice';
import { PostCard } from '../components/PostCard';
import { ProblemAlert } from '../components/ProblemAlert';
import { Link } from '../router';
import { useFeedStore } from '../state/feed';
import { useLiveEvents } from '../state/live';
import { useMe } from '../state/session';

/** The author's own posts, including hidden ones with the moderator's reason and the way to appeal. */
export function MyPostsPage() {
  const me = useMe();
  const store = useFeedStore();
  const [posts, setPosts] = useState<Post[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [status, setStatus] = useState<'loading' | 'ready' | 'error'>('loading');
  const [error, setError] = useState<ApiError | null>(null);

  const load = useCallback(async (after: string | null) => {
    try {
      const page = await call(
        api.GET('/api/me/posts', { params: { query: after ? { cursor: after } : {} } }),
      );
      setPosts((list) =>
        after ? [...list, ...page.items.filter((p) => !list.some((q) => q.id === p.id))] : page.items,
      );
      setCursor(page.nextCursor);
      setStatus('ready');
    } catch (err) {
      setError(toApiError(err));
      setStatus('error');
    }
  }, []);

  useEffect(() => {
    void load(null);
  }, [load]);

  // A moderator's decision on one of these posts: re-read the list to show the notice.
  useLiveEvents((event) => {
    if (event.type === 'post-deleted') {
      setPosts((list) => list.filter((p) => p.id !== event.postId));
      return;
    }
    const id =
      event.type === 'post-hidden' ? event.postId : event.type === 'post-restored' ? event.post.id : null;
    if (id !== null && posts.some((p) => p.id === id)) void load(null);
  });

  const update = (post: Post) => {
    setPosts((list) => list.map((p) => (p.id === post.id ? post : p)));
    store.replace(post);
  };

  const hiddenCount = posts.filter((p) => p.status === 'hidden').length;

  return (
    <div className="narrow">
      <div className="page-head">
        <h1>My posts</h1>
        <p className="muted">
          Everything you have posted.
          {hiddenCount > 0
            ? ` ${hiddenCount} ${hiddenCount === 1 ? 'post is' : 'posts are'} hidden by a moderator; the reason is shown with each.`
            : ''}
        </p>
      </div>
      {status === 'loading' ? (
        <div className="skeleton" aria-busy="true" aria-label="Loading your posts" />
      ) : null}
      {status === 'error' ? <ProblemAlert error={error} focus={false} /> : null}
      {status === 'ready' && posts.length === 0 ? (
        <div className="card empty">
          <h2>You haven’t posted yet</h2>
          <Link to="/new" className="button button--primary">
            Write a post
          </Link>
        </div>
      ) : null}
      <ol className="feed" aria-label="Your posts">
        {posts.map((post) => (
          <li key={post.id}>
            <PostCard
              post={post}
              home={me.home}
              onChange={update}
              onDeleted={(id) => {
                setPosts((list) => list.filter((p) => p.id !== id));
                store.remove(id);
              }}
            >
              {post.moderation ? <ModerationNotice notice={post.moderation} asAuthor /> : null}
              {post.status === 'hidden' && post.moderation?.action === 'hide' && !post.moderation.appeal ? (
                <AppealForm post={post} onAppealed={update} />
              ) : null}
            </PostCard>
          </li>
        ))}
      </ol>
      {cursor ? (
        <div className="load-more">
          <button type="button" className="button" onClick={() => void load(cursor)}>
            Load more
          </button>
        </div>
      ) : null}
    </div>
  );
}
