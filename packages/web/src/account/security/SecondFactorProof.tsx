import { TextField } from '../../components/Field';
import { provePasskey } from './passkeys';
import type { SecondFactorProof as Proof, SecondFactors } from './types';

/** What the person chose to confirm with; a passkey is asked for only when the form is sent. */
export type ProofChoice =
  { method: 'totp'; code: string } | { method: 'recovery'; code: string } | { method: 'passkey' };

/** The first choice to offer for an account's factors. */
export function initialChoice(factors: SecondFactors): ProofChoice {
  if (factors.totp) return { method: 'totp', code: '' };
  if (factors.passkeys.length > 0) return { method: 'passkey' };
  return { method: 'recovery', code: '' };
}

/** Turns the choice into the API's proof, asking the browser for the passkey when that was chosen. */
export function toProof(choice: ProofChoice): Promise<Proof> {
  switch (choice.method) {
    case 'totp':
      return Promise.resolve({ code: choice.code.replace(/\s/g, '') });
    case 'recovery':
      return Promise.resolve({ recoveryCode: choice.code.trim() });
    case 'passkey':
      return provePasskey();
  }
}

/**
 * Asks for a current second factor before a sensitive change: a code from the authenticator app, a passkey,
 * or a recovery code. Renders nothing to choose from that the account does not have.
 */
export function SecondFactorProof({
  factors,
  value,
  onChange,
  error,
}: {
  factors: SecondFactors;
  value: ProofChoice;
  onChange: (choice: ProofChoice) => void;
  error?: string | undefined;
}) {
  const options: [ProofChoice['method'], string][] = [];
  if (factors.totp) options.push(['totp', 'Authenticator app']);
  if (factors.passkeys.length > 0) options.push(['passkey', 'Passkey']);
  if (factors.recoveryCodesLeft > 0) options.push(['recovery', 'Recovery code']);
  return (
    <fieldset className="field">
      <legend>Confirm with your second factor</legend>
      <div className="proof-methods" role="radiogroup" aria-label="Second factor">
        {options.map(([method, label]) => (
          <label key={method}>
            <input
              type="radio"
              name="proof-method"
              checked={value.method === method}
              onChange={() => {
                onChange(method === 'passkey' ? { method } : { method, code: '' });
              }}
            />{' '}
            {label}
          </label>
        ))}
      </div>
      {value.method === 'totp' ? (
        <TextField
          label="Current authenticator code"
          inputMode="numeric"
          autoComplete="one-time-code"
          maxLength={6}
          value={value.code}
          onChange={(e) => {
            onChange({ method: 'totp', code: e.target.value });
          }}
          error={error}
        />
      ) : value.method === 'recovery' ? (
        <TextField
          label="One of your recovery codes"
          autoComplete="off"
          value={value.code}
          onChange={(e) => {
            onChange({ method: 'recovery', code: e.target.value });
          }}
          error={error}
        />
      ) : (
        <p className="muted">Your browser will ask for the passkey when you confirm.</p>
      )}
    </fieldset>
  );
}
