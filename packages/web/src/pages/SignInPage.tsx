import { useState, type SubmitEvent } from 'react';
import { toApiError, type ApiError } from '../api/problem';
import { TextField } from '../components/Field';
import { Logo } from '../components/Logo';
import { ProblemAlert } from '../components/ProblemAlert';
import { Link, navigate, useLocation } from '../router';
import { useSession } from '../state/session';

const DEMO_ACCOUNTS = [
  ['alice@demo.porchlight', 'resident'],
  ['bob@demo.porchlight', 'resident'],
  ['mod@demo.porchlight', 'moderator'],
  ['mod2@demo.porchlight', 'moderator'],
  ['admin@demo.porchlight', 'admin'],
  ['agency@demo.porchlight', 'agency'],
] as const;

/** Only same-app paths, so `?next=` cannot send someone to another site after sign-in. */
function safeNext(next: string | null): string {
  return next?.startsWith('/') && !next.startsWith('//') ? next : '/';
}

export function SignInPage() {
  const { signIn } = useSession();
  const { query } = useLocation();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const user = await signIn(email.trim(), password);
      navigate(user.home ? safeNext(query.get('next')) : '/home', { replace: true });
    } catch (err) {
      setError(toApiError(err));
      setBusy(false);
    }
  };

  return (
    <div className="auth">
      <div className="auth__brand">
        <Logo />
        <span>Porchlight</span>
      </div>
      <div className="card auth__card">
        <h1>Sign in</h1>
        <p className="muted">Safety news from your neighbours, without the surveillance.</p>
        <form onSubmit={(e) => void submit(e)} noValidate>
          <ProblemAlert error={error} placed={['email', 'password']} />
          <TextField
            label="Email"
            type="email"
            autoComplete="email"
            value={email}
            onChange={(e) => {
              setEmail(e.target.value);
            }}
            required
            error={error?.fields.email}
          />
          <TextField
            label="Password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => {
              setPassword(e.target.value);
            }}
            required
            error={error?.fields.password}
          />
          <button type="submit" className="button button--primary button--block" disabled={busy}>
            {busy ? 'Signing in…' : 'Sign in'}
          </button>
        </form>
        <p className="auth__switch">
          New here? <Link to="/signup">Create an account</Link>
        </p>
      </div>
      <aside className="card card--muted demo-hint" aria-labelledby="demo-title">
        <h2 id="demo-title">Trying the demo?</h2>
        <p>
          A fresh demo server has these accounts, all with the password <code>porchlight-demo</code>. Pick one
          to fill in the form.
        </p>
        <ul>
          {DEMO_ACCOUNTS.map(([address, role]) => (
            <li key={address}>
              <button
                type="button"
                className="link-button"
                onClick={() => {
                  setEmail(address);
                  setPassword('porchlight-demo');
                }}
              >
                {address}
              </button>{' '}
              <span className="muted">({role})</span>
            </li>
          ))}
        </ul>
      </aside>
    </div>
  );
}
