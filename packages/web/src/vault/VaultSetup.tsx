import { useEffect, useId, useState, type ReactNode, type SubmitEvent } from 'react';
import { invalidField, toApiError, type ApiError } from '../api/problem';
import { TextField } from '../components/Field';
import { ProblemAlert } from '../components/ProblemAlert';
import { prepareKey, type PreparedKey } from './keys';
import {
  acceptable,
  loadEstimator,
  MIN_PASSPHRASE_LENGTH,
  passphraseStrength,
  type Estimator,
  type PassphraseStrength,
} from './passphrase';

/**
 * First visit: the owner picks a passphrase; the browser creates the vault key and wraps it. The passphrase
 * never leaves this page — only the wrapped key does, once the recovery code is saved (VaultPage).
 */
export function VaultSetup({ onCreated }: { onCreated: (vault: PreparedKey) => void }) {
  return (
    <KeySetup
      title="Set up your clip vault"
      className="card vault-card"
      submitLabel="Create my vault"
      create={prepareKey}
      onCreated={onCreated}
    >
      <p>
        Clips in your vault are encrypted on your devices before they reach Porchlight. Only your passphrase
        (or your recovery code) can open them — Porchlight’s operators cannot, and neither can we reset it for
        you.
      </p>
    </KeySetup>
  );
}

/**
 * Setting up a passphrase-wrapped age key (the owner's vault key, an agency member's key): `children` say
 * what the key is for; `create` makes and stores it from the chosen passphrase, in this browser.
 */
export function KeySetup<T>({
  title,
  className = 'card',
  submitLabel,
  create,
  onCreated,
  passphraseLabel,
  formLabel,
  children,
}: {
  title: string;
  className?: string;
  submitLabel: string;
  create: (passphrase: string) => Promise<T>;
  onCreated: (created: T) => void;
  passphraseLabel?: string;
  formLabel?: string;
  children: ReactNode;
}) {
  const headingId = useId();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  const submit = async (passphrase: string) => {
    setBusy(true);
    setError(null);
    try {
      onCreated(await create(passphrase));
    } catch (err) {
      setError(toApiError(err));
      setBusy(false);
    }
  };

  return (
    <section className={className} aria-labelledby={headingId}>
      <h2 id={headingId}>{title}</h2>
      {children}
      <ProblemAlert error={error} placed={['passphrase', 'confirm']} />
      <PassphraseForm
        submitLabel={submitLabel}
        busyLabel="Creating your key…"
        busy={busy}
        onSubmit={(p) => void submit(p)}
        onInvalid={setError}
        {...(passphraseLabel !== undefined && { passphraseLabel })}
        {...(formLabel !== undefined && { formLabel })}
      />
    </section>
  );
}

/** A new passphrase with a strength hint and a confirmation field; also used after recovery. */
export function PassphraseForm({
  submitLabel,
  busyLabel,
  busy,
  onSubmit,
  onInvalid,
  passphraseLabel = 'Vault passphrase',
  formLabel = 'Choose a vault passphrase',
}: {
  submitLabel: string;
  busyLabel: string;
  busy: boolean;
  onSubmit: (passphrase: string) => void;
  onInvalid: (error: ApiError) => void;
  /** What the passphrase opens, as the field's label (the agency key uses the same form). */
  passphraseLabel?: string;
  formLabel?: string;
}) {
  const [passphrase, setPassphrase] = useState('');
  const [confirm, setConfirm] = useState('');
  const [errors, setErrors] = useState<{ passphrase?: string; confirm?: string }>({});
  const estimate = useEstimator();
  const strength: PassphraseStrength | null = estimate ? passphraseStrength(passphrase, estimate) : null;

  const submit = (e: SubmitEvent) => {
    e.preventDefault();
    // A submit before the estimator has loaded waits for it: a weak passphrase must never slip by unjudged.
    void loadEstimator().then((est) => {
      check(passphraseStrength(passphrase, est));
    });
  };

  const check = (judged: PassphraseStrength) => {
    if (!acceptable(judged)) {
      const message =
        passphrase.trim().length < MIN_PASSPHRASE_LENGTH
          ? `Use at least ${MIN_PASSPHRASE_LENGTH} characters.`
          : `This passphrase is too easy to guess. ${judged.hint}`;
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
    <form onSubmit={submit} noValidate aria-label={formLabel}>
      <TextField
        label={passphraseLabel}
        type="password"
        autoComplete="new-password"
        value={passphrase}
        onChange={(e) => {
          setPassphrase(e.target.value);
        }}
        hint="Different from your sign-in password. Four or more unrelated words are strong and easy to type."
        error={errors.passphrase}
      />
      <p className={`strength strength--${strength?.score ?? 0}`} aria-live="polite">
        <span className="strength__bar" aria-hidden="true">
          <span style={{ width: `${(strength?.score ?? 0) * 25}%` }} />
        </span>
        <span>
          {strength ? (
            <>
              <strong>Strength: {strength.label}.</strong> {passphrase ? strength.hint : ''}
            </>
          ) : (
            'Checking strength…'
          )}
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
 * The recovery code, shown exactly once. The person must say they saved it before going on; it is not kept
 * anywhere after this component goes away. `opens` says what the code opens (the vault by default).
 * `onSaved` may store the key now (a new key is stored only once its code is saved); while it runs the button
 * is busy, and if it fails the code stays on screen with the reason, to try again.
 */
export function RecoveryCodeNotice({
  code,
  onSaved,
  opens = 'your vault',
  continueLabel = 'Open my vault',
  className = 'card vault-card',
}: {
  code: string;
  onSaved: () => void | Promise<void>;
  opens?: string;
  continueLabel?: string;
  className?: string;
}) {
  const headingId = useId();
  const [saved, setSaved] = useState(false);
  const [copied, setCopied] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  const goOn = async () => {
    setBusy(true);
    setError(null);
    try {
      await onSaved();
    } catch (err) {
      setError(toApiError(err));
      setBusy(false);
    }
  };

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(code);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  };

  const download = () => {
    const text = `Porchlight recovery code for ${opens}\n\n${code}\n\nKeep this somewhere safe and offline. It opens ${opens} if you forget your passphrase.\n`;
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
    <section className={className} aria-labelledby={headingId}>
      <h2 id={headingId}>Save your recovery code</h2>
      <div className="alert alert--warning">
        <p>
          This is the only time it is shown. If you forget your passphrase, this code is the only way to open{' '}
          {opens}.
        </p>
      </div>
      <ProblemAlert error={error} />
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
        <button
          type="button"
          className="button button--primary"
          disabled={!saved || busy}
          aria-busy={busy}
          onClick={() => void goOn()}
        >
          {busy ? 'Saving your key…' : continueLabel}
        </button>
      </div>
    </section>
  );
}

/** zxcvbn, loaded on first render of a passphrase form (its dictionaries are not part of the app bundle). */
function useEstimator(): Estimator | null {
  const [estimator, setEstimator] = useState<Estimator | null>(null);
  useEffect(() => {
    let live = true;
    void loadEstimator().then((e) => {
      if (live) setEstimator(() => e);
    });
    return () => {
      live = false;
    };
  }, []);
  return estimator;
}
