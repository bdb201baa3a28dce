import { useState } from 'react';
import { api } from '../api/client';
import { toApiError } from '../api/problem';
import { send } from '../vault/send';
import { useAccount } from './useAccount';
import './account.css';

/** Shown while the account's address is unconfirmed, with a way to get the link again. */
export function EmailBanner() {
  const { account } = useAccount();
  const [status, setStatus] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  if (!account || account.emailVerified) return null;

  const resend = async () => {
    setBusy(true);
    try {
      await send(api.POST('/api/account/email/resend'));
      setStatus(`A new link is on its way to ${account.email}.`);
    } catch (err) {
      setStatus(toApiError(err).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="alert alert--warning email-banner" role="region" aria-label="Confirm your email">
      <p>
        Please confirm your email address: open the link we sent to <strong>{account.email}</strong>, so we
        know mail reaches you.{' '}
        <button type="button" className="link-button" onClick={() => void resend()} disabled={busy}>
          Send the link again
        </button>
      </p>
      {status ? <p role="status">{status}</p> : null}
    </div>
  );
}
