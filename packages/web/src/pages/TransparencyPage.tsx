import { useCallback, useEffect, useState } from 'react';
import { toApiError, type ApiError } from '../api/problem';
import {
  ENTRY_TYPE_LABELS,
  entryTypeLabel,
  transparency,
  type EntryQuery,
  type EntryType,
  type LogItem,
  type RequestPolicy,
  type TransparencySummary,
} from '../api/transparency';
import { SelectField, TextField } from '../components/Field';
import { PolicyRules } from '../components/PolicyRules';
import { ProblemAlert } from '../components/ProblemAlert';
import { absoluteTime } from '../format';
import { Link, useLocation } from '../router';
import { validateRequestPolicy } from '@porchlight/policy';
import { ProofPanel } from '../transparency/ProofPanel';
import '../styles/transparency.css';

const TYPES = Object.keys(ENTRY_TYPE_LABELS) as EntryType[];

/** A date from an `<input type="date">` as the start of that day in UTC, or the start of the next day. */
const dayStart = (day: string, next = false): string | undefined => {
  if (!day) return undefined;
  const d = new Date(`${day}T00:00:00Z`);
  if (next) d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString();
};

/**
 * The public transparency log: what it is, how to check it independently, and every entry, searchable.
 * No account needed.
 */
export function TransparencyPage() {
  const [summary, setSummary] = useState<TransparencySummary | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  useEffect(() => {
    transparency.summary().then(setSummary, (err: unknown) => {
      setError(toApiError(err));
    });
  }, []);

  return (
    <div className="stack">
      <div className="page-head">
        <h1>Transparency log</h1>
        <p className="lead">
          Every moderation decision, role change, agency verification and policy change on this Porchlight is
          appended to a public, tamper-evident log. Entries never name a resident or a place. Anyone can check
          the log with standard tools and recompute these numbers.
        </p>
        <p>
          <Link to="/dashboard">The dashboard</Link> counts what agencies and staff did, per place and month.
        </p>
      </div>
      <ProblemAlert error={error} focus={false} />
      {summary ? <LogFacts summary={summary} /> : error ? null : <p className="muted">Loading…</p>}
      <EntryBrowser verifierKey={summary?.verifierKey ?? undefined} />
    </div>
  );
}

