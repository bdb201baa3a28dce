import { useState, type SubmitEvent } from 'react';
import { moderation } from '../api/moderation';
import { toApiError, type ApiError } from '../api/problem';
import type { Post } from '../api/types';
import { useAnnounce } from '../state/announcer';
import { TextArea } from './Field';
import { ProblemAlert } from './ProblemAlert';

/** A moderator's hide or restore decision; the reason is shown to the author and logged publicly. */
export function ModerationActions({ post, onDecided }: { post: Post; onDecided: (post: Post) => void }) {
  const [reason, setReason] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const announce = useAnnounce();
  const action = post.status === 'visible' ? 'hide' : 'restore';

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const updated = await moderation.decide(post.id, action, reason);
      setReason('');
      announce(action === 'hide' ? `Hidden “${post.title}”.` : `Restored “${post.title}”.`);
      onDecided(updated);
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="decision" onSubmit={(e) => void submit(e)} noValidate>
      <ProblemAlert error={error} placed={['reason']} />
      <TextArea
        label={action === 'hide' ? 'Reason for hiding' : 'Reason for restoring'}
        hint="The author sees this, and it is published in the transparency log."
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
    </form>
  );
}
