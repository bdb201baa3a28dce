import { useEffect, useState } from 'react';
import { api } from '../api/client';
import { call, toApiError, type ApiError } from '../api/problem';
import { ProblemAlert } from '../components/ProblemAlert';
import { Link } from '../router';

/** Opened from the mailed link: confirms the address with the token in the link's fragment. */
export function VerifyEmailPage() {
  const [result, setResult] = useState<{ email: string } | ApiError | null>(null);

  useEffect(() => {
    const token = /(?:^#|&)token=([A-Za-z0-9_-]{43})(?:&|$)/.exec(window.location.hash)?.[1];
    window.history.replaceState(null, '', '/verify-email');
    if (!token) {
      setResult(toApiError(new Error('This link is incomplete: open the whole link from the mail.')));
      return;
    }
    call(api.POST('/api/account/email/verify', { body: { token } }))
      .then(setResult)
      .catch((err: unknown) => {
        setResult(toApiError(err));
      });
  }, []);

  return (
    <div className="card auth__card">
      <h1>Confirm your email</h1>
      {result === null ? (
        <p aria-busy="true">Confirming…</p>
      ) : 'email' in result ? (
        <p role="status">
          Thank you: <strong>{result.email}</strong> is confirmed.
        </p>
      ) : (
        <ProblemAlert error={result} placed={[]} />
      )}
      <p>
        <Link to="/">Go to Porchlight</Link>
      </p>
    </div>
  );
}
