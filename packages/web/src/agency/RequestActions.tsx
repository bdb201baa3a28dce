import { useState, type SubmitEvent } from 'react';
import { toApiError, type ApiError } from '../api/problem';
import { TextArea } from '../components/Field';
import { ProblemAlert } from '../components/ProblemAlert';
import { footageRequests } from '../requests/api';
import type { FootageRequest } from '../requests/types';

interface ActionProps {
  request: FootageRequest;
  onChanged: (r: FootageRequest) => void;
}

/** One published statement about a request: a text the agency writes, sent once, logged with the request. */
function RequestStatementForm({
  request,
  onChanged,
  send,
  field,
  name,
  label,
  hint,
  rows,
  maxLength,
  minLength,
  action,
  busyLabel,
  danger = false,
}: ActionProps & {
  send: (id: string, text: string) => Promise<FootageRequest>;
  field: string;
  name: string;
  label: string;
  hint: string;
  rows: number;
  maxLength: number;
  minLength: number;
  action: string;
  busyLabel: string;
  danger?: boolean;
}) {
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onChanged(await send(request.id, text.trim()));
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={(e) => void submit(e)} noValidate aria-label={name}>
      <ProblemAlert error={error} placed={[field]} />
      <TextArea
        label={label}
        hint={hint}
        value={text}
        rows={rows}
        maxLength={maxLength}
        onChange={(e) => {
          setText(e.target.value);
        }}
        error={error?.fields[field]}
      />
      <div className="form-actions form-actions--start">
        <button
          type="submit"
          className={`button ${danger ? 'button--danger' : 'button--primary'}`}
          disabled={busy || text.trim().length < minLength}
        >
          {busy ? busyLabel : action}
        </button>
      </div>
    </form>
  );
}

/**
 * Closing a request (with a reason, published and logged): owners can no longer answer it and its matches
 * are deleted. There is no edit and no delete — a request changes only by closing.
 */
export function CloseRequestForm(props: ActionProps) {
  return (
    <RequestStatementForm
      {...props}
      send={footageRequests.close}
      field="reason"
      name="Close the request"
      label="Reason for closing"
      hint="Published with the request and in the transparency log."
      rows={2}
      maxLength={500}
      minLength={3}
      action="Close request"
      busyLabel="Closing…"
      danger
    />
  );
}

/** The written justification an exigent request owes; published and logged when filed. */
export function JustificationForm(props: ActionProps) {
  return (
    <RequestStatementForm
      {...props}
      send={footageRequests.justify}
      field="text"
      name="File the justification"
      label="Justification"
      hint="Why this could not wait for the normal process (at least 20 characters). Published and logged."
      rows={4}
      maxLength={4000}
      minLength={20}
      action="File justification"
      busyLabel="Filing…"
    />
  );
}
