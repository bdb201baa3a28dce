import { useState } from 'react';
import { api } from '../api/client';
import { toApiError, type ApiError } from '../api/problem';
import type { Post } from '../api/types';
import { useAnnounce } from '../state/announcer';
import { send } from '../vault/send';
import { ConfirmPrompt } from './ConfirmPrompt';
import { ProblemAlert } from './ProblemAlert';

/**
 * The author's "Delete" on their own post, asked twice: the post goes for good, with its comments and
 * reactions, and leaves every neighbour's feed at once.
 */
export function DeletePostButton({ post, onDeleted }: { post: Post; onDeleted: (postId: string) => void }) {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const announce = useAnnounce();

  const remove = async () => {
    setBusy(true);
    setError(null);
    try {
      await send(api.DELETE('/api/posts/{id}', { params: { path: { id: post.id } } }));
      announce(`Deleted “${post.title}”.`);
      onDeleted(post.id);
    } catch (err) {
      setError(toApiError(err));
      setBusy(false);
    }
  };

  if (asking)
    return (
      <div className="post__delete">
        <ProblemAlert error={error} focus={false} />
        <ConfirmPrompt
          label="Delete this post?"
          confirmText={busy ? 'Deleting…' : 'Delete post'}
          onConfirm={() => void remove()}
          onCancel={() => {
            setAsking(false);
          }}
        >
          “{post.title}” goes for good, with its comments and reactions. Neighbours stop seeing it at once.
        </ConfirmPrompt>
      </div>
    );
  return (
    <button
      type="button"
      className="button button--small button--quiet"
      onClick={() => {
        setAsking(true);
      }}
    >
      Delete<span className="visually-hidden"> “{post.title}”</span>
    </button>
  );
}
