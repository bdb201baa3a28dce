import { useEffect, useState } from 'react';
import { toApiError, type ApiError } from '../api/problem';
import { transparency, type Jurisdiction, type PolicyVersion, type PublicAgency } from '../api/transparency';
import { PolicyChanges } from '../components/PolicyChanges';
import { BoundarySummary, PolicyRules } from '../components/PolicyRules';
import { ProblemAlert } from '../components/ProblemAlert';
import { absoluteTime } from '../format';
import { Link } from '../router';
import '../styles/transparency.css';

/**
 * Every jurisdiction's footage-request policy in force, its history, and the agencies verified there. Public:
 * residents and oversight bodies read the rules agencies must follow without an account.
 */
export function PoliciesPage() {
  const [jurisdictions, setJurisdictions] = useState<Jurisdiction[] | null>(null);
  const [agencies, setAgencies] = useState<PublicAgency[]>([]);
  const [error, setError] = useState<ApiError | null>(null);

  useEffect(() => {
    Promise.all([transparency.jurisdictions(), transparency.agencies()]).then(
      ([j, a]) => {
        setJurisdictions(j);
        setAgencies(a);
      },
      (err: unknown) => {
        setError(toApiError(err));
      },
    );
  }, []);

  return (
    <div className="stack narrow">
      <div className="page-head">
        <h1>Request policies</h1>
        <p className="lead">
          An agency may ask residents for footage only under its jurisdiction’s published policy. A request
          that breaks a rule is refused, and the refusal is logged. Policies change only by publishing a new
          version, which is recorded in the <Link to="/transparency">transparency log</Link> with its reason.
        </p>
      </div>
      <ProblemAlert error={error} focus={false} />
      {jurisdictions === null && !error ? <p className="muted">Loading…</p> : null}
      {jurisdictions?.length === 0 ? (
        <p className="muted">No jurisdiction has published a policy yet.</p>
      ) : null}
      {jurisdictions?.map((j) => (
        <JurisdictionCard
          key={j.slug}
          jurisdiction={j}
          agencies={agencies.filter((a) => a.jurisdiction === j.slug)}
        />
      ))}
    </div>
  );
}

function JurisdictionCard({
  jurisdiction: j,
  agencies,
}: {
  jurisdiction: Jurisdiction;
  agencies: PublicAgency[];
}) {
  return (
    <section className="card" aria-labelledby={`j-${j.slug}`}>
      <h2 id={`j-${j.slug}`}>{j.name}</h2>
      <p className="muted">
        <span className="mono">{j.slug}</span> · version {j.currentVersion}, published{' '}
        {absoluteTime(j.current.publishedAt)}
      </p>
      <PolicyRules policy={j.current.policy} />
      <BoundarySummary version={j.current} />
      <p>
        <strong>Why this version:</strong> {j.current.reason}
      </p>
      <p className="muted mono">SHA-256 {j.current.sha256}</p>
      <LogLink version={j.current} />
      <h3>Verified agencies</h3>
      {agencies.length === 0 ? (
        <p className="muted">None yet.</p>
      ) : (
        <ul>
          {agencies.map((a) => (
            <li key={a.id}>
              {a.name}
              {a.status === 'suspended' ? <span className="badge"> suspended</span> : null}
            </li>
          ))}
        </ul>
      )}
      <History slug={j.slug} versions={j.currentVersion} />
    </section>
  );
}

/** A link to the version's entry in the transparency log, found by the policy's hash. */
function LogLink({ version }: { version: PolicyVersion }) {
  return (
    <p>
      <Link to={`/transparency?type=policy.changed&q=${version.sha256}`}>
        Version {version.version} in the transparency log
      </Link>
    </p>
  );
}

/** Earlier versions, loaded when opened. */
function History({ slug, versions }: { slug: string; versions: number }) {
  const [open, setOpen] = useState(false);
  const [items, setItems] = useState<PolicyVersion[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  useEffect(() => {
    if (!open || items) return;
    transparency.history(slug).then(setItems, (err: unknown) => {
      setError(toApiError(err));
    });
  }, [open, items, slug]);

  return (
    <details
      onToggle={(e) => {
        setOpen(e.currentTarget.open);
      }}
    >
      <summary>
        Version history ({versions} {versions === 1 ? 'version' : 'versions'})
      </summary>
      <ProblemAlert error={error} focus={false} />
      {items ? (
        <ol reversed aria-label={`Versions of ${slug}`}>
          {items.map((v, i) => (
            <li key={v.version}>
              <p>
                <strong>Version {v.version}</strong> · {absoluteTime(v.publishedAt)} · {v.reason}
              </p>
              {items[i + 1] ? <PolicyChanges version={v} previous={items[i + 1]!} /> : null}
              <PolicyRules policy={v.policy} />
              <BoundarySummary version={v} />
              <p className="muted mono">SHA-256 {v.sha256}</p>
              <LogLink version={v} />
            </li>
          ))}
        </ol>
      ) : open ? (
        <p className="muted">Loading…</p>
      ) : null}
    </details>
  );
}
