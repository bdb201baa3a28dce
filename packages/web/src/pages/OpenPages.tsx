import { askPostIdOf, CONFIRM_PATH } from '../bystander/api';
import { BystanderRequestPage } from '../bystander/BystanderRequestPage';
import { ConfirmBystanderPage } from '../bystander/ConfirmBystanderPage';
import { Logo } from '../components/Logo';
import { Link } from '../router';
import { AnnualReportPage } from '../dashboard/AnnualReportPage';
import { AgencyPortalPage } from './AgencyPortalPage';
import { DashboardPage } from './DashboardPage';
import { GuidelinesPage } from './GuidelinesPage';
import { PoliciesPage } from './PoliciesPage';
import { RequestPage } from './RequestPage';
import { RequestsPage } from './RequestsPage';
import { TransparencyPage } from './TransparencyPage';

/** Pages anyone may read, signed in or not: the public's view of what agencies and staff do (G3, G4). */
const OPEN_PATHS = new Set(['/transparency', '/dashboard', '/policies', '/requests', '/guidelines']);

/** A published footage request's public page: `/requests/rq_…`. */
const requestIdOf = (path: string): string | undefined => /^\/requests\/(rq_[A-Za-z0-9_-]+)$/.exec(path)?.[1];

/** An agency's public page: `/dashboard/agencies/<id>`. */
const agencyIdOf = (path: string): number | undefined => {
  const id = /^\/dashboard\/agencies\/([1-9][0-9]{0,15})$/.exec(path)?.[1];
  return id === undefined ? undefined : Number(id);
};

/** An agency's annual surveillance report: `/dashboard/agencies/<id>/report/<year>`. */
const reportOf = (path: string): { agencyId: number; year: string } | undefined => {
  const m = /^\/dashboard\/agencies\/([1-9][0-9]{0,15})\/report\/((?:19|20)[0-9]{2})$/.exec(path);
  return m ? { agencyId: Number(m[1]), year: m[2]! } : undefined;
};

export const isOpenPath = (path: string): boolean =>
  OPEN_PATHS.has(path) ||
  path === CONFIRM_PATH ||
  askPostIdOf(path) !== undefined ||
  requestIdOf(path) !== undefined ||
  agencyIdOf(path) !== undefined ||
  reportOf(path) !== undefined;

/** The open page at `path`; render only when {@link isOpenPath} says it is one. */
export function OpenPage({ path }: { path: string }) {
  const askPostId = askPostIdOf(path);
  if (askPostId) return <BystanderRequestPage key={askPostId} postId={askPostId} />;
  if (path === CONFIRM_PATH) return <ConfirmBystanderPage />;
  const requestId = requestIdOf(path);
  if (requestId) return <RequestPage key={requestId} requestId={requestId} />;
  const report = reportOf(path);
  if (report) return <AnnualReportPage key={path} {...report} />;
  const agencyId = agencyIdOf(path);
  if (agencyId !== undefined) return <AgencyPortalPage key={agencyId} agencyId={agencyId} />;
  if (path === '/dashboard') return <DashboardPage />;
  if (path === '/requests') return <RequestsPage />;
  if (path === '/guidelines') return <GuidelinesPage />;
  return path === '/policies' ? <PoliciesPage /> : <TransparencyPage />;
}

/** An open page for a visitor without an account: a slim header with the public links and sign-in. */
export function PublicLayout({ path }: { path: string }) {
  const links = [
    { to: '/transparency', label: 'Transparency log' },
    { to: '/dashboard', label: 'Dashboard' },
    { to: '/policies', label: 'Policies' },
    { to: '/requests', label: 'Footage requests' },
    { to: '/guidelines', label: 'Guidelines' },
  ];
  return (
    <>
      <header className="app-header">
        <div className="app-header__inner">
          <Link to="/transparency" className="brand" aria-label="Porchlight, transparency log">
            <Logo />
            <span className="brand__name">Porchlight</span>
          </Link>
          <nav className="app-nav" aria-label="Public">
            <ul>
              {links.map((l) => (
                <li key={l.to}>
                  <Link to={l.to} aria-current={path === l.to ? 'page' : undefined}>
                    {l.label}
                  </Link>
                </li>
              ))}
            </ul>
          </nav>
          <div className="app-header__actions">
            <Link to="/signin" className="button button--primary button--small">
              Sign in
            </Link>
          </div>
        </div>
      </header>
      <main id="main" className="main" tabIndex={-1}>
        <OpenPage path={path} />
      </main>
    </>
  );
}
