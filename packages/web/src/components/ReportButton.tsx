import { Link } from '../router';
import { REPORT_RULE_LABELS, REPORT_RULES, type ReportRule } from '@porchlight/policy';
import { useRef, useState, type SubmitEvent } from 'react';
import { api } from '../api/client';
import { call, toApiError, type ApiError } from '../api/problem';
import type { Post } from '../api/types';
import { useAnnounce } from '../state/announcer';
import { TextArea } from './Field';
import { ProblemAlert } from './ProblemAlert';

/** "Report" and its reason dialog. Reports go to the moderators; the author never learns who reported. */
export function ReportButton({ post }: { post: Post }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [rule, setRule] = useState<ReportRule | null>(null);
  const [reason, setReason] = useState('');
  const [ruleError, setRuleError] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [reported, setReported] = useState(false);
  const announce = useAnnounce();

  const close = () => {
    dialog.current?.close();
    setError(null);
  };

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    if (!rule) {
      setRuleError('Choose the rule this post breaks.');
      return;
    }
    setRuleError(null);
    setBusy(true);
    setError(null);
    try {
      await call(
        api.POST('/api/posts/{id}/reports', {
          params: { path: { id: post.id } },
          body: { rule, ...(reason.trim() ? { reason } : {}) },
        }),
      );
      setReported(true);
      setReason('');
      setRule(null);
      close();
      announce('Thanks. The moderators will review this post.');
    } catch (err) {
      const e = toApiError(err);
      if (e.code === 'already_reported') {
        setReported(true);
        close();
        announce('You already reported this post.');
      } else setError(e);
    } finally {
      setBusy(false);
    }
  };

  const titleId = `report-title-${post.id}`;
  return (
    <>
      <button
        type="button"
        className="button button--quiet button--small"
        disabled={reported}
        onClick={() => dialog.current?.showModal()}
      >
        {reported ? 'Reported' : 'Report'}
      </button>
      <dialog
        ref={dialog}
        className="dialog"
        aria-labelledby={titleId}
        onClose={() => {
          setError(null);
        }}
      >
        <form onSubmit={(e) => void submit(e)} noValidate>
          <h2 id={titleId}>Report “{post.title}”</h2>
          <p className="muted">
            Tell the moderators which rule this post breaks (see the{' '}
            <Link to="/guidelines">community guidelines</Link>). They decide in the open, with a stated
            reason, and the author can appeal. The author is not told who reported it.
          </p>
          <ProblemAlert error={error} placed={['reason', 'rule']} />
          <fieldset
            className={`report-rules${ruleError ? ' field--invalid' : ''}`}
            aria-describedby={ruleError ? `${titleId}-rule-error` : undefined}
          >
            <legend>Which rule does it break?</legend>
            {REPORT_RULES.map((r) => (
              <label key={r} className="report-rule">
                <input
                  type="radio"
                  name={`rule-${post.id}`}
                  value={r}
                  checked={rule === r}
                  onChange={() => {
                    setRule(r);
                    setRuleError(null);
                  }}
                />{' '}
                <span>
                  <strong>{REPORT_RULE_LABELS[r].label}</strong>{' '}
                  <span className="muted">— {REPORT_RULE_LABELS[r].hint}</span>
                </span>
              </label>
            ))}
            {ruleError ? (
              <p className="field__error" id={`${titleId}-rule-error`}>
                {ruleError}
              </p>
            ) : null}
          </fieldset>
          <TextArea
            label={rule === 'other' ? 'Reason for reporting' : 'Reason for reporting (optional)'}
            value={reason}
            onChange={(e) => {
              setReason(e.target.value);
            }}
            required={rule === 'other'}
            minLength={rule === 'other' ? 3 : undefined}
            maxLength={1000}
            rows={3}
            error={error?.fields.reason}
          />
          <div className="dialog__actions">
            <button type="button" className="button button--quiet" onClick={close}>
              Cancel
            </button>
            <button type="submit" className="button button--danger" disabled={busy}>
              {busy ? 'Sending…' : 'Send report'}
            </button>
          </div>
        </form>
      </dialog>
    </>
  );
}
