import { useState, type SubmitEvent } from 'react';
import { toApiError, type ApiError } from '../api/problem';
import { TextField } from '../components/Field';
import { Logo } from '../components/Logo';
import { ProblemAlert } from '../components/ProblemAlert';
import { Link, navigate } from '../router';
import { useSession } from '../state/session';

export function SignUpPage() {
  const { signUp } = useSession();
  const [form, setForm] = useState({ displayName: '', email: '', password: '' });
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signUp({ ...form, email: form.email.trim(), displayName: form.displayName.trim() });
      navigate('/home?welcome=1', { replace: true });
    } catch (err) {
      setError(toApiError(err));
      setBusy(false);
    }
  };

  const field = (name: keyof typeof form) => ({
    value: form[name],
    onChange: (e: { target: { value: string } }) => {
      setForm((f) => ({ ...f, [name]: e.target.value }));
    },
    error: error?.fields[name],
  });

  return (
    <div className="auth">
      <div className="auth__brand">
        <Logo />
        <span>Porchlight</span>
      </div>
      <div className="card auth__card">
        <h1>Create your account</h1>
        <p className="muted">
          Your exact home stays on the server. Neighbours only ever see a rough area of about a city block.
        </p>
        <form onSubmit={(e) => void submit(e)} noValidate>
          <ProblemAlert error={error} placed={['displayName', 'email', 'password']} />
          <TextField
            label="Display name"
            hint="Shown with your posts. A first name is plenty."
            autoComplete="nickname"
            required
            maxLength={60}
            {...field('displayName')}
          />
          <TextField label="Email" type="email" autoComplete="email" required {...field('email')} />
          <TextField
            label="Password"
            type="password"
            hint="At least 8 characters."
            autoComplete="new-password"
            required
            minLength={8}
            {...field('password')}
          />
          <button type="submit" className="button button--primary button--block" disabled={busy}>
            {busy ? 'Creating account…' : 'Create account'}
          </button>
        </form>
        <p className="auth__switch">
          Already have an account? <Link to="/signin">Sign in</Link>
        </p>
      </div>
    </div>
  );
}