function LogFacts({ summary }: { summary: TransparencySummary }) {
  const keyArg = summary.verifierKey ? ` --key '${summary.verifierKey}'` : '';
  return (
    <>
      <section className="card" aria-labelledby="log-facts">
        <h2 id="log-facts">The log</h2>
        <dl className="log-facts">
          <div>
            <dt>Entries</dt>
            <dd data-testid="log-size">{summary.size}</dd>
          </div>
          <div>
            <dt>Origin</dt>
            <dd className="mono">{summary.origin}</dd>
          </div>
          <div>
            <dt>Address</dt>
            <dd className="mono">{summary.logUrl}</dd>
          </div>
          <div>
            <dt>Verifier key</dt>
            <dd className="mono">{summary.verifierKey ?? 'Not created yet'}</dd>
          </div>
        </dl>
        <h3>Latest checkpoint</h3>
        {summary.checkpoint ? (
          <pre className="checkpoint" aria-label="Latest checkpoint">
            {summary.checkpoint}
          </pre>
        ) : (
          <p className="muted">No checkpoint has been signed yet.</p>
        )}
        <h3>Witnesses</h3>
        {summary.witnesses.length === 0 ? (
          <p className="muted">
            No independent witnesses are configured yet. A witness cosigns each checkpoint after checking that
            the log only grew.
          </p>
        ) : (
          <ul aria-label="Witnesses">
            {summary.witnesses.map((w) => (
              <li key={w.vkey}>
                <strong>{w.name}</strong> — <span className="mono">{w.url}</span>
                <br />
                <span className="mono">{w.vkey}</span>
              </li>
            ))}
          </ul>
        )}
        <h3>Entries by type</h3>
        {summary.counts.length === 0 ? (
          <p className="muted">No entries yet.</p>
        ) : (
          <table className="counts">
            <tbody>
              {summary.counts.map((c) => (
                <tr key={c.type}>
                  <th scope="row">{entryTypeLabel(c.type)}</th>
                  <td>{c.count}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section className="card" aria-labelledby="audit">
        <h2 id="audit">Check it yourself</h2>
        <p>
          The log follows the C2SP tlog-tiles format with Ed25519-signed checkpoints, so any compatible tool
          can verify it. Porchlight’s auditor fetches every tile and entry, verifies the signature, recomputes
          the tree, validates each entry, remembers the checkpoint it saw so a rewritten history is caught
          next time, and prints the statistics it recomputed:
        </p>
        <pre className="checkpoint">
          {summary.auditCommand}
          {keyArg}
        </pre>
        <p className="muted">
          Each entry below links to its inclusion proof (c2sp.org/tlog-proof), which proves the entry is in
          the signed tree.
        </p>
      </section>
    </>
  );
}

/**
 * A search given in the page's address (`?type=&q=&from=&to=`, times in RFC 3339), so other pages (the
 * dashboard) can link to the entries they mean.
 */
function initialQuery(params: URLSearchParams): EntryQuery {
  const type = params.get('type') ?? '';
  const q = params.get('q')?.trim() ?? '';
  const time = (k: string) => {
    const v = params.get(k) ?? '';
    return v && !Number.isNaN(Date.parse(v)) ? { [k]: v } : {};
  };
  return {
    ...((TYPES as string[]).includes(type) ? { type: type as EntryType } : {}),
    ...(q ? { q: q.slice(0, 200) } : {}),
    ...time('from'),
    ...time('to'),
  };
}

function EntryBrowser({ verifierKey }: { verifierKey: string | undefined }) {
  const { query: params } = useLocation();
  const [initial] = useState(() => initialQuery(params));
  const [type, setType] = useState<EntryType | ''>(initial.type ?? '');
  const [q, setQ] = useState(initial.q ?? '');
  const [from, setFrom] = useState(initial.from?.slice(0, 10) ?? '');
  // `to` is exclusive in the query and inclusive in the date field.
  const [to, setTo] = useState(() =>
    initial.to ? new Date(Date.parse(initial.to) - 1000).toISOString().slice(0, 10) : '',
  );
  const [query, setQuery] = useState<EntryQuery>(initial);
  const [items, setItems] = useState<LogItem[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [status, setStatus] = useState<'loading' | 'ready' | 'error'>('loading');
  const [error, setError] = useState<ApiError | null>(null);

  const load = useCallback(async (base: EntryQuery, after: string | null) => {
    setStatus('loading');
    try {
      const page = await transparency.entries({ ...base, ...(after ? { cursor: after } : {}) });
      setItems((list) => (after ? [...list, ...page.items] : page.items));
      setCursor(page.nextCursor);
      setError(null);
      setStatus('ready');
    } catch (err) {
      setError(toApiError(err));
      setStatus('error');
    }
  }, []);

  useEffect(() => {
    void load(query, null);
  }, [load, query]);

  const search = () => {
    const next: EntryQuery = {};
    if (type) next.type = type;
    if (q.trim()) next.q = q.trim();
    const f = dayStart(from);
    const t = dayStart(to, true);
    if (f) next.from = f;
    if (t) next.to = t;
    setQuery(next);
  };

  return (
    <section aria-labelledby="entries-title">
      <h2 id="entries-title">Entries</h2>
      <form
        className="card entry-search"
        role="search"
        aria-label="Search the log"
        onSubmit={(e) => {
          e.preventDefault();
          search();
        }}
      >
        <TextField
          label="Search entries"
          type="search"
          value={q}
          maxLength={200}
          onChange={(e) => {
            setQ(e.target.value);
          }}
        />
        <SelectField
          label="Type"
          value={type}
          onChange={(e) => {
            setType(e.target.value as EntryType | '');
          }}
        >
          <option value="">All types</option>
          {TYPES.map((t) => (
            <option key={t} value={t}>
              {ENTRY_TYPE_LABELS[t]}
            </option>
          ))}
        </SelectField>
        <TextField
          label="From (UTC)"
          type="date"
          value={from}
          onChange={(e) => {
            setFrom(e.target.value);
          }}
        />
        <TextField
          label="To (UTC)"
          type="date"
          value={to}
          onChange={(e) => {
            setTo(e.target.value);
          }}
        />
        <button type="submit" className="button button--primary">
          Search
        </button>
      </form>
      <ProblemAlert error={error} focus={false} />
      <ol className="log-entries" aria-label="Log entries" aria-busy={status === 'loading'}>
        {items.map((item) => (
          <li key={item.index}>
            <LogEntry item={item} verifierKey={verifierKey} />
          </li>
        ))}
      </ol>
      {status === 'ready' && items.length === 0 ? <p className="muted">No entries match.</p> : null}
      {status === 'loading' ? <p className="muted">Loading…</p> : null}
      {cursor && status !== 'loading' ? (
        <div className="load-more">
          <button type="button" className="button" onClick={() => void load(query, cursor)}>
            Load older entries
          </button>
        </div>
      ) : null}
    </section>
  );
}

/** A value from an entry's data, in a form a person can read; objects as JSON. */
const show = (value: unknown): string =>
  typeof value === 'string' || typeof value === 'number' ? String(value) : JSON.stringify(value, null, 1);

/** A value in words: a request policy as its rules (as on /policies), anything else as {@link show} does. */
function EntryValue({ type, name, value }: { type: string; name: string; value: unknown }) {
  if (type === 'policy.changed' && name === 'policy' && validateRequestPolicy(value).length === 0)
    return (
      <dd className="log-entry__policy">
        <PolicyRules policy={value as RequestPolicy} />
      </dd>
    );
  return <dd className={typeof value === 'object' ? 'mono' : undefined}>{show(value)}</dd>;
}

function LogEntry({ item, verifierKey }: { item: LogItem; verifierKey: string | undefined }) {
  const title = `#${item.index} ${entryTypeLabel(item.type)}`;
  const [proofOpen, setProofOpen] = useState(false);
  const panelId = `entry-${item.index}-proof`;
  return (
    <article className="card log-entry" aria-label={title}>
      <div className="log-entry__head">
        <h3>{title}</h3>
        <time dateTime={item.time} className="muted">
          {absoluteTime(item.time)}
        </time>
        <button
          type="button"
          className="link-button"
          aria-expanded={proofOpen}
          aria-controls={panelId}
          onClick={() => {
            setProofOpen((open) => !open);
          }}
        >
          {proofOpen ? 'Hide the proof' : 'Verify this entry'}
        </button>
        <a href={item.proof} className="link-button">
          Inclusion proof
        </a>
      </div>
      <dl>
        {Object.entries(item.entry.data).map(([k, v]) => (
          <div key={k} style={{ display: 'contents' }}>
            <dt>{k}</dt>
            <EntryValue type={item.type} name={k} value={v} />
          </div>
        ))}
      </dl>
      <div id={panelId}>
        {proofOpen ? <ProofPanel index={item.index} entry={item.entry} verifierKey={verifierKey} /> : null}
      </div>
      <details>
        <summary>Show raw entry</summary>
        <pre>{JSON.stringify(item.entry, null, 2)}</pre>
        <p className="mono">leaf hash {item.leafHash}</p>
      </details>
    </article>
  );
}
