import { useState, type SubmitEvent } from 'react';
import { signInWithPasskey } from '../account/security/passkeys';
import { api } from '../api/client';
import { call, toApiError, type ApiError } from '../api/problem';
import type { Session } from '../api/types';
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

type Method = NonNullable<Session['secondStep']>['methods'][number];

export function SignInPage() {
  const { setUser } = useSession();
  const { query } = useLocation();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  /** Set once the password was right and the account has a second factor to ask for. */
  const [methods, setMethods] = useState<Method[] | null>(null);

  const signedIn = (s: Session) => {
    if (!s.user) throw new Error('signed in without a user');
    setUser(s.user);
    // A staff or agency account without a second factor may only enrol one.
    const to = s.secondFactorRequired
      ? '/account/security'
      : s.user.home
        ? safeNext(query.get('next'))
        : '/home';
    navigate(to, { replace: true });
  };

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const s = await call(api.POST('/api/auth/signin', { body: { email: email.trim(), password } }));
      if (s.secondStep) {
        setMethods(s.secondStep.methods);
        setBusy(false);
      } else signedIn(s);
    } catch (err) {
      setError(toApiError(err));
      setBusy(false);
    }
  };

  if (methods) {
    return (
      <SecondStep
        methods={methods}
        onSignedIn={signedIn}
        onRestart={() => {
          setMethods(null);
          setPassword('');
        }}
      />
    );
  }

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
          <Link to="/reset-password">Forgot password?</Link>
        </p>
        <p className="auth__switch">
          New here? <Link to="/signup">Create an account</Link>
        </p>
        <nav aria-label="Public pages" className="auth__public">
          <p className="muted">
            Open to everyone: <Link to="/transparency">transparency log</Link> ·{' '}
            <Link to="/policies">request policies</Link> · <Link to="/requests">footage requests</Link>
          </p>
        </nav>
      </div>
      <aside className="card card--muted demo-hint" aria-labelledby="demo-title">
        <h2 id="demo-title">Trying the demo?</h2>
        <p>
          A fresh demo server has these accounts, all with the password <code>porchlight-demo</code>. Pick one
          to fill in the form.
        </p>
        <p>
          The moderator, admin and agency accounts also ask for a second factor: add the key{' '}
          <code>PORCHLIGHTDEMOSTAFFTOTPSECRET234</code> to any authenticator app (demo only) and type its
          code.
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

/** The second step of sign-in: a code from the authenticator app, a passkey, or a recovery code. */
function SecondStep({
  methods,
  onSignedIn,
  onRestart,
}: {
  methods: Method[];
  onSignedIn: (s: Session) => void;
  onRestart: () => void;
}) {
  const [mode, setMode] = useState<'totp' | 'recovery'>(methods.includes('totp') ? 'totp' : 'recovery');
  const [code, setCode] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  const run = async (answer: () => Promise<Session>) => {
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await answer());
    } catch (err) {
      setError(toApiError(err));
      setBusy(false);
    }
  };
  const verify = (e: SubmitEvent) => {
    e.preventDefault();
    const body = mode === 'totp' ? { code: code.replace(/\s/g, '') } : { recoveryCode: code.trim() };
    void run(() => call(api.POST('/api/auth/second-factor', { body })));
  };

  return (
    <div className="auth">
      <div className="auth__brand">
        <Logo />
        <span>Porchlight</span>
      </div>
      <div className="card auth__card">
        <h1>Second step</h1>
        <p className="muted">
          {mode === 'totp'
            ? 'Enter the 6-digit code your authenticator app shows for Porchlight.'
            : 'Enter one of the recovery codes you saved when you set up your second factor. Each works once.'}
        </p>
        <form onSubmit={verify} noValidate>
          <ProblemAlert error={error} placed={['code', 'recoveryCode']} />
          {mode === 'totp' ? (
            <TextField
              key="totp"
              label="Authenticator code"
              inputMode="numeric"
              autoComplete="one-time-code"
              maxLength={6}
              value={code}
              onChange={(e) => {
                setCode(e.target.value);
              }}
              required
              error={error?.fields.code}
            />
          ) : (
            <TextField
              key="recovery"
              label="Recovery code"
              autoComplete="off"
              value={code}
              onChange={(e) => {
                setCode(e.target.value);
              }}
              required
              error={error?.fields.recoveryCode}
            />
          )}
          <button type="submit" className="button button--primary button--block" disabled={busy}>
            {busy ? 'Checking…' : 'Verify'}
          </button>
        </form>
        {methods.includes('passkey') ? (
          <button
            type="button"
            className="button button--block"
            disabled={busy}
            onClick={() => void run(signInWithPasskey)}
          >
            Use a passkey
          </button>
        ) : null}
        <p className="auth__switch">
          {mode === 'totp' ? (
            <button
              type="button"
              className="link-button"
              onClick={() => {
                setMode('recovery');
              }}
            >
              Use a recovery code instead
            </button>
          ) : methods.includes('totp') ? (
            <button
              type="button"
              className="link-button"
              onClick={() => {
                setMode('totp');
              }}
            >
              Use the authenticator app
            </button>
          ) : null}{' '}
          ·{' '}
          <button type="button" className="link-button" onClick={onRestart}>
            Start again
          </button>
        </p>
      </div>
    </div>
  );
}
