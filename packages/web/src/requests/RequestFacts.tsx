import { LEGAL_BASIS_LABELS, OFFENSE_CATEGORY_LABELS } from '@porchlight/policy';
import { absoluteTime } from '../format';
import { Link } from '../router';
import { formatArea } from './area';
import { proofPath } from './api';
import type { FootageRequest } from './types';

const label = (labels: Record<string, string>, value: string): string =>
  labels[value] ?? value.replaceAll('_', ' ');

/** "Burglary" for `burglary`, and the raw value for one the vocabulary does not know (an older entry). */
export const offenseLabel = (value: string): string => label(OFFENSE_CATEGORY_LABELS, value);
export const legalBasisLabel = (value: string): string => label(LEGAL_BASIS_LABELS, value);

/** The request's status as a badge: open, closed or expired. */
export function StatusBadge({ request }: { request: Pick<FootageRequest, 'status'> }) {
  const text = { open: 'Open', closed: 'Closed', expired: 'Expired' }[request.status];
  return <span className={`badge badge--${request.status}`}>{text}</span>;
}

/** For an exigent request: whether its written justification is due, given, or was missed. */
export function JustificationBadge({ request }: { request: FootageRequest }) {
  const j = request.justification;
  switch (j.state) {
    case 'not_required':
      return null;
    case 'due':
      return (
        <span className="badge badge--due">Justification due{j.due ? ` by ${absoluteTime(j.due)}` : ''}</span>
      );
    case 'missed':
      return <span className="badge badge--missed">Justification missed</span>;
    case 'given':
      return <span className="badge">Justification filed</span>;
    case 'given_late':
      return <span className="badge badge--missed">Justification filed late</span>;
  }
}

/** Everything published about a request, as anyone may read it (no owner, camera or match count: G7). */
export function RequestFacts({ request: r }: { request: FootageRequest }) {
  return (
    <dl className="request-facts">
      <dt>Agency</dt>
      <dd>{r.agency.name}</dd>
      <dt>Jurisdiction</dt>
      <dd className="mono">{r.jurisdiction}</dd>
      <dt>Case number</dt>
      <dd>{r.caseNumber || '—'}</dd>
      <dt>Offense</dt>
      <dd>{offenseLabel(r.offenseCategory)}</dd>
      <dt>Legal basis</dt>
      <dd>{legalBasisLabel(r.legalBasis)}</dd>
      <dt>Footage from</dt>
      <dd>
        {absoluteTime(r.windowStart)} to {absoluteTime(r.windowEnd)}
      </dd>
      <dt>Area</dt>
      <dd>
        {formatArea(r.areaM2)}, shown as {r.cells.length} map {r.cells.length === 1 ? 'cell' : 'cells'}
      </dd>
      <dt>Published</dt>
      <dd>{absoluteTime(r.createdAt)}</dd>
      <dt>Owners may answer until</dt>
      <dd>{absoluteTime(r.responseDeadline)}</dd>
      <dt>Emergency (exigent)</dt>
      <dd>
        {r.exigent ? 'Yes' : 'No'}
        {r.justification.text ? (
          <>
            {' — '}justification
            {r.justification.givenAt ? ` of ${absoluteTime(r.justification.givenAt)}` : ''}:{' '}
            <span className="request-narrative">{r.justification.text}</span>
          </>
        ) : null}
      </dd>
      {r.status !== 'open' ? (
        <>
          <dt>{r.status === 'closed' ? 'Closed' : 'Expired'}</dt>
          <dd>
            {r.closedAt ? absoluteTime(r.closedAt) : ''}
            {r.closedReason ? ` — ${r.closedReason}` : ''}
          </dd>
        </>
      ) : null}
      <dt>Clips shared by owners</dt>
      <dd data-testid="disclosures-count">{r.disclosuresCount}</dd>
      <dt>Legal holds</dt>
      <dd>
        {r.holds.length === 0 ? (
          'None'
        ) : (
          <ul>
            {r.holds.map((h) => (
              <li key={`${h.caseNumber}:${h.until}`}>
                Case {h.caseNumber}, kept until {absoluteTime(h.until)}: {h.justification}
              </li>
            ))}
          </ul>
        )}
      </dd>
      <dt>Policy</dt>
      <dd>
        <Link to="/policies">Version {r.policy.version}</Link>{' '}
        <span className="mono">SHA-256 {r.policy.sha256}</span>
      </dd>
      <dt>Transparency log</dt>
      <dd>
        {r.logIndex === null ? (
          'Being added to the log…'
        ) : (
          <>
            Entry {r.logIndex} · <a href={proofPath(r.logIndex)}>Inclusion proof</a>
          </>
        )}
      </dd>
    </dl>
  );
}
