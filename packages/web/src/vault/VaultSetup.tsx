import { useState, type SubmitEvent } from 'react';
import { invalidField, toApiError, type ApiError } from '../api/problem';
import { TextField } from '../components/Field';
import { ProblemAlert } from '../components/ProblemAlert';
import { setUpVault, type NewVault } from './keys';
import { MIN_PASSPHRASE_LENGTH, passphraseStrength } from './passphrase';

/**
 * First visit: the owner picks a passphrase; the browser creates the vault key and wraps it. The passphrase
 * never leaves this page — only the wrapped key does.
 */
export function VaultSetup({ onCreated }: { onCreated: (vault: NewVault) => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  const submit = async (passphrase: string) => {
    setBusy(true);
    setError(null);
    try {
      onCreated(await setUpVault(passphrase));
    } catch (err) {
      setError(toApiError(err));
      setBusy(false);
    }
  };

  return (
    <div className="card vault-card">
      <h2>Set up your clip vault</h2>
      <p>
        Clips in your vault are encrypted on your devices before they reach Porchlight. Only your passphrase
        (or your recovery code) can open them — Porchlight’s operators cannot, and neither can we reset it for
        you.
      </p>
      <ProblemAlert error={error} placed={['passphrase', 'confirm']} />
      <PassphraseForm
        submitLabel="Create my vault"
        busyLabel="Creating your key…"
        busy={busy}
        onSubmit={(p) => void submit(p)}
        onInvalid={setError}
      />
    </div>
  );
}

/** A new passphrase with a strength hint and a confirmation field; also used after recovery. */
export function PassphraseForm({
  submitLabel,
  busyLabel,
  busy,
  onSubmit,
  onInvalid,
}: {
  submitLabel: string;
  busyLabel: string;
  busy: boolean;
  onSubmit: (passphrase: string) => void;
  onInvalid: (error: ApiError) => void;
}) {
  const [passphrase, setPassphrase] = useState('');
  const [confirm, setConfirm] = useState('');
  const [errors, setErrors] = useState<{ passphrase?: string; confirm?: string }>({});
  const strength = passphraseStrength(passphrase);

  const submit = (e: SubmitEvent) => {
    e.preventDefault();
    if (strength.score < 2) {
      const message =
        passphrase.trim().length < MIN_PASSPHRASE_LENGTH
          ? `Use at least ${MIN_PASSPHRASE_LENGTH} characters.`
          : 'This passphrase is too easy to guess; use four or more unrelated words.';
      setErrors({ passphrase: message });
      onInvalid(invalidField('passphrase', message));
      return;
    }
    if (confirm !== passphrase) {
      const message = 'The two passphrases differ.';
      setErrors({ confirm: message });
      onInvalid(invalidField('confirm', message));
      return;
    }
    setErrors({});
    onSubmit(passphrase);
  };

  return (
    <form onSubmit={submit} noValidate aria-label="Choose a vault passphrase">
      <TextField
        label="Vault passphrase"
        type="password"
        autoComplete="new-password"
        value={passphrase}
        onChange={(e) => {
          setPassphrase(e.target.value);
        }}
        hint="Different from your sign-in password. Four or more unrelated words are strong and easy to type."
        error={errors.passphrase}
      />
      <p className={`strength strength--${strength.score}`} aria-live="polite">
        <span className="strength__bar" aria-hidden="true">
          <span style={{ width: `${strength.score * 25}%` }} />
        </span>
        <span>
          <strong>Strength: {strength.label}.</strong> {passphrase ? strength.hint : ''}
        </span>
      </p>
      <TextField
        label="Repeat the passphrase"
        type="password"
        autoComplete="new-password"
        value={confirm}
        onChange={(e) => {
          setConfirm(e.target.value);
        }}
        error={errors.confirm}
      />
      <div className="form-actions form-actions--start">
        <button type="submit" className="button button--primary" disabled={busy}>
          {busy ? busyLabel : submitLabel}
        </button>
      </div>
    </form>
  );
}

/**
 * The recovery code, shown exactly once. The owner must say they saved it before the vault opens; it is
 * not kept anywhere after this component goes away.
 */
export function RecoveryCodeNotice({ code, onSaved }: { code: string; onSaved: () => void }) {
  const [saved, setSaved] = useState(false);
  const [copied, setCopied] = useState(false);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(code);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  };

  const download = () => {
    const text = `Porchlight clip vault recovery code\n\n${code}\n\nKeep this somewhere safe and offline. It opens your vault if you forget your passphrase.\n`;
    const url = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = 'porchlight-recovery-code.txt';
    a.click();
    setTimeout(() => {
      URL.revokeObjectURL(url);
    }, 1000);
  };

  return (
    <section className="card vault-card" aria-labelledby="recovery-title">
      <h2 id="recovery-title">Save your recovery code</h2>
      <div className="alert alert--warning">
        <p>
          This is the only time it is shown. If you forget your passphrase, this code is the only way back
          into your vault.
        </p>
      </div>
      <p className="recovery-code" aria-label="Recovery code">
        <code>{code}</code>
      </p>
      <div className="form-actions form-actions--start">
        <button type="button" className="button" onClick={() => void copy()}>
          {copied ? 'Copied' : 'Copy'}
        </button>
        <button type="button" className="button" onClick={download}>
          Download as a file
        </button>
      </div>
      <label className="check">
        <input
          type="checkbox"
          checked={saved}
          onChange={(e) => {
            setSaved(e.target.checked);
          }}
        />
        I have saved my recovery code somewhere safe
      </label>
      <div className="form-actions form-actions--start">
        <button type="button" className="button button--primary" disabled={!saved} onClick={onSaved}>
          Open my vault
        </button>
      </div>
    </section>
  );
}
