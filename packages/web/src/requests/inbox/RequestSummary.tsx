import { absoluteTime } from '../../format';
import { LogCheck } from './LogCheck';
import type { InboxItem } from './types';

/** "Motor vehicle theft" for `motor_vehicle_theft`: the vocabularies' ids read as words. */
export const words = (id: string): string => {
  const text = id.replaceAll('_', ' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
};

/** The path of a log entry's inclusion proof (c2sp.org/tlog-proof@v1), served by the log itself. */
export const proofHref = (logIndex: number): string => `/log/proof/${logIndex}`;

/**
 * A footage request as its owner weighs it: who asks, for what case and on what legal basis, the published
 * narrative, the footage window and the answer deadline, the policy it was checked against and its log entry
 * (with `verify`, checked against the log in this browser).
 */
export function RequestSummary({ item, verify = false }: { item: InboxItem; verify?: boolean }) {
  const r = item.request;
  const check = item.policyCheck;
  return (
    <div className="stack">
      <p className="inbox-narrative">{r.narrative}</p>
      <dl className="inbox-facts">
        <dt>Agency</dt>
        <dd>{r.agency.name}</dd>
        <dt>Case number</dt>
        <dd>{r.caseNumber || '—'}</dd>
        <dt>Offense</dt>
        <dd>{words(r.offenseCategory)}</dd>
        <dt>Legal basis</dt>
        <dd>{words(r.legalBasis)}</dd>
        <dt>Footage from</dt>
        <dd>
          {absoluteTime(r.windowStart)} to {absoluteTime(r.windowEnd)}
        </dd>
        <dt>Answer by</dt>
        <dd>{absoluteTime(r.responseDeadline)}</dd>
        {r.exigent ? (
          <>
            <dt>Emergency</dt>
            <dd>Yes — the agency must file a written justification, published with the request</dd>
          </>
        ) : null}
        <dt>Investigator</dt>
        <dd>
          {item.investigator.name} ({item.investigator.contact})
        </dd>
        <dt>Policy check</dt>
        <dd>
          {check.passed ? 'Passed' : 'Did not pass'} every rule of the {check.jurisdiction} request policy,
          version {check.policyVersion} (
          <span className="inbox-mono" title={check.policySha256}>
            sha256 {check.policySha256.slice(0, 12)}…
          </span>
          )
        </dd>
        <dt>Public record</dt>
        <dd>
          {item.logIndex === null ? (
            'Being added to the transparency log…'
          ) : (
            <>
              Log entry {item.logIndex} (
              <a href={proofHref(item.logIndex)} target="_blank" rel="noreferrer">
                inclusion proof
              </a>
              ) · <a href={`/requests/${r.id}`}>public page</a>
              {verify ? <LogCheck requestId={r.id} logIndex={item.logIndex} /> : null}
            </>
          )}
        </dd>
      </dl>
    </div>
  );
}
