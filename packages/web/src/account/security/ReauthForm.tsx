import { useState, type SubmitEvent } from 'react';
import { toApiError, type ApiError } from '../../api/problem';
import { TextField } from '../../components/Field';
import { ProblemAlert } from '../../components/ProblemAlert';
import { initialChoice, SecondFactorProof, toProof, type ProofChoice } from './SecondFactorProof';
import type { SecondFactorProof as Proof, SecondFactors } from './types';

/** A sensitive change: asks for the password and a current second factor, then sends both with `submit`. */
export function ReauthForm<T>({
  factors,
  action,
  submit,
  onDone,
  onCancel,
}: {
  factors: SecondFactors;
  action: string;
  submit: (body: { password: string; proof: Proof }) => Promise<T>;
  onDone: (result: T) => void;
  onCancel: () => void;
}) {
  const [password, setPassword] = useState('');
  const [choice, setChoice] = useState<ProofChoice>(() => initialChoice(factors));
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  const send = async (e: SubmitEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onDone(await submit({ password, proof: await toProof(choice) }));
    } catch (err) {
      setError(toApiError(err));
      setBusy(false);
    }
  };

  return (
    <form className="stack reauth" onSubmit={(e) => void send(e)} noValidate>
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
      <SecondFactorProof factors={factors} value={choice} onChange={setChoice} />
      <div className="security-row">
        <button type="submit" className="button button--danger" disabled={busy}>
          {busy ? 'Checking…' : action}
        </button>
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
