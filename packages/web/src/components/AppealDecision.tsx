import { useState } from 'react';
import { moderation } from '../api/moderation';
import { toApiError, type ApiError } from '../api/problem';
import type { PendingAppeal, Post } from '../api/types';
import { useAnnounce } from '../state/announcer';
import { TextArea } from './Field';
import { ProblemAlert } from './ProblemAlert';

type Outcome = 'upheld' | 'overturned';

/** A second moderator's decision on an appeal: keep the post hidden, or restore it. */
export function AppealDecision({
  appeal,
  onDecided,
}: {
  appeal: PendingAppeal;
  onDecided: (post: Post) => void;
}) {
  const [reason, setReason] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState<Outcome | null>(null);
  const announce = useAnnounce();

  const decide = async (outcome: Outcome) => {
    setBusy(outcome);
    setError(null);
    try {
      const post = await moderation.decideAppeal(appeal.id, outcome, reason);
      announce(
        outcome === 'upheld'
          ? 'Decision upheld; the post stays hidden.'
          : 'Appeal granted; the post is restored.',
      );
      onDecided(post);
    } catch (err) {
      setError(toApiError(err));
      setBusy(null);
    }
  };

  const ready = reason.trim().length >= 3 && busy === null;
  return (
    <form
      className="decision"
      onSubmit={(e) => {
        e.preventDefault();
      }}
      noValidate
    >
      <ProblemAlert error={error} placed={['reason']} />
      <TextArea
        label="Reason for your decision"
        hint="The author sees this, and it is published in the transparency log."
        value={reason}
        onChange={(e) => {
          setReason(e.target.value);
        }}
        rows={2}
        required
        error={error?.fields.reason}
      />
      <div className="form-actions form-actions--start">
        <button
          type="button"
          className="button button--primary"
          disabled={!ready}
          onClick={() => void decide('overturned')}
        >
          Overturn and restore
        </button>
        <button
          type="button"
          className="button button--danger"
          disabled={!ready}
          onClick={() => void decide('upheld')}
        >
          Uphold (keep hidden)
        </button>
      </div>
    </form>
  );
}
