import { useState, type SubmitEvent } from 'react';
import { api } from '../api/client';
import { call, toApiError, type ApiError } from '../api/problem';
import { TextArea, TextField } from '../components/Field';
import { ProblemAlert } from '../components/ProblemAlert';
import { fromLocalInput, toLocalInput } from '../requests/draft';

/**
 * A legal hold keeps one disclosed copy past its expiry, for a named case, up to the policy's maximum. It is
 * public (on the request page) and logged; it can be extended only by filing another.
 */
export function HoldForm({
  disclosureId,
  caseNumber,
  onHeld,
}: {
  disclosureId: string;
  caseNumber: string;
  onHeld: () => void;
}) {
  const [caseNo, setCaseNo] = useState(caseNumber);
  const [justification, setJustification] = useState('');
  const [until, setUntil] = useState(() => toLocalInput(new Date(Date.now() + 180 * 86_400_000)));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [done, setDone] = useState(false);

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    const iso = fromLocalInput(until);
    if (!iso) return;
    setBusy(true);
    setError(null);
    try {
      await call(
        api.POST('/api/disclosures/{id}/hold', {
          params: { path: { id: disclosureId } },
          body: { caseNumber: caseNo.trim(), justification: justification.trim(), until: iso },
        }),
      );
      setDone(true);
      onHeld();
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={(e) => void submit(e)} noValidate aria-label="File a legal hold">
      <ProblemAlert error={error} placed={['caseNumber', 'justification', 'until']} />
      <TextField
        label="Case number"
        value={caseNo}
        onChange={(e) => {
          setCaseNo(e.target.value);
        }}
        error={error?.fields.caseNumber}
      />
      <TextArea
        label="Why it must be kept"
        value={justification}
        rows={2}
        onChange={(e) => {
          setJustification(e.target.value);
        }}
        error={error?.fields.justification}
      />
      <TextField
        label="Keep until"
        type="datetime-local"
        value={until}
        onChange={(e) => {
          setUntil(e.target.value);
        }}
        error={error?.fields.until}
      />
      <div className="form-actions form-actions--start">
        <button type="submit" className="button" disabled={busy || justification.trim() === ''}>
          {busy ? 'Filing…' : 'File legal hold'}
        </button>
      </div>
      {done ? (
        <p role="status" className="success">
          Hold filed; it is public on the request page and in the log.
        </p>
      ) : null}
    </form>
  );
}
