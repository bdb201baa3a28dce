import { AgencyKeyGate } from '../agency/AgencyKeyGate';
import { lockAgencyKey } from '../agency/agencyKey';
import { useMyAgency } from '../agency/myAgency';
import { RecipientStatus } from '../agency/RecipientStatus';
import { ProblemAlert } from '../components/ProblemAlert';
import { Link } from '../router';
import { usePageTitle } from '../components/usePageTitle';
import { useMe } from '../state/session';
import '../requests/requests.css';

/**
 * The agency member's key: set it up once (created and wrapped in this browser), unlock it to open footage
 * owners share with the agency, see that it is published in the log, and lock it again.
 */
export function AgencyKeysPage() {
  usePageTitle('Agency key');
  const me = useMe();
  const agency = useMyAgency(me);

  return (
    <div className="stack narrow">
      <div className="page-head">
        <h1>Agency key</h1>
        <p className="lead">
          {agency.status === 'ready' ? `${agency.agency.name}. ` : ''}Footage residents share with your agency
          is encrypted to its members’ keys and opened only in your browser.
        </p>
      </div>
      {agency.status === 'error' ? <ProblemAlert error={agency.error} /> : null}
      {agency.status === 'ready' && !agency.agency.active ? (
        <p className="alert alert--warning">Your agency is suspended: its members cannot act for it.</p>
      ) : null}
      <AgencyKeyGate>
        {(key) => (
          <section className="card" aria-labelledby="key-ready">
            <h2 id="key-ready">Your key is unlocked in this tab</h2>
            {agency.status === 'ready' ? (
              <RecipientStatus agencyId={agency.agency.id} recipient={key.recipient} />
            ) : null}
            <div className="form-actions form-actions--start">
              <Link to="/agency/requests/new" className="button button--primary">
                New footage request
              </Link>
              <button type="button" className="button" onClick={lockAgencyKey}>
                Lock key
              </button>
            </div>
          </section>
        )}
      </AgencyKeyGate>
    </div>
  );
}
