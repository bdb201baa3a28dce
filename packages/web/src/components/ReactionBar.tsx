import { useState } from 'react';
import { api } from '../api/client';
import { call, toApiError } from '../api/problem';
import type { Post, ReactionKind } from '../api/types';
import { REACTIONS } from '../format';
import { ReactionIcon } from './ReactionIcon';
import { useAnnounce } from '../state/announcer';

/** The post as it would look with `kind` toggled, shown before the server confirms. */
function toggled(post: Post, kind: ReactionKind): Post {
  const reactions = { ...post.reactions };
  if (post.myReaction) reactions[post.myReaction] -= 1;
  const myReaction = post.myReaction === kind ? null : kind;
  if (myReaction) reactions[myReaction] += 1;
  return { ...post, reactions, myReaction };
}

/** Toggle buttons for the four reactions; one reaction per person, pressing it again removes it. */
export function ReactionBar({ post, onChange }: { post: Post; onChange: (post: Post) => void }) {
  const [busy, setBusy] = useState(false);
  const announce = useAnnounce();
  const disabled = busy || post.status !== 'visible';

  const react = async (kind: ReactionKind) => {
    const before = post;
    onChange(toggled(post, kind));
    setBusy(true);
    try {
      const params = { params: { path: { id: post.id } } };
      const updated = await call(
        post.myReaction === kind
          ? api.DELETE('/api/posts/{id}/reaction', params)
          : api.PUT('/api/posts/{id}/reaction', { ...params, body: { kind } }),
      );
      onChange(updated);
    } catch (err) {
      onChange(before);
      announce(`Could not save your reaction: ${toApiError(err).message}`, 'assertive');
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="reactions" role="group" aria-label="Reactions">
      {REACTIONS.map(({ kind, label }) => {
        const count = post.reactions[kind];
        const mine = post.myReaction === kind;
        return (
          <button
            key={kind}
            type="button"
            className={`reaction${mine ? ' reaction--mine' : ''}`}
            aria-pressed={mine}
            disabled={disabled}
            onClick={() => void react(kind)}
          >
            <ReactionIcon kind={kind} />
            <span className="reaction__label"> {label}</span>
            {count > 0 ? <span className="reaction__count"> {count}</span> : null}
          </button>
        );
      })}
    </div>
  );
}
