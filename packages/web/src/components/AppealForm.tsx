import { useState, type SubmitEvent } from 'react';
import { moderation } from '../api/moderation';
import { toApiError, type ApiError } from '../api/problem';
import type { Post } from '../api/types';
import { useAnnounce } from '../state/announcer';
import { TextArea } from './Field';
import { ProblemAlert } from './ProblemAlert';

/** The author's one appeal against a hide decision; a different moderator decides it. */
export function AppealForm({ post, onAppealed }: { post: Post; onAppealed: (post: Post) => void }) {
  const [open, setOpen] = useState(false);
  const [statement, setStatement] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const announce = useAnnounce();

  if (!open) {
    return (
      <button
        type="button"
        className="button"
        onClick={() => {
          setOpen(true);
        }}
      >
        Appeal this decision
      </button>
    );
  }

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const updated = await moderation.appeal(post.id, statement);
      announce('Appeal sent. A different moderator will review it.');
      onAppealed(updated);
    } catch (err) {
      setError(toApiError(err));
      setBusy(false);
    }
  };

  return (
    <form className="appeal-form" onSubmit={(e) => void submit(e)} noValidate>
      <ProblemAlert error={error} placed={['statement']} />
      <TextArea
        label="Why should this post be restored?"
        hint="A different moderator reads this. At least 10 characters; you can appeal only once."
        value={statement}
        onChange={(e) => {
          setStatement(e.target.value);
        }}
        rows={3}
        required
        minLength={10}
        maxLength={2000}
        autoFocus
        error={error?.fields.statement}
      />
      <div className="form-actions form-actions--start">
        <button
          type="submit"
          className="button button--primary"
          disabled={busy || statement.trim().length < 10}
        >
          {busy ? 'Sending…' : 'Send appeal'}
        </button>
        <button
          type="button"
          className="button button--ghost"
          onClick={() => {
            setOpen(false);
          }}
        >
          Cancel
        </button>
      </div>
    </form>
  );
}
