import { useState, type SubmitEvent } from 'react';
import { moderation, type DecisionAction } from '../api/moderation';
import { toApiError, type ApiError } from '../api/problem';
import type { Post } from '../api/types';
import { useAnnounce } from '../state/announcer';
import { TextArea } from './Field';
import { ProblemAlert } from './ProblemAlert';
import { SuspendAuthor } from './SuspendAuthor';

const DONE: Record<DecisionAction, string> = {
  hide: 'Hidden',
  restore: 'Restored',
  dismiss: 'Dismissed the reports on',
};

/**
 * A moderator's decision: hide or restore the post, or — for a reported visible post — dismiss its reports and
 * leave it up. The reason is logged publicly; for a hide or restore the author sees it too. Below it, the
 * author's suspension (suspend, or lift the one in force).
 */
export function ModerationActions({
  post,
  reported = false,
  onDecided,
}: {
  post: Post;
  /** The post has open reports (it is in the queue), so they may be dismissed. */
  reported?: boolean;
  onDecided: (post: Post) => void;
}) {
  const [reason, setReason] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const announce = useAnnounce();
  const action = post.status === 'visible' ? 'hide' : 'restore';
  const canDismiss = reported && post.status === 'visible';

  const decide = async (chosen: DecisionAction) => {
    setBusy(true);
    setError(null);
    try {
      const updated = await moderation.decide(post.id, chosen, reason);
      setReason('');
      announce(`${DONE[chosen]} “${post.title}”.`);
      onDecided(updated);
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  };

  const submit = (e: SubmitEvent) => {
    e.preventDefault();
    void decide(action);
  };

  return (
    <>
      <form className="decision" onSubmit={submit} noValidate>
        <ProblemAlert error={error} placed={['reason']} />
        <TextArea
          label={
            canDismiss
              ? 'Reason for hiding or for dismissing the reports'
              : action === 'hide'
                ? 'Reason for hiding'
                : 'Reason for restoring'
          }
          hint={
            canDismiss
              ? 'Published in the transparency log; the author sees it if you hide the post.'
              : 'The author sees this, and it is published in the transparency log.'
          }
          value={reason}
          onChange={(e) => {
            setReason(e.target.value);
          }}
          rows={2}
          required
          minLength={3}
          error={error?.fields.reason}
        />
        <button
          type="submit"
          className={`button ${action === 'hide' ? 'button--danger' : 'button--primary'}`}
          disabled={busy || reason.trim().length < 3}
        >
          {action === 'hide' ? 'Hide post' : 'Restore post'}
        </button>
        {canDismiss ? (
          <button
            type="button"
            className="button button--ghost"
            disabled={busy || reason.trim().length < 3}
            onClick={() => void decide('dismiss')}
          >
            Dismiss reports, keep it up
          </button>
        ) : null}
      </form>
      <SuspendAuthor post={post} />
    </>
  );
}
