import { useEffect, useState, type SubmitEvent } from 'react';
import { api } from '../api/client';
import { call, toApiError, type ApiError } from '../api/problem';
import { TextField } from '../components/Field';
import { Logo } from '../components/Logo';
import { send } from '../vault/send';
import { ProblemAlert } from '../components/ProblemAlert';
import { Link } from '../router';

/** The token a mailed link carries in its fragment (never sent to the server in a URL, so never logged). */
function linkToken(): string | null {
  return /(?:^#|&)token=([A-Za-z0-9_-]{43})(?:&|$)/.exec(window.location.hash)?.[1] ?? null;
}

/**
 * "Forgot password?": without a token, asks for the address and mails a link; opened from that link, sets a
 * new password (which signs the account out everywhere).
 */
export function ResetPasswordPage() {
  const [token, setToken] = useState(linkToken);
  // The mailed link may be opened in the tab already showing this page: only the fragment changes then.
  useEffect(() => {
    const onHash = () => {
      setToken(linkToken());
    };
    window.addEventListener('hashchange', onHash);
    return () => {
      window.removeEventListener('hashchange', onHash);
    };
  }, []);
  return (
    <div className="auth">
      <div className="auth__brand">
        <Logo />
        <span>Porchlight</span>
      </div>
      <div className="card auth__card">
        {token ? <NewPassword key={token} token={token} /> : <AskForLink />}
      </div>
    </div>
  );
}

function AskForLink() {
  const [email, setEmail] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [sent, setSent] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const res = await call(api.POST('/api/auth/password-reset', { body: { email: email.trim() } }));
      setSent(res.message);
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  };

  if (sent) {
    return (
      <>
        <h1>Check your email</h1>
        <p role="status">{sent}</p>
        <p className="muted">
          The link works once, for 30 minutes. Nothing arrived? Look in spam, or ask again.
        </p>
        <p className="auth__switch">
          <Link to="/signin">Back to sign in</Link>
        </p>
      </>
    );
  }
  return (
    <>
      <h1>Reset your password</h1>
      <p className="muted">We will mail a link to choose a new password to the address of your account.</p>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <ProblemAlert error={error} placed={['email']} />
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
        <button type="submit" className="button button--primary button--block" disabled={busy}>
          {busy ? 'Sending…' : 'Send me a link'}
        </button>
      </form>
      <p className="auth__switch">
        Remembered it? <Link to="/signin">Sign in</Link>
      </p>
    </>
  );
}

function NewPassword({ token }: { token: string }) {
  const [password, setPassword] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await send(api.POST('/api/auth/password-reset/confirm', { body: { token, password } }));
      // The token must not linger in the address bar or history once used.
      window.history.replaceState(null, '', '/reset-password');
      setDone(true);
    } catch (err) {
      setError(toApiError(err));
      setBusy(false);
    }
  };

  if (done) {
    return (
      <>
        <h1>Password changed</h1>
        <p role="status">
          Your new password is set, and every browser that was signed in has been signed out.
        </p>
        <p>
          <a className="button button--primary button--block" href="/signin">
            Sign in
          </a>
        </p>
      </>
    );
  }
  return (
    <>
      <h1>Choose a new password</h1>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <ProblemAlert error={error} placed={['password']} />
        {error?.code === 'link_invalid' ? (
          <p>
            <Link to="/reset-password">Ask for a new link</Link>
          </p>
        ) : null}
        <TextField
          label="New password"
          type="password"
          hint="At least 8 characters. Setting it signs you out everywhere."
          autoComplete="new-password"
          minLength={8}
          value={password}
          onChange={(e) => {
            setPassword(e.target.value);
          }}
          required
          error={error?.fields.password}
        />
        <button type="submit" className="button button--primary button--block" disabled={busy}>
          {busy ? 'Saving…' : 'Set new password'}
        </button>
      </form>
    </>
  );
}
