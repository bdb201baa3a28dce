import { useState, type SubmitEvent } from 'react';
import { toApiError, type ApiError } from '../api/problem';
import { TextArea, TextField } from '../components/Field';
import { ProblemAlert } from '../components/ProblemAlert';
import { usePageTitle } from '../components/usePageTitle';
import { bystander, type FileBody } from './api';
import { KindChoice } from './KindChoice';

/**
 * The open form (no account needed) where someone shown in a video post asks its owner to blur or remove
 * them. The post itself is not shown here: a post is visible only to its neighbourhood.
 */
export function BystanderRequestPage({ postId }: { postId: string }) {
  usePageTitle('Ask to be blurred or removed');
  const [kind, setKind] = useState<FileBody['kind']>('blur');
  const [start, setStart] = useState('0');
  const [end, setEnd] = useState('');
  const [description, setDescription] = useState('');
  const [email, setEmail] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [sent, setSent] = useState<{ confirmWithinHours: number; answerWithinDays: number } | null>(null);

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const body = { kind, startSeconds: Number(start), endSeconds: Number(end), description, email };
      setSent(await bystander.file(postId, body));
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  };

  if (sent !== null)
    return (
      <div className="narrow card" role="status">
        <h1>Check your email</h1>
        <p>
          We sent a link to {email}. Open it within {sent.confirmWithinHours} hours to send your request to
          the person who posted the video; their answer comes to the same address. If they do not answer
          within {sent.answerWithinDays} days, our moderators look at it.
        </p>
        <p className="muted">
          Your address is never shown to them, and it is deleted once the answer is sent.
        </p>
      </div>
    );

  return (
    <div className="narrow card">
      <h1>Ask to be blurred or removed</h1>
      <p>
        If you are shown in this video and do not want to be, tell its owner where you appear. You need no
        account.
      </p>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <ProblemAlert error={error} placed={['kind', 'startSeconds', 'endSeconds', 'description', 'email']} />
        <KindChoice value={kind} onChange={setKind} error={error?.fields.kind} />
        <div className="bystander-range">
          <TextField
            label="From (seconds into the video)"
            type="number"
            inputMode="decimal"
            min={0}
            step="any"
            value={start}
            onChange={(e) => {
              setStart(e.target.value);
            }}
            required
            error={error?.fields.startSeconds}
          />
          <TextField
            label="To (seconds into the video)"
            type="number"
            inputMode="decimal"
            min={0}
            step="any"
            value={end}
            onChange={(e) => {
              setEnd(e.target.value);
            }}
            required
            error={error?.fields.endSeconds}
          />
        </div>
        <TextArea
          label="How can the owner recognise you?"
          hint="For example: the person in the red coat walking past the gate. The owner reads this."
          value={description}
          onChange={(e) => {
            setDescription(e.target.value);
          }}
          rows={3}
          required
          minLength={3}
          maxLength={1000}
          error={error?.fields.description}
        />
        <TextField
          label="Your email address"
          hint="Only for sending you the answer: never shown to the owner or anyone else, deleted after."
          type="email"
          autoComplete="email"
          value={email}
          onChange={(e) => {
            setEmail(e.target.value);
          }}
          required
          maxLength={254}
          error={error?.fields.email}
        />
        <div className="form-actions form-actions--start">
          <button type="submit" className="button button--primary" disabled={busy}>
            {busy ? 'Sending…' : 'Send request'}
          </button>
        </div>
      </form>
    </div>
  );
}
