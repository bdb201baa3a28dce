import { useEffect, useState } from 'react';
import { dashboard, type Dashboard, type DashboardQuery } from '../api/dashboard';
import { toApiError, type ApiError } from '../api/problem';
import { transparency, type Jurisdiction, type PublicAgency } from '../api/transparency';
import { SelectField, TextField } from '../components/Field';
import { ProblemAlert } from '../components/ProblemAlert';
import { FigureCard, monthsBetween } from '../dashboard/FigureCard';
import { DelayedNotices, HeldClips } from '../dashboard/HeldAndDelayed';
import { RequestCells } from '../dashboard/RequestCells';
import { Link, navigate, useLocation } from '../router';
import '../styles/dashboard.css';
import '../styles/transparency.css';

type ScopeKind = NonNullable<DashboardQuery['scope']>;

/** The query in the page's address, so a view can be linked and shared. */
function queryOf(params: URLSearchParams): DashboardQuery {
  const q: DashboardQuery = {};
  const scope = params.get('scope');
  if (scope === 'jurisdiction' || scope === 'agency') q.scope = scope;
  const id = params.get('id');
  if (q.scope && id) q.id = id;
  for (const k of ['from', 'to'] as const) {
    const v = params.get(k);
    if (v && /^\d{4}-\d{2}$/.test(v)) q[k] = v;
  }
  return q;
}

const toSearch = (q: DashboardQuery): string => {
  const p = new URLSearchParams();
  for (const k of ['scope', 'id', 'from', 'to'] as const) if (q[k]) p.set(k, q[k]);
  const s = p.toString();
  return s ? `?${s}` : '';
};

/**
 * The public transparency dashboard: what agencies and staff did, per place and month, counted from the
 * transparency log. Every figure links to its entries, and anyone can recompute all of them from the log.
 */
