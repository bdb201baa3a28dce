import { useState } from 'react';
import { api } from '../api/client';
import { toApiError, type ApiError } from '../api/problem';
import type { Post } from '../api/types';
import { useAnnounce } from '../state/announcer';
import { send } from '../vault/send';
import { ConfirmPrompt } from './ConfirmPrompt';
import { ProblemAlert } from './ProblemAlert';

type Kind = 'mute' | 'block';

/**
 * "Mute" and "Block" on someone else's post, each asked once. A mute hides their posts and comments from this
 * account; a block hides each from the other and stops them commenting on or reacting to this account's posts.
 * Either way the author's posts leave the page at once (`onMuted`).
 */
export function MuteButton({ post, onMuted }: { post: Post; onMuted: (authorId: number) => void }) {
  const [asking, setAsking] = useState<Kind | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const announce = useAnnounce();
  const name = post.author.displayName;

  const act = async (kind: Kind) => {
    setError(null);
    try {
      const params = { params: { path: { userId: post.author.id } } };
      if (kind === 'mute') await send(api.PUT('/api/me/mutes/{userId}', params));
      else await send(api.PUT('/api/me/blocks/{userId}', params));
      announce(
        kind === 'mute'
          ? `Muted ${name}. You can unmute them from your account page.`
          : `Blocked ${name}. You can unblock them from your account page.`,
      );
      onMuted(post.author.id);
    } catch (err) {
      setError(toApiError(err));
    }
  };

  if (asking)
    return (
      <div className="post__delete">
        <ProblemAlert error={error} focus={false} />
        <ConfirmPrompt
          label={asking === 'mute' ? `Mute ${name}?` : `Block ${name}?`}
          confirmText={asking === 'mute' ? `Mute ${name}` : `Block ${name}`}
          onConfirm={() => void act(asking)}
          onCancel={() => {
            setAsking(null);
          }}
        >
          {asking === 'mute'
            ? `You stop seeing ${name}’s posts and comments. They are not told; unmute any time from your account page.`
            : `Neither of you will see the other’s posts and comments, ${name} cannot comment on or react to your posts, and no notifications pass between you. They are not told; unblock any time from your account page.`}
        </ConfirmPrompt>
      </div>
    );
  return (
    <>
      <button
        type="button"
        className="button button--small button--quiet"
        onClick={() => {
          setAsking('mute');
        }}
      >
        Mute<span className="visually-hidden"> {name}</span>
      </button>
      <button
        type="button"
        className="button button--small button--quiet"
        onClick={() => {
          setAsking('block');
        }}
      >
        Block<span className="visually-hidden"> {name}</span>
      </button>
    </>
  );
}
