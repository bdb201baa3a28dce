import { usePageTitle } from '../components/usePageTitle';
import './public-pages.css';
import { Link, useLocation } from '../router';
import { useSession } from '../state/session';

/** The 404 page: for unknown addresses, and for pages the signed-in role may not see (without saying which). */
export function NotFoundPage() {
  usePageTitle('Page not found');
  const { user } = useSession();
  const { path } = useLocation();
  return (
    <div className="card empty narrow not-found">
      <p className="not-found__code" aria-hidden="true">
        404
      </p>
      <h1>Page not found</h1>
      <p>
        There is nothing at <code>{path}</code>, or you do not have access to it. Check the address, or go on
        from here:
      </p>
      <ul className="not-found__links">
        <li>
          <Link to="/" className="button button--primary">
            {user ? 'Go to your feed' : 'Go to the start page'}
          </Link>
        </li>
        <li>
          <Link to="/transparency">Transparency log</Link>
        </li>
        <li>
          <Link to="/requests">Footage requests</Link>
        </li>
      </ul>
    </div>
  );
}
