import { useEffect, useState } from 'react';
import { api } from '../api/client';
import { call, toApiError, type ApiError } from '../api/problem';
import { ProblemAlert } from '../components/ProblemAlert';

/**
 * Follow or unfollow a post: followers hear of new comments and updates (edited, resolved) in their
 * notifications, and by push or email as their alert settings say. Authors follow their own posts from the
 * start. Nobody else can see who follows a post.
 */
export function FollowButton({ postId }: { postId: string }) {
  const [following, setFollowing] = useState<boolean | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  useEffect(() => {
    let live = true;
    call(api.GET('/api/posts/{id}/follow', { params: { path: { id: postId } } }))
      .then((s) => {
        if (live) setFollowing(s.following);
      })
      .catch((err: unknown) => {
        if (live) setError(toApiError(err));
      });
    return () => {
      live = false;
    };
  }, [postId]);

  const toggle = async () => {
    if (following === null) return;
    setBusy(true);
    setError(null);
    try {
      const params = { params: { path: { id: postId } } };
      const s = await call(
        following ? api.DELETE('/api/posts/{id}/follow', params) : api.PUT('/api/posts/{id}/follow', params),
      );
      setFollowing(s.following);
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="follow-post">
      <ProblemAlert error={error} focus={false} />
      <button
        type="button"
        className={`button button--small${following ? ' button--ghost' : ''}`}
        disabled={following === null || busy}
        onClick={() => void toggle()}
        title={following ? 'Stop hearing of new comments and updates' : undefined}
      >
        {following ? 'Following' : 'Follow'}
        <span className="visually-hidden"> this post</span>
      </button>
      <span className="muted follow-post__hint" aria-live="polite">
        {following === null
          ? ''
          : following
            ? 'You hear of new comments and updates. Press to unfollow.'
            : 'Hear of new comments and updates on this post.'}
      </span>
    </div>
  );
}
