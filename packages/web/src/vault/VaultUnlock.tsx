import { useId, useState, type SubmitEvent } from 'react';
import { toApiError, type ApiError } from '../api/problem';
import { TextField } from '../components/Field';
import { ProblemAlert } from '../components/ProblemAlert';
import { changePassphrase, unlockWithPassphrase, unlockWithRecoveryCode, type UnlockedKeys } from './keys';
import type { VaultKeys } from './types';
import { PassphraseForm } from './VaultSetup';

/** Unlocks the vault with the passphrase, or with the recovery code and then a new passphrase. */
export function VaultUnlock({
  keys,
  onUnlocked,
}: {
  keys: VaultKeys;
  onUnlocked: (unlocked: UnlockedKeys) => void;
}) {
  return (
    <KeyUnlock
      title="Unlock your vault"
      what="vault"
      className="card vault-card"
      passphraseLabel="Vault passphrase"
      unlock={(secret, by) =>
        by === 'passphrase' ? unlockWithPassphrase(keys, secret) : unlockWithRecoveryCode(keys, secret)
      }
      replacePassphrase={(unlocked, passphrase) => changePassphrase(unlocked.identity, passphrase)}
      onUnlocked={onUnlocked}
    />
  );
}

/**
 * Unlocks a passphrase-wrapped age key (the vault key, an agency member's key) in this tab, with the
 * passphrase or with the recovery code — after which the person must choose a new passphrase (the old one is
 * presumed forgotten), stored re-wrapped by `replacePassphrase`. Unwrapping happens here; nothing secret is
 * sent.
 */
export function KeyUnlock<T>({
  title,
  what,
  className = 'card',
  passphraseLabel,
  unlock,
  replacePassphrase,
  onUnlocked,
}: {
  title: string;
  /** What the key is, as the form's name says it: `vault`, `agency key`. */
  what: string;
  className?: string;
  passphraseLabel: string;
  unlock: (secret: string, by: 'passphrase' | 'recovery') => Promise<T>;
  replacePassphrase: (unlocked: T, passphrase: string) => Promise<void>;
  onUnlocked: (unlocked: T) => void;
}) {
  const headingId = useId();
  const [mode, setMode] = useState<'passphrase' | 'recovery' | 'new-passphrase'>('passphrase');
  const [secret, setSecret] = useState('');
  const [recovered, setRecovered] = useState<{ unlocked: T } | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      if (mode === 'passphrase') {
        onUnlocked(await unlock(secret, 'passphrase'));
      } else {
        setRecovered({ unlocked: await unlock(secret, 'recovery') });
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
      await replacePassphrase(recovered.unlocked, passphrase);
      onUnlocked(recovered.unlocked);
    } catch (err) {
      setError(toApiError(err));
      setBusy(false);
    }
  };

  if (mode === 'new-passphrase') {
    return (
      <section className={className} aria-labelledby={headingId}>
        <h2 id={headingId}>Choose a new passphrase</h2>
        <p>Your recovery code worked. Pick a new passphrase; your recovery code stays valid.</p>
        <ProblemAlert error={error} placed={['passphrase', 'confirm']} />
        <PassphraseForm
          submitLabel="Save passphrase and unlock"
          busyLabel="Saving…"
          busy={busy}
          onSubmit={(p) => void replace(p)}
          onInvalid={setError}
          passphraseLabel={passphraseLabel}
          formLabel={`Choose a new ${what} passphrase`}
        />
      </section>
    );
  }

  const byPassphrase = mode === 'passphrase';
  return (
    <section className={className} aria-labelledby={headingId}>
      <h2 id={headingId}>{title}</h2>
      <p className="muted">
        Your key is decrypted in this tab and kept only in its memory until you lock it, sign out or close the
        tab.
      </p>
      <ProblemAlert error={error} />
      <form onSubmit={(e) => void submit(e)} noValidate aria-label={`Unlock the ${what}`}>
        {byPassphrase ? (
          <TextField
            label={passphraseLabel}
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
    </section>
  );
}
