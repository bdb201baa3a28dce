import { useState, type SubmitEvent } from 'react';
import { toApiError, type ApiError } from '../api/problem';
import { TextArea } from '../components/Field';
import { ProblemAlert } from '../components/ProblemAlert';
import type { AnswerBody, BystanderRequest } from './api';
import { RedactedCopy } from './RedactedCopy';

type Outcome = AnswerBody['outcome'];

const LABELS: Record<Outcome, string> = {
  blurred: 'Blur them: a redacted copy replaces the video',
  removed: 'Remove the video from the post now',
  declined: 'Decline, with a reason',
};

/** One answer to a bystander request; the requester receives it by email. */
export function AnswerForm({
  request,
  outcomes,
  onAnswer,
}: {
  request: BystanderRequest;
  outcomes: readonly Outcome[];
  onAnswer: (id: string, body: AnswerBody) => Promise<void>;
}) {
  const [outcome, setOutcome] = useState<Outcome>(outcomes[0]!);
  const [reason, setReason] = useState('');
  const [media, setMedia] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await onAnswer(
        request.id,
        outcome === 'declined'
          ? { outcome, reason }
          : outcome === 'blurred'
            ? { outcome, ...(media ? { media } : {}) }
            : { outcome },
      );
    } catch (err) {
      setError(toApiError(err));
      setBusy(false);
    }
  };

  return (
    <form className="bystander-answer" onSubmit={(e) => void submit(e)} noValidate>
      <ProblemAlert error={error} placed={['reason']} focus={false} />
      <fieldset className="field">
        <legend>Your answer</legend>
        {outcomes.map((o) => (
          <label key={o} className="radio">
            <input
              type="radio"
              name={`answer-${request.id}`}
              value={o}
              checked={outcome === o}
              onChange={() => {
                setOutcome(o);
              }}
            />{' '}
            {LABELS[o]}
          </label>
        ))}
      </fieldset>
      {outcome === 'declined' ? (
        <TextArea
          label="Why do you decline?"
          hint="Sent to the person who asked."
          value={reason}
          onChange={(e) => {
            setReason(e.target.value);
          }}
          rows={2}
          maxLength={1000}
          error={error?.fields.reason}
        />
      ) : null}
      {outcome === 'blurred' ? <RedactedCopy postId={request.post} onReady={setMedia} /> : null}
      <div className="form-actions form-actions--start">
        <button
          type="submit"
          className="button button--primary"
          disabled={busy || (outcome === 'blurred' && media === null)}
        >
          {busy ? 'Sending…' : 'Send answer'}
        </button>
      </div>
    </form>
  );
}
