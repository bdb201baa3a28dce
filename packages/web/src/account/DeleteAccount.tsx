import { useEffect, useState, type SubmitEvent } from 'react';
import { api } from '../api/client';
import { call, toApiError, type ApiError } from '../api/problem';
import { TextField } from '../components/Field';
import { send } from '../vault/send';
import { ProblemAlert } from '../components/ProblemAlert';
import { useSession } from '../state/session';
import { lockVault } from '../vault/vaultStore';
import { initialChoice, SecondFactorProof, toProof, type ProofChoice } from './security/SecondFactorProof';
import type { SecondFactors } from './security/types';

/** Deleting the account: says what goes and what stays, then asks for the password (and second factor). */
export function DeleteAccount() {
  const { user } = useSession();
  const [open, setOpen] = useState(false);
  const [factors, setFactors] = useState<SecondFactors | null>(null);
  const [password, setPassword] = useState('');
  const [choice, setChoice] = useState<ProofChoice | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!open) return;
    call(api.GET('/api/me/second-factors'))
      .then((f) => {
        setFactors(f);
        if (f.totp || f.passkeys.length > 0) setChoice(initialChoice(f));
      })
      .catch((err: unknown) => {
        setError(toApiError(err));
      });
  }, [open]);

  if (user && user.role !== 'resident') {
    return (
      <p>
        A {user.role} account cannot delete itself: it carries duties others rely on. Ask an admin to remove
        the role first.
      </p>
    );
  }

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const secondFactor = choice ? await toProof(choice) : undefined;
      await send(
        api.DELETE('/api/account', { body: { password, ...(secondFactor ? { secondFactor } : {}) } }),
      );
      lockVault();
      // The server ended every session; a fresh load forgets this one here too.
      window.location.assign('/');
    } catch (err) {
      setError(toApiError(err));
      setBusy(false);
    }
  };

  return (
    <div className="stack">
      <p>Deleting is immediate and cannot be undone. Download your data first if you want to keep it.</p>
      <ul>
        <li>
          <strong>Removed:</strong> your vault keys, cameras, every clip (and its stored ciphertext), paired
          hubs, footage-request inbox, second factors and all sessions.
        </li>
        <li>
          <strong>Kept, without your name:</strong> your posts and comments, shown as “Deleted account”.
          Entries already in the public transparency log stay as they are; clips you already shared with an
          agency stay with it until their retention ends.
        </li>
      </ul>
      {open ? (
        <form className="stack" onSubmit={(e) => void submit(e)} noValidate>
          <ProblemAlert error={error} placed={['password']} />
          <TextField
            label="Your password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => {
              setPassword(e.target.value);
            }}
            error={error?.fields.password}
            required
          />
          {factors && choice ? (
            <SecondFactorProof factors={factors} value={choice} onChange={setChoice} />
          ) : null}
          <div className="form-actions form-actions--start">
            <button type="submit" className="button button--danger" disabled={busy || password === ''}>
              {busy ? 'Deleting…' : 'Delete my account'}
            </button>
            <button
              type="button"
              className="button button--ghost"
              onClick={() => {
                setOpen(false);
              }}
            >
              Keep it
            </button>
          </div>
        </form>
      ) : (
        <p>
          <button
            type="button"
            className="button button--danger"
            onClick={() => {
              setOpen(true);
            }}
          >
            Delete my account…
          </button>
        </p>
      )}
    </div>
  );
}
