import { REPORT_RULE_LABELS } from '@porchlight/policy';
import { useEffect, useState, type SubmitEvent } from 'react';
import { Link, useLocation } from '../router';
import { api } from '../api/client';
import { call, toApiError, type ApiError } from '../api/problem';
import { TextArea } from '../components/Field';
import { ProblemAlert } from '../components/ProblemAlert';
import { absoluteTime } from '../format';
import './account.css';

type Suspension = NonNullable<Awaited<ReturnType<typeof loadSuspension>>>;

const loadSuspension = async () => (await call(api.GET('/api/me/suspension'))).suspension;

/**
 * Shown on every page while a moderator's suspension is in force: the rule, the reason, when it ends, that
 * reading still works, and the appeal (once). The server's `account_suspended` problems point here
 * (`/account#suspension`).
 */
export function SuspensionBanner() {
  const [suspension, setSuspension] = useState<Suspension | null>(null);
  const [appealing, setAppealing] = useState(false);
  const [statement, setStatement] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  // No live event carries a lift or a new suspension: the banner asks again on every navigation, so it goes
  // (or appears) at the next page the person opens.
  const { path } = useLocation();
  useEffect(() => {
    let cancelled = false;
    loadSuspension()
      .then((s) => {
        if (!cancelled) setSuspension(s);
      })
      .catch(() => {
        // No banner rather than a broken one; the server still refuses what a suspension forbids.
      });
    return () => {
      cancelled = true;
    };
  }, [path]);
  if (!suspension) return null;

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const res = await call(api.POST('/api/me/suspension/appeal', { body: { statement } }));
      setSuspension(res.suspension);
      setAppealing(false);
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div
      id="suspension"
      className="alert alert--warning email-banner"
      role="region"
      aria-label="Your account is suspended"
    >
      <p>
        <strong>Your account is suspended</strong>{' '}
        {suspension.until ? `until ${absoluteTime(suspension.until)}` : 'until a moderator lifts it'} for
        breaking the rule “{REPORT_RULE_LABELS[suspension.rule].label}”: {suspension.reason}. You can still
        read, but not post, comment, react or report. <Link to="/guidelines">Community guidelines</Link>.
      </p>
      {suspension.appealed ? (
        <p role="status">You appealed; a moderator will review it.</p>
      ) : appealing ? (
        <form onSubmit={(e) => void submit(e)} noValidate>
          <ProblemAlert error={error} placed={['statement']} />
          <TextArea
            label="Why the suspension is wrong"
            hint="Moderators read this. You can appeal once."
            value={statement}
            onChange={(e) => {
              setStatement(e.target.value);
            }}
            rows={3}
            required
            minLength={10}
            error={error?.fields.statement}
          />
          <button
            type="submit"
            className="button button--primary"
            disabled={busy || statement.trim().length < 10}
          >
            Send appeal
          </button>
        </form>
      ) : (
        <p>
          <button
            type="button"
            className="link-button"
            onClick={() => {
              setAppealing(true);
            }}
          >
            Appeal this suspension
          </button>
        </p>
      )}
    </div>
  );
}
