import { Logo } from '../components/Logo';
import './public-pages.css';
import { Link } from '../router';

const PUBLIC_PAGES = [
  {
    to: '/transparency',
    title: 'Transparency log',
    text: 'Every moderation decision, agency action and policy change, in a public append-only log anyone can verify.',
  },
  {
    to: '/dashboard',
    title: 'Transparency dashboard',
    text: 'What agencies and staff did, per place and month, in charts and tables anyone can recompute from the log.',
  },
  {
    to: '/policies',
    title: 'Request policies',
    text: 'The rules each jurisdiction’s agencies must follow before they may ask neighbours for footage.',
  },
  {
    to: '/requests',
    title: 'Footage requests',
    text: 'Every request an agency has published: what it asks for, where (roughly), why and until when.',
  },
] as const;

/**
 * What a signed-out visitor sees at `/`: what Porchlight is, the public accountability pages anyone may read,
 * and the way in. (Sign-in used to be the only door, hiding the public pages from the public.)
 */
export function LandingPage() {
  return (
    <div className="landing">
      <div className="auth__brand">
        <Logo />
        <span>Porchlight</span>
      </div>
      <div className="card">
        <h1>Safety news from your neighbours, without the surveillance</h1>
        <p className="lead">
          Share what is happening on your street. Others see only a block-sized cell, never your address;
          camera footage stays encrypted on your side until you choose to share it.
        </p>
        <div className="form-actions form-actions--start">
          <Link to="/signin" className="button button--primary">
            Sign in
          </Link>
          <Link to="/signup" className="button">
            Create an account
          </Link>
        </div>
      </div>
      <section aria-labelledby="public-title">
        <h2 id="public-title">Open to everyone, no account needed</h2>
        <ul className="landing__links">
          {PUBLIC_PAGES.map((p) => (
            <li key={p.to} className="card">
              <h3>
                <Link to={p.to}>{p.title}</Link>
              </h3>
              <p className="muted">{p.text}</p>
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}
