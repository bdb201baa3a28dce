import { useCallback, useEffect, useState } from 'react';
import { api } from '../api/client';
import { call, toApiError, type ApiError } from '../api/problem';
import { AgencyKeyGate } from '../agency/AgencyKeyGate';
import { useAgencyKey } from '../agency/agencyKey';
import { DisclosureList } from '../agency/DisclosureList';
import { CloseRequestForm, JustificationForm } from '../agency/RequestActions';
import type { AgencyRequest, Disclosure } from '../agency/types';
import { ProblemAlert } from '../components/ProblemAlert';
import { absoluteTime } from '../format';
import { Link } from '../router';
import { LazyCellsMap } from '../requests/LazyRequestMaps';
import { JustificationBadge, offenseLabel, RequestFacts, StatusBadge } from '../requests/RequestFacts';
import { usePageTitle } from '../components/usePageTitle';
import type { FootageRequest } from '../requests/types';
import { useMe } from '../state/session';
import '../requests/requests.css';

/**
 * The filing agency's view of its request: status and deadline, the clips owners shared (played after the
 * member unlocks their key), closing, the exigent justification, legal holds and the evidence export. Nothing
 * about who was asked, who answered or who declined (G7).
 */
export function AgencyRequestPage({ requestId }: { requestId: string }) {
  const me = useMe();
  const key = useAgencyKey(String(me.id));
  const [view, setView] = useState<AgencyRequest | null>(null);
  const [disclosures, setDisclosures] = useState<Disclosure[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [listError, setListError] = useState<ApiError | null>(null);
  const request = view?.request ?? null;
  usePageTitle(request ? `Agency view: case ${request.caseNumber || request.id}` : 'Agency request');

  const load = useCallback(async () => {
    try {
      setView(await call(api.GET('/api/agency/requests/{id}', { params: { path: { id: requestId } } })));
    } catch (err) {
      setError(toApiError(err));
      return;
    }
    try {
      const list = await call(
        api.GET('/api/requests/{id}/disclosures', { params: { path: { id: requestId } } }),
      );
      setDisclosures(list.items);
      setListError(null);
    } catch (err) {
      setListError(toApiError(err));
    }
  }, [requestId]);

  useEffect(() => {
    void load();
  }, [load]);

  const changed = (r: FootageRequest) => {
    setView((v) => (v ? { ...v, request: r } : v));
  };

  if (error) {
    return (
      <div className="stack narrow">
        <h1>Agency request</h1>
        <ProblemAlert error={error} />
      </div>
    );
  }
  if (!view || !request) return <p className="muted narrow">Loading…</p>;

  const owesJustification = request.justification.state === 'due' || request.justification.state === 'missed';
  return (
    <div className="stack narrow">
      <p className="back">
        <Link to={`/requests/${request.id}`}>Public page of this request</Link>
      </p>
      <div className="page-head">
        <h1>
          {offenseLabel(request.offenseCategory)} — case {request.caseNumber || '(none)'}
        </h1>
        <p className="page-head__title">
          <StatusBadge request={request} />
          <JustificationBadge request={request} />
          <span className="muted">
            {request.status === 'open'
              ? `Owners may answer until ${absoluteTime(request.responseDeadline)}`
              : 'Owners can no longer answer'}
          </span>
        </p>
      </div>

      <section className="card" aria-labelledby="received-title">
        <h2 id="received-title">
          Clips received: {disclosures ? <span data-testid="received-count">{disclosures.length}</span> : '…'}
        </h2>
        <p className="muted">
          Only clips owners chose to share appear here, after their log entry is sequenced. You do not learn
          who was asked or who declined. Each clip is deleted on its date unless a legal hold keeps it.
        </p>
        {key ? null : <AgencyKeyGate>{() => null}</AgencyKeyGate>}
        <ProblemAlert error={listError} focus={false} />
        {disclosures ? (
          <DisclosureList
            disclosures={disclosures}
            caseNumber={request.caseNumber}
            unlocked={key !== null}
            onHeld={() => void load()}
          />
        ) : null}
        <p>
          <a className="button" href={`/api/requests/${encodeURIComponent(request.id)}/evidence`} download>
            Download evidence archive
          </a>{' '}
          <span className="muted">
            Ciphertexts as uploaded, manifests, log proofs and VERIFY.txt; check it offline with{' '}
            <span className="mono">porchlight evidence verify</span>.
          </span>
        </p>
      </section>

      {owesJustification ? (
        <section className="card" aria-labelledby="justify-title">
          <h2 id="justify-title">Exigent justification</h2>
          <JustificationForm request={request} onChanged={changed} />
        </section>
      ) : null}

      <section className="card" aria-labelledby="facts-title">
        <h2 id="facts-title">The request</h2>
        <dl className="request-facts">
          <dt>Investigator</dt>
          <dd>
            {view.investigatorName} · {view.investigatorContact}
          </dd>
        </dl>
        <p className="request-narrative">{request.narrative}</p>
        <RequestFacts request={request} />
        <LazyCellsMap label="Cells covering the requested area" cells={request.cells} />
      </section>

      {request.status === 'open' ? (
        <section className="card" aria-labelledby="close-title">
          <h2 id="close-title">Close the request</h2>
          <CloseRequestForm request={request} onChanged={changed} />
        </section>
      ) : null}
    </div>
  );
}
