import { useEffect, useState, type SubmitEvent } from 'react';
import { toApiError, type ApiError } from '../api/problem';
import { useMyAgency } from '../agency/myAgency';
import { transparency, type Jurisdiction, type PublicAgency } from '../api/transparency';
import { SelectField, TextField } from '../components/Field';
import { ProblemAlert } from '../components/ProblemAlert';
import { absoluteTime } from '../format';
import { Link, navigate, useLocation } from '../router';
import { footageRequests } from '../requests/api';
import { JustificationBadge, offenseLabel, StatusBadge } from '../requests/RequestFacts';
import { usePageTitle } from '../components/usePageTitle';
import type { FootageRequest, RequestQuery, RequestStatus } from '../requests/types';
import { useSession } from '../state/session';
import '../requests/requests.css';

const STATUSES: { value: RequestStatus; label: string }[] = [
  { value: 'open', label: 'Open' },
  { value: 'closed', label: 'Closed' },
  { value: 'expired', label: 'Expired' },
];

/** The filters as they appear in the page's URL, so a filtered list can be linked to. */
function queryFrom(params: URLSearchParams): RequestQuery {
  const q: RequestQuery = {};
  const agency = Number(params.get('agency'));
  if (Number.isInteger(agency) && agency > 0) q.agency = agency;
  const jurisdiction = params.get('jurisdiction');
  if (jurisdiction) q.jurisdiction = jurisdiction;
  const status = params.get('status');
  if (STATUSES.some((s) => s.value === status)) q.status = status as RequestStatus;
  const month = params.get('month');
  if (month && /^\d{4}-\d{2}$/.test(month)) q.month = month;
  return q;
}

function urlFor(q: RequestQuery): string {
  const params = new URLSearchParams();
  if (q.agency !== undefined) params.set('agency', String(q.agency));
  if (q.jurisdiction) params.set('jurisdiction', q.jurisdiction);
  if (q.status) params.set('status', q.status);
  if (q.month) params.set('month', q.month);
  const s = params.toString();
  return s ? `/requests?${s}` : '/requests';
}

/**
 * Every footage request agencies have published, newest first, filterable by agency, jurisdiction, status and
 * month. Public: no account is needed to see who asked for what, why, and how it ended (G3).
 */
export function RequestsPage() {
  usePageTitle('Footage requests');
  const { user } = useSession();
  const mine = useMyAgency(user);
  const { query } = useLocation();
  const filters = queryFrom(query);
  const key = urlFor(filters);
  const [items, setItems] = useState<FootageRequest[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [agencies, setAgencies] = useState<PublicAgency[]>([]);
  const [jurisdictions, setJurisdictions] = useState<Jurisdiction[]>([]);

  useEffect(() => {
    transparency.agencies().then(setAgencies, () => undefined);
    transparency.jurisdictions().then(setJurisdictions, () => undefined);
  }, []);

  useEffect(() => {
    let live = true;
    setItems(null);
    setError(null);
    footageRequests.list(filters).then(
      (page) => {
        if (!live) return;
        setItems(page.items);
        setCursor(page.nextCursor);
      },
      (err: unknown) => {
        if (live) setError(toApiError(err));
      },
    );
    return () => {
      live = false;
    };
    // `key` is the filters' identity.
  }, [key]);

  const more = async () => {
    if (!cursor) return;
    try {
      const page = await footageRequests.list({ ...filters, cursor });
      setItems((list) => [...(list ?? []), ...page.items.filter((r) => !list?.some((x) => x.id === r.id))]);
      setCursor(page.nextCursor);
    } catch (err) {
      setError(toApiError(err));
    }
  };

  const apply = (e: SubmitEvent<HTMLFormElement>) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    const next: Record<string, string> = {};
    for (const name of ['agency', 'jurisdiction', 'status', 'month']) {
      const v = data.get(name);
      if (typeof v === 'string' && v !== '') next[name] = v;
    }
    navigate(urlFor(queryFrom(new URLSearchParams(next))));
  };

  return (
    <div className="stack narrow">
      <div className="page-head">
        <h1>Footage requests</h1>
        <p className="lead">
          Every request an agency made for residents’ footage, checked against its jurisdiction’s{' '}
          <Link to="/policies">published policy</Link> and recorded in the{' '}
          <Link to="/transparency">transparency log</Link>. Only owners decide whether to share; agencies
          never learn who was asked.
        </p>
        {mine.status === 'ready' ? (
          <p>
            <Link to={`/requests?agency=${mine.agency.id}`}>Your agency’s requests</Link> ·{' '}
            <Link to="/agency/requests/new">File a new request</Link>
          </p>
        ) : null}
      </div>
      <form
        className="card request-filters"
        role="search"
        aria-label="Filter requests"
        onSubmit={apply}
        key={key}
      >
        <SelectField label="Agency" name="agency" defaultValue={filters.agency ?? ''}>
          <option value="">Any agency</option>
          {agencies.map((a) => (
            <option key={a.id} value={a.id}>
              {a.name}
            </option>
          ))}
        </SelectField>
        <SelectField label="Jurisdiction" name="jurisdiction" defaultValue={filters.jurisdiction ?? ''}>
          <option value="">Any jurisdiction</option>
          {jurisdictions.map((j) => (
            <option key={j.slug} value={j.slug}>
              {j.name}
            </option>
          ))}
        </SelectField>
        <SelectField label="Status" name="status" defaultValue={filters.status ?? ''}>
          <option value="">Any status</option>
          {STATUSES.map((s) => (
            <option key={s.value} value={s.value}>
              {s.label}
            </option>
          ))}
        </SelectField>
        <TextField label="Month" name="month" type="month" defaultValue={filters.month ?? ''} />
        <div className="form-actions form-actions--start">
          <button type="submit" className="button button--primary">
            Filter
          </button>
          {key !== '/requests' ? (
            <Link to="/requests" className="button button--ghost">
              Clear
            </Link>
          ) : null}
        </div>
      </form>
      <ProblemAlert error={error} focus={false} />
      {items === null && !error ? <p className="muted">Loading…</p> : null}
      {items?.length === 0 ? <p className="muted">No request matches these filters.</p> : null}
      {items && items.length > 0 ? (
        <ul className="request-list" aria-label="Requests" aria-busy={false}>
          {items.map((r) => (
            <li key={r.id}>
              <RequestSummary request={r} />
            </li>
          ))}
        </ul>
      ) : null}
      {cursor ? (
        <button type="button" className="button" onClick={() => void more()}>
          Show older requests
        </button>
      ) : null}
    </div>
  );
}

function RequestSummary({ request: r }: { request: FootageRequest }) {
  const title = `${offenseLabel(r.offenseCategory)} — ${r.agency.name}`;
  return (
    <article className="card" aria-label={title}>
      <h2>
        <Link to={`/requests/${r.id}`}>{title}</Link>
      </h2>
      <p className="page-head__title">
        <StatusBadge request={r} />
        <JustificationBadge request={r} />
        <span className="muted">
          Case {r.caseNumber || '—'} · published {absoluteTime(r.createdAt)} · {r.disclosuresCount}{' '}
          {r.disclosuresCount === 1 ? 'clip' : 'clips'} shared
        </span>
      </p>
    </article>
  );
}
