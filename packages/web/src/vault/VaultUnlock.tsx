import { useState, type SubmitEvent } from 'react';
import { toApiError, type ApiError } from '../api/problem';
import { TextField } from '../components/Field';
import { ProblemAlert } from '../components/ProblemAlert';
import { changePassphrase, unlockWithPassphrase, unlockWithRecoveryCode } from './keys';
import type { VaultKeys } from './types';
import { PassphraseForm } from './VaultSetup';

/**
 * Unlocks the vault with the passphrase, or with the recovery code — after which the owner must choose a
 * new passphrase (the old one is presumed forgotten). Unwrapping happens here; nothing secret is sent.
 */
export function VaultUnlock({
  keys,
  onUnlocked,
}: {
  keys: VaultKeys;
  onUnlocked: (identity: string) => void;
}) {
  const [mode, setMode] = useState<'passphrase' | 'recovery' | 'new-passphrase'>('passphrase');
  const [secret, setSecret] = useState('');
  const [recovered, setRecovered] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  const unlock = async (e: SubmitEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      if (mode === 'passphrase') {
        onUnlocked(await unlockWithPassphrase(keys, secret));
      } else {
        setRecovered(await unlockWithRecoveryCode(keys, secret));
        setSecret('');
        setMode('new-passphrase');
        setBusy(false);
      }
    } catch (err) {
      setError(toApiError(err));
      setBusy(false);
    }
  };

  const replace = async (passphrase: string) => {
    if (!recovered) return;
    setBusy(true);
    setError(null);
    try {
      await changePassphrase(recovered, passphrase);
      onUnlocked(recovered);
    } catch (err) {
      setError(toApiError(err));
      setBusy(false);
    }
  };

  if (mode === 'new-passphrase') {
    return (
      <div className="card vault-card">
        <h2>Choose a new passphrase</h2>
        <p>Your recovery code worked. Pick a new passphrase; your recovery code stays valid.</p>
        <ProblemAlert error={error} placed={['passphrase', 'confirm']} />
        <PassphraseForm
          submitLabel="Save passphrase and unlock"
          busyLabel="Saving…"
          busy={busy}
          onSubmit={(p) => void replace(p)}
          onInvalid={setError}
        />
      </div>
    );
  }

  const byPassphrase = mode === 'passphrase';
  return (
    <div className="card vault-card">
      <h2>Unlock your vault</h2>
      <p className="muted">
        Your key is decrypted in this tab and kept only in its memory until you lock the vault or close the
        tab.
      </p>
      <ProblemAlert error={error} />
      <form onSubmit={(e) => void unlock(e)} noValidate aria-label="Unlock the vault">
        {byPassphrase ? (
          <TextField
            label="Vault passphrase"
            type="password"
            autoComplete="current-password"
            value={secret}
            onChange={(e) => {
              setSecret(e.target.value);
            }}
          />
        ) : (
          <TextField
            label="Recovery code"
            autoComplete="off"
            spellCheck={false}
            value={secret}
            onChange={(e) => {
              setSecret(e.target.value);
            }}
            hint="Six groups of five letters and digits; spaces and dashes do not matter."
          />
        )}
        <div className="form-actions form-actions--start">
          <button type="submit" className="button button--primary" disabled={busy || secret === ''}>
            {busy ? 'Unlocking…' : 'Unlock'}
          </button>
          <button
            type="button"
            className="link-button"
            onClick={() => {
              setMode(byPassphrase ? 'recovery' : 'passphrase');
              setSecret('');
              setError(null);
            }}
          >
            {byPassphrase ? 'Forgot it? Use your recovery code' : 'Use your passphrase instead'}
          </button>
        </div>
      </form>
    </div>
  );
}
