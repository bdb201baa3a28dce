import { useState } from 'react';
import { api } from '../api/client';
import { toApiError, type ApiError } from '../api/problem';
import type { Post } from '../api/types';
import { useAnnounce } from '../state/announcer';
import { send } from '../vault/send';
import { ConfirmPrompt } from './ConfirmPrompt';
import { ProblemAlert } from './ProblemAlert';

/** "Mute" on someone else's post: asked once, then their posts and comments leave this account's views. */
export function MuteButton({ post, onMuted }: { post: Post; onMuted: (authorId: number) => void }) {
  const [asking, setAsking] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const announce = useAnnounce();
  const name = post.author.displayName;

  const mute = async () => {
    setError(null);
    try {
      await send(api.PUT('/api/me/mutes/{userId}', { params: { path: { userId: post.author.id } } }));
      announce(`Muted ${name}. You can unmute them from your account page.`);
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
          label={`Mute ${name}?`}
          confirmText={`Mute ${name}`}
          onConfirm={() => void mute()}
          onCancel={() => {
            setAsking(false);
          }}
        >
          You stop seeing {name}’s posts and comments. They are not told; unmute any time from your account
          page.
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
      Mute<span className="visually-hidden"> {name}</span>
    </button>
  );
}
