import { useEffect, useState } from 'react';
import { toApiError, type ApiError } from '../api/problem';
import { ProblemAlert } from '../components/ProblemAlert';
import { usePageTitle } from '../components/usePageTitle';
import { bystander, CONFIRM_PATH } from './api';

/** Opened from the mailed link: sends the bystander request on to the video's owner. No account needed. */
export function ConfirmBystanderPage() {
  usePageTitle('Confirm your request');
  const [result, setResult] = useState<{ answerWithinDays: number } | ApiError | null>(null);

  useEffect(() => {
    const token = /(?:^#|&)token=([A-Za-z0-9_-]{43})(?:&|$)/.exec(window.location.hash)?.[1];
    window.history.replaceState(null, '', CONFIRM_PATH);
    if (!token) {
      setResult(toApiError(new Error('This link is incomplete: open the whole link from the mail.')));
      return;
    }
    bystander.confirm(token).then(setResult, (err: unknown) => {
      setResult(toApiError(err));
    });
  }, []);

  return (
    <div className="narrow card">
      <h1>Confirm your request</h1>
      {result === null ? (
        <p aria-busy="true">Confirming…</p>
      ) : 'answerWithinDays' in result ? (
        <p role="status">
          Request confirmed: the person who posted the video has it now. Their answer comes to you by email.
          If they do not answer within {result.answerWithinDays} days, our moderators look at it.
        </p>
      ) : (
        <ProblemAlert error={result} placed={[]} />
      )}
    </div>
  );
}
