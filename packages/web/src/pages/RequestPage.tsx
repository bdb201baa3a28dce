import { useEffect, useState } from 'react';
import { toApiError, type ApiError } from '../api/problem';
import { useMyAgency } from '../agency/myAgency';
import { ProblemAlert } from '../components/ProblemAlert';
import { Link } from '../router';
import { footageRequests } from '../requests/api';
import { LazyCellsMap } from '../requests/LazyRequestMaps';
import { JustificationBadge, offenseLabel, RequestFacts, StatusBadge } from '../requests/RequestFacts';
import { usePageTitle } from '../components/usePageTitle';
import type { FootageRequest } from '../requests/types';
import { useSession } from '../state/session';
import '../requests/requests.css';

/**
 * One published request, as anyone sees it without an account: what was asked and why, the area as coarse
 * cells (never the drawn polygon, G8), its status and deadline, how many clips owners chose to share, legal
 * holds, and its entry in the transparency log with the proof.
 */
export function RequestPage({ requestId }: { requestId: string }) {
  const { user } = useSession();
  const mine = useMyAgency(user);
  const [request, setRequest] = useState<FootageRequest | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  usePageTitle(request ? `Request ${request.caseNumber || request.id}` : 'Footage request');

  useEffect(() => {
    let live = true;
    footageRequests.get(requestId).then(
      (r) => {
        if (live) setRequest(r);
      },
      (err: unknown) => {
        if (live) setError(toApiError(err));
      },
    );
    return () => {
      live = false;
    };
  }, [requestId]);

  if (error) {
    return (
      <div className="stack narrow">
        <h1>Footage request</h1>
        <ProblemAlert error={error} />
        <p>
          <Link to="/requests">All requests</Link>
        </p>
      </div>
    );
  }
  if (!request) return <p className="muted narrow">Loading…</p>;

  const ours = mine.status === 'ready' && mine.agency.id === request.agency.id;
  return (
    <div className="stack narrow">
      <p className="back">
        <Link to="/requests">← All requests</Link>
      </p>
      <div className="page-head">
        <h1>
          {offenseLabel(request.offenseCategory)} — case {request.caseNumber || '(none)'}
        </h1>
        <p className="page-head__title">
          <StatusBadge request={request} />
          <JustificationBadge request={request} />
          <span className="muted">Requested by {request.agency.name}</span>
        </p>
      </div>
      {ours ? (
        <p className="alert">
          Your agency filed this request.{' '}
          <Link to={`/agency/requests/${request.id}`}>Open the agency view</Link> to see clips shared with
          you, close it or file a legal hold.
        </p>
      ) : null}
      <section className="card" aria-labelledby="narrative-title">
        <h2 id="narrative-title">What the agency says it is for</h2>
        <p className="request-narrative">{request.narrative}</p>
      </section>
      <section className="card" aria-labelledby="facts-title">
        <h2 id="facts-title">The request</h2>
        <RequestFacts request={request} />
      </section>
      <section className="card" aria-labelledby="area-title">
        <h2 id="area-title">Area</h2>
        <p className="muted">
          Shown as the {request.cells.length} map cells (about 0.7 km² each) that cover the area the agency
          drew; the exact outline is not published.
        </p>
        <LazyCellsMap label="Cells covering the requested area" cells={request.cells} />
        <details>
          <summary>Cell identifiers (H3, resolution 8)</summary>
          <ul className="cell-list mono">
            {request.cells.map((c) => (
              <li key={c}>{c}</li>
            ))}
          </ul>
        </details>
      </section>
    </div>
  );
}
