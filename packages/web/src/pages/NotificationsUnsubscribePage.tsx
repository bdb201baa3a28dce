import { useState } from 'react';
import { toApiError, type ApiError } from '../api/problem';
import { ProblemAlert } from '../components/ProblemAlert';
import { alertSettings } from '../notifications/api';
import { Link, useLocation } from '../router';

/** Opened from the link in an alert mail: one button turns email alerts off, signed in or not. */
export function NotificationsUnsubscribePage() {
  const { query } = useLocation();
  const token = query.get('token') ?? '';
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  const unsubscribe = async () => {
    setBusy(true);
    try {
      await alertSettings.unsubscribe(token);
      setDone(true);
      setError(null);
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card stack" aria-labelledby="unsubscribe-title">
      <h1 id="unsubscribe-title">Stop alert emails</h1>
      {done ? (
        <p role="status">
          Done: Porchlight will not email you alerts any more. You can turn them back on in your{' '}
          <Link to="/settings/alerts">alert settings</Link>.
        </p>
      ) : (
        <>
          <p>
            Porchlight will stop emailing you alerts and digests. Push and in-app alerts stay as they are.
          </p>
          {error ? <ProblemAlert error={error} /> : null}
          <div className="form-actions form-actions--start">
            <button
              type="button"
              className="button button--primary"
              onClick={() => void unsubscribe()}
              disabled={busy || token === ''}
            >
              Stop alert emails
            </button>
          </div>
        </>
      )}
    </section>
  );
}
