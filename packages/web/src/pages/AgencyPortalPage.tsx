import { last30Days } from '@porchlight/tlog';
import { useEffect, useState } from 'react';
import { dashboard, type Dashboard } from '../api/dashboard';
import { toApiError, type ApiError } from '../api/problem';
import { transparency, type Jurisdiction, type PublicAgency } from '../api/transparency';
import { PolicyRules } from '../components/PolicyRules';
import { ProblemAlert } from '../components/ProblemAlert';
import { HeldClips } from '../dashboard/HeldAndDelayed';
import { Link } from '../router';
import '../styles/dashboard.css';
import '../styles/transparency.css';

const month = (d: Date): string => d.toISOString().slice(0, 7);

/** The figures an agency's page shows for each period. */
const HEADLINE = [
  'requests.published',
  'requests.refused',
  'requests.exigent',
  'requests.justification_missed',
  'requests.closed',
  'disclosures.shared',
  'disclosures.accessed',
  'disclosures.held',
] as const;

/**
 * One agency's public page: where it may ask, the policy in force as readable rules (what it may and may not
 * request, how long disclosed copies are kept), and what it did this month and this year, from the log.
 */
export function AgencyPortalPage({ agencyId }: { agencyId: number }) {
  const [agency, setAgency] = useState<PublicAgency | null | undefined>(undefined);
  const [jurisdiction, setJurisdiction] = useState<Jurisdiction | null>(null);
  const [periods, setPeriods] = useState<{ days30: Dashboard; month: Dashboard; year: Dashboard } | null>(
    null,
  );
  const [error, setError] = useState<ApiError | null>(null);

  useEffect(() => {
    const now = new Date();
    const scope = { scope: 'agency' as const, id: String(agencyId) };
    Promise.all([
      transparency.agencies(),
      transparency.jurisdictions(),
      dashboard.get({ ...scope, ...last30Days(now.toISOString().slice(0, 10)) }),
      dashboard.get({ ...scope, from: month(now), to: month(now) }),
      dashboard.get({ ...scope, from: `${now.getUTCFullYear()}-01`, to: month(now) }),
    ]).then(
      ([agencies, jurisdictions, days30, thisMonth, thisYear]) => {
        const found = agencies.find((a) => a.id === agencyId) ?? null;
        setAgency(found);
        setJurisdiction(jurisdictions.find((j) => j.slug === found?.jurisdiction) ?? null);
        setPeriods({ days30, month: thisMonth, year: thisYear });
      },
      (err: unknown) => {
        setError(toApiError(err));
      },
    );
  }, [agencyId]);

  if (error) return <ProblemAlert error={error} focus={false} />;
  if (agency === undefined) return <p className="muted">Loading…</p>;
  if (agency === null) return <p>No agency {agencyId} is registered here.</p>;
  const policy = jurisdiction?.current;
  const now = new Date();
  const figure = (d: Dashboard, id: string) => d.figures.find((f) => f.id === id);
  return (
    <div className="stack">
      <div className="page-head">
        <h1>{agency.name}</h1>
        <p className="lead">
          {agency.status === 'verified' ? 'Verified agency' : 'Suspended agency'} in{' '}
          <strong>{jurisdiction?.name ?? agency.jurisdiction}</strong>, since{' '}
          {new Date(agency.verifiedAt).toLocaleDateString('en-GB', { dateStyle: 'long' })}. Everything below
          is public and comes from the <Link to="/transparency">transparency log</Link>.
        </p>
      </div>
      {periods ? (
        <section aria-labelledby="portal-counts" className="card">
          <h2 id="portal-counts">What it did</h2>
          <p className="field__hint">
            Counted from the log by UTC day and month: the last 30 days are {periods.days30.from} to{' '}
            {periods.days30.to}, this month {periods.month.from}, this year {periods.year.from} to{' '}
            {periods.year.to}, at checkpoint {periods.year.checkpoint.size}.
          </p>
          <table className="figure-table">
            <thead>
              <tr>
                <th scope="col">Figure</th>
                <th scope="col">Last 30 days</th>
                <th scope="col">This month</th>
                <th scope="col">This year</th>
              </tr>
            </thead>
            <tbody>
              {HEADLINE.map((id) => (
                <tr key={id}>
                  <th scope="row">{figure(periods.year, id)?.label ?? id}</th>
                  <td>{figure(periods.days30, id)?.total ?? 0}</td>
                  <td>{figure(periods.month, id)?.total ?? 0}</td>
                  <td>{figure(periods.year, id)?.total ?? 0}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p>
            <Link to={`/dashboard?scope=agency&id=${agency.id}`}>Every figure, per month, with charts</Link>
          </p>
          <p>
            Annual surveillance report:{' '}
            {[now.getUTCFullYear(), now.getUTCFullYear() - 1].map((y, i) => (
              <span key={y}>
                {i > 0 ? ' · ' : null}
                <Link to={`/dashboard/agencies/${agency.id}/report/${y}`}>{y}</Link>
              </span>
            ))}
          </p>
        </section>
      ) : null}
      {periods ? <HeldClips holds={periods.year.holds} title="Legal holds it filed this year" /> : null}
      {policy ? (
        <section aria-labelledby="portal-policy" className="card">
          <h2 id="portal-policy">The policy it must follow</h2>
          <p>
            Version {policy.version} of {jurisdiction.name}’s request policy, in force since{' '}
            {new Date(policy.publishedAt).toLocaleDateString('en-GB', { dateStyle: 'long' })}. A request that
            breaks any of these rules is refused, and the refusal is logged. Copies shared with the agency are
            deleted after the retention below unless a logged legal hold keeps them.
          </p>
          <PolicyRules policy={policy.policy} />
          <p>
            <Link to="/policies">Every jurisdiction’s policy and its history</Link>
          </p>
        </section>
      ) : null}
    </div>
  );
}