export function DashboardPage() {
  const { query: params } = useLocation();
  const search = params.toString();
  const [data, setData] = useState<Dashboard | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [jurisdictions, setJurisdictions] = useState<Jurisdiction[]>([]);
  const [agencies, setAgencies] = useState<PublicAgency[]>([]);
  const query = queryOf(new URLSearchParams(search));
  const [scope, setScope] = useState<ScopeKind>(query.scope ?? 'instance');
  const [id, setId] = useState(query.id ?? '');
  const [from, setFrom] = useState(query.from ?? '');
  const [to, setTo] = useState(query.to ?? '');

  useEffect(() => {
    transparency.jurisdictions().then(setJurisdictions, () => undefined);
    transparency.agencies().then(setAgencies, () => undefined);
  }, []);

  useEffect(() => {
    let live = true;
    dashboard.get(queryOf(new URLSearchParams(search))).then(
      (d) => {
        if (!live) return;
        setData(d);
        setError(null);
      },
      (err: unknown) => {
        if (live) setError(toApiError(err));
      },
    );
    return () => {
      live = false;
    };
  }, [search]);

  const apply = () => {
    const next: DashboardQuery = {};
    if (scope !== 'instance' && id) {
      next.scope = scope;
      next.id = id;
    }
    if (from) next.from = from;
    if (to) next.to = to;
    navigate(`/dashboard${toSearch(next)}`, { replace: true });
  };

  const current = queryOf(new URLSearchParams(search));
  const shown = data?.figures ?? [];
  const months = monthsOf(data);

  return (
    <div className="stack">
      <div className="page-head">
        <h1>Transparency dashboard</h1>
        <p className="lead">
          What agencies, moderators and admins did on this Porchlight, per place and per month, counted from
          the public <Link to="/transparency">transparency log</Link>. You don’t have to trust these numbers:
          the command at the bottom recomputes every one of them from the log itself.
        </p>
      </div>
      <form
        className="card dashboard-filters"
        aria-label="Choose what to show"
        onSubmit={(e) => {
          e.preventDefault();
          apply();
        }}
      >
        <SelectField
          label="Show"
          value={scope}
          onChange={(e) => {
            setScope(e.target.value as ScopeKind);
            setId('');
          }}
        >
          <option value="instance">The whole instance</option>
          <option value="jurisdiction">One jurisdiction</option>
          <option value="agency">One agency</option>
        </SelectField>
        {scope === 'jurisdiction' ? (
          <SelectField
            label="Jurisdiction"
            value={id}
            onChange={(e) => {
              setId(e.target.value);
            }}
            required
          >
            <option value="">Choose…</option>
            {jurisdictions.map((j) => (
              <option key={j.slug} value={j.slug}>
                {j.name}
              </option>
            ))}
          </SelectField>
        ) : null}
        {scope === 'agency' ? (
          <SelectField
            label="Agency"
            value={id}
            onChange={(e) => {
              setId(e.target.value);
            }}
            required
          >
            <option value="">Choose…</option>
            {agencies.map((a) => (
              <option key={a.id} value={String(a.id)}>
                {a.name} ({a.jurisdiction})
              </option>
            ))}
          </SelectField>
        ) : null}
        <TextField
          label="From month"
          type="month"
          value={from}
          onChange={(e) => {
            setFrom(e.target.value);
          }}
        />
        <TextField
          label="To month"
          type="month"
          value={to}
          onChange={(e) => {
            setTo(e.target.value);
          }}
        />
        <button type="submit" className="button button--primary">
          Show
        </button>
      </form>
      <ProblemAlert error={error} focus={false} />
      {data ? (
        <>
          <section aria-labelledby="dash-about" className="card">
            <h2 id="dash-about">
              {data.scope.name}
              {data.from || data.to ? `, ${data.from ?? 'the start'} to ${data.to ?? 'now'}` : ''}
            </h2>
            <p>
              Computed at checkpoint{' '}
              <a href={data.checkpoint.href} data-checkpoint={data.checkpoint.size}>
                {data.checkpoint.size.toLocaleString('en-GB')}
              </a>{' '}
              of the log (root hash <span className="mono">{data.checkpoint.rootHash ?? 'none yet'}</span>).
              {current.scope === 'agency' && current.id ? (
                <>
                  {' '}
                  <Link to={`/dashboard/agencies/${current.id}`}>This agency’s page</Link>.
                </>
              ) : null}
            </p>
            <p>
              Download: <a href={dashboard.csvUrl(current)}>CSV</a> ·{' '}
              <a href={dashboard.jsonUrl(current)} download="porchlight-dashboard.json">
                JSON
              </a>
            </p>
          </section>
          <section aria-labelledby="dash-figures">
            <h2 id="dash-figures" className="visually-hidden">
              Figures
            </h2>
            <div className="figure-grid">
              {shown.map((f) => (
                <FigureCard key={f.id} figure={f} months={months} />
              ))}
            </div>
          </section>
          <RequestCells
            id="dash-cells"
            title="Where: requests per coarse cell"
            counts={shown.find((f) => f.id === 'requests.published')?.breakdowns.cell ?? {}}
          >
            <p>
              A request logs only the H3 resolution-8 cells (about 0.7 km² each) covering its area, never the
              area drawn; a request counts once in every cell it covers. Same scope and months as the figures
              above; the CSV and JSON downloads list every cell.
            </p>
          </RequestCells>
          {data.scope.kind === 'jurisdiction' ? (
            <p>
              <Link to={`/policies#j-${data.scope.id ?? ''}`}>
                {data.scope.name}’s policy versions and what each changed
              </Link>
            </p>
          ) : null}
          <HeldClips holds={data.holds} />
          {data.scope.kind === 'instance' ? <DelayedNotices notices={data.notices} /> : null}
          <section aria-labelledby="dash-recompute" className="card">
            <h2 id="dash-recompute">Recompute it yourself</h2>
            <p>
              This verifies the whole log (signature, every entry, the tree) and only then counts the figures
              from the entries, with the same definitions the server uses:
            </p>
            <pre className="checkpoint">{data.recompute}</pre>
            <p className="field__hint">
              Add <span className="mono">--key</span> with the log’s verifier key from a source you trust (the{' '}
              <Link to="/transparency">transparency page</Link> shows it); add{' '}
              <span className="mono">--json</span> for the same figures as JSON.
            </p>
          </section>
          <section aria-labelledby="dash-missing" className="card">
            <h2 id="dash-missing">What the log cannot tell</h2>
            <dl className="policy-rules">
              {data.notAvailable.map((n) => (
                <div key={n.figure} style={{ display: 'contents' }}>
                  <dt>{n.figure}</dt>
                  <dd>{n.reason}</dd>
                </div>
              ))}
            </dl>
          </section>
        </>
      ) : error ? null : (
        <p className="muted">Loading…</p>
      )}
    </div>
  );
}

/** The months the charts span: the range asked for, or the months the figures cover. */
function monthsOf(data: Dashboard | null): string[] {
  if (!data) return [];
  const seen = data.figures.flatMap((f) => Object.keys(f.byMonth)).sort();
  const first = data.from ?? seen[0];
  const last = data.to ?? seen.at(-1);
  return first && last && first <= last ? monthsBetween(first, last) : [];
}
