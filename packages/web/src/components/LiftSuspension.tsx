import { REPORT_RULE_LABELS, type ReportRule } from '@porchlight/policy';
import { useState, type SubmitEvent } from 'react';
import { api } from '../api/client';
import { call, toApiError, type ApiError } from '../api/problem';
import { absoluteTime } from '../format';
import { useAnnounce } from '../state/announcer';
import { TextArea } from './Field';
import { ProblemAlert } from './ProblemAlert';

/** What the form shows of a suspension in force. */
export interface SuspensionInForce {
  id: string;
  rule: ReportRule;
  reason: string;
  until: string | null;
  appealed: boolean;
}

/**
 * A moderator lifts an account's suspension early, with a reason published in the transparency log. Used on
 * the suspended author's posts and on the moderators' list of suspensions.
 */
export function LiftSuspension({
  name,
  suspension,
  onLifted,
}: {
  name: string;
  suspension: SuspensionInForce;
  onLifted: () => void;
}) {
  const [reason, setReason] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const announce = useAnnounce();

  const lift = async (e: SubmitEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await call(
        api.POST('/api/moderation/suspensions/{id}/lift', {
          params: { path: { id: suspension.id } },
          body: { reason },
        }),
      );
      announce(`Lifted ${name}’s suspension.`);
      onLifted();
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="decision" onSubmit={(e) => void lift(e)} noValidate aria-label={`${name}’s suspension`}>
      <p>
        <strong>{name} is suspended</strong>{' '}
        {suspension.until ? `until ${absoluteTime(suspension.until)}` : 'until lifted'} (
        {REPORT_RULE_LABELS[suspension.rule].label}: {suspension.reason})
        {suspension.appealed ? '; they appealed' : ''}.
      </p>
      <ProblemAlert error={error} placed={['reason']} />
      <TextArea
        label="Reason for lifting it early"
        hint="Published in the transparency log."
        value={reason}
        onChange={(e) => {
          setReason(e.target.value);
        }}
        rows={2}
        required
        minLength={3}
        error={error?.fields.reason}
      />
      <button type="submit" className="button button--ghost" disabled={busy || reason.trim().length < 3}>
        Lift suspension
      </button>
    </form>
  );
}
