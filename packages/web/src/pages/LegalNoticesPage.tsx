import { LEGAL_DEMAND_KIND_LABELS } from '@porchlight/policy';
import { useEffect, useState } from 'react';
import { legal, type LegalNotice } from '../api/legal';
import { toApiError, type ApiError } from '../api/problem';
import { ProblemAlert } from '../components/ProblemAlert';
import { absoluteTime } from '../format';

/** Legal demands concerning the signed-in account: the operator's answer to legal process is telling you. */
export function LegalNoticesPage() {
  const [notices, setNotices] = useState<LegalNotice[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => {
    legal.notices().then(setNotices, (err: unknown) => {
      setError(toApiError(err));
    });
  }, []);
  return (
    <div className="narrow stack">
      <div className="page-head">
        <h1>Legal notices</h1>
        <p className="muted">
          When a court or authority demands data about your account, you are told here. The operator cannot
          decrypt your footage; whether to share any is your decision.
        </p>
      </div>
      <ProblemAlert error={error} focus={false} />
      {notices?.length === 0 ? <p className="muted">No legal demand has concerned your account.</p> : null}
      {notices?.map((n) => (
        <article
          key={n.demand}
          className="card stack"
          aria-label={`${LEGAL_DEMAND_KIND_LABELS[n.kind]} ${n.docket}`}
        >
          <h2>
            {LEGAL_DEMAND_KIND_LABELS[n.kind]} from {n.authority}
          </h2>
          <p>{n.scopeSummary}</p>
          <p className="muted">
            Docket {n.docket}, dated {n.date}; received {absoluteTime(n.receivedAt)}, you were told{' '}
            {absoluteTime(n.sentAt)}
            {n.delayed ? ' (a court order delayed this notice)' : ''}.{' '}
            {n.produced ? `The operator produced: ${n.produced.replaceAll('_', ' ')}.` : 'Not answered yet.'}
          </p>
          <p className="muted mono">Document SHA-256 {n.documentSha256}</p>
        </article>
      ))}
    </div>
  );
}
