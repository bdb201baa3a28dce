import { Link } from '../router';

export function NotFoundPage() {
  return (
    <div className="card empty narrow">
      <h1>Page not found</h1>
      <p>There is nothing at this address, or you do not have access to it.</p>
      <Link to="/" className="button button--primary">
        Go to your feed
      </Link>
    </div>
  );
}
