import { useCallback, useEffect, useState, type SubmitEvent } from 'react';
import { api } from '../../api/client';
import { call, toApiError, type ApiError } from '../../api/problem';
import { TextField } from '../../components/Field';
import { ProblemAlert } from '../../components/ProblemAlert';
import { absoluteTime } from '../../format';
import { useMe } from '../../state/session';
import { addPasskey } from './passkeys';
import { ReauthForm } from './ReauthForm';
import type { SecondFactors, TotpEnrolment } from './types';
import './security.css';

/**
 * The Security page: an authenticator app, passkeys and recovery codes. Staff and agency accounts must have a
 * second factor before they can act; for residents it is optional.
 */
export function SecurityPage() {
  const me = useMe();
  const [factors, setFactors] = useState<SecondFactors | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [codes, setCodes] = useState<string[] | null>(null);

  const load = useCallback(() => {
    call(api.GET('/api/me/second-factors')).then(setFactors, (err: unknown) => {
      setError(toApiError(err));
    });
  }, []);
  useEffect(load, [load]);

  const enrolled = (r: { factors: SecondFactors; recoveryCodes?: string[] }) => {
    setFactors(r.factors);
    if (r.recoveryCodes) setCodes(r.recoveryCodes);
  };
  const none = factors !== null && !factors.totp && factors.passkeys.length === 0;

  return (
    <div className="narrow stack">
      <div className="page-head">
        <h1>Security</h1>
        <p className="muted">
          A second factor keeps your account yours if your password leaks: signing in then needs your password
          and your authenticator app or a passkey.
        </p>
      </div>
      <ProblemAlert error={error} focus={false} />
      {factors?.required && none ? (
        <div className="alert alert--warning" role="status">
          <p className="alert__title">Add a second factor to continue</p>
          <p>
            Your account ({me.role}) acts on other people’s data, so it must use a second factor. Until you
            add one, Porchlight only lets you set it up here.
          </p>
        </div>
      ) : null}
      {codes ? (
        <RecoveryCodes
          codes={codes}
          onDone={() => {
            setCodes(null);
          }}
        />
      ) : null}
      {factors ? (
        <>
          <AuthenticatorApp factors={factors} onEnrolled={enrolled} onChanged={setFactors} />
          <Passkeys factors={factors} onEnrolled={enrolled} onChanged={setFactors} />
          {!none ? (
            <RecoveryCodesSection
              factors={factors}
              onCodes={(c) => {
                setCodes(c);
                load();
              }}
            />
          ) : null}
        </>
      ) : null}
    </div>
  );
}

function RecoveryCodes({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  return (
    <section className="card stack recovery-codes" aria-labelledby="codes-title">
      <h2 id="codes-title">Your recovery codes</h2>
      <p>
        Save these somewhere safe now: they are shown only this once. Each signs you in once if you lose your
        app or passkey.
      </p>
      <ol className="recovery-codes__list">
        {codes.map((c) => (
          <li key={c}>{c}</li>
        ))}
      </ol>
      <div className="security-row">
        <button type="button" className="button button--primary" onClick={onDone}>
          I have saved these codes
        </button>
        <a className="button" href="/">
          Continue to Porchlight
        </a>
      </div>
    </section>
  );
}

function AuthenticatorApp({
  factors,
  onEnrolled,
  onChanged,
}: {
  factors: SecondFactors;
  onEnrolled: (r: { factors: SecondFactors; recoveryCodes?: string[] }) => void;
  onChanged: (f: SecondFactors) => void;
}) {
  const [enrolment, setEnrolment] = useState<TotpEnrolment | null>(null);
  const [code, setCode] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [removing, setRemoving] = useState(false);

  const start = async () => {
    setError(null);
    try {
      setEnrolment(await call(api.POST('/api/me/second-factors/totp')));
    } catch (err) {
      setError(toApiError(err));
    }
  };
  const confirm = async (e: SubmitEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const r = await call(
        api.POST('/api/me/second-factors/totp/confirm', { body: { code: code.replace(/\s/g, '') } }),
      );
      setEnrolment(null);
      setCode('');
      onEnrolled(r);
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card stack" aria-labelledby="totp-title">
      <h2 id="totp-title">Authenticator app</h2>
      <ProblemAlert error={error} placed={['code']} />
      {factors.totp ? (
        <>
          <p>
            <strong>On.</strong> Signing in asks for the 6-digit code your app shows.
          </p>
          {removing ? (
            <ReauthForm
              factors={factors}
              action="Remove the authenticator app"
              onCancel={() => {
                setRemoving(false);
              }}
              submit={(body) =>
                call(
                  api.POST('/api/me/second-factors/remove', { body: { ...body, factor: { kind: 'totp' } } }),
                )
              }
              onDone={(f) => {
                setRemoving(false);
                onChanged(f);
              }}
            />
          ) : (
            <button
              type="button"
              className="button"
              onClick={() => {
                setRemoving(true);
              }}
            >
              Remove…
            </button>
          )}
        </>
      ) : enrolment ? (
        <form className="stack" onSubmit={(e) => void confirm(e)} noValidate>
          <p>Scan this code with your authenticator app, then type the 6-digit code it shows.</p>
          <img
            className="totp-qr"
            src={`data:image/svg+xml;utf8,${encodeURIComponent(enrolment.qrSvg)}`}
            alt="QR code to add Porchlight to your authenticator app"
            width={200}
            height={200}
          />
          <p className="muted">
            Cannot scan? Type this key instead: <code className="totp-secret">{enrolment.secret}</code> or{' '}
            <a href={enrolment.otpauthUri}>open it in an app on this device</a>.
          </p>
          <TextField
            label="Code from the app"
            inputMode="numeric"
            autoComplete="one-time-code"
            maxLength={6}
            value={code}
            onChange={(e) => {
              setCode(e.target.value);
            }}
            error={error?.fields.code}
            required
          />
          <button type="submit" className="button button--primary" disabled={busy}>
            {busy ? 'Checking…' : 'Turn on'}
          </button>
        </form>
      ) : (
        <>
          <p className="muted">Use any app that supports time-based codes (TOTP).</p>
          <button type="button" className="button button--primary" onClick={() => void start()}>
            Set up an authenticator app
          </button>
        </>
      )}
    </section>
  );
}

function Passkeys({
  factors,
  onEnrolled,
  onChanged,
}: {
  factors: SecondFactors;
  onEnrolled: (r: { factors: SecondFactors; recoveryCodes?: string[] }) => void;
  onChanged: (f: SecondFactors) => void;
}) {
  const [name, setName] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [removing, setRemoving] = useState<string | null>(null);

  const add = async (e: SubmitEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onEnrolled(await addPasskey(name.trim() || 'Passkey'));
      setName('');
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card stack" aria-labelledby="passkeys-title">
      <h2 id="passkeys-title">Passkeys</h2>
      <ProblemAlert error={error} placed={['name']} />
      {factors.passkeys.length > 0 ? (
        <ul className="passkey-list">
          {factors.passkeys.map((p) => (
            <li key={p.id} className="stack">
              <div className="security-row">
                <strong>{p.name}</strong>
                <span className="muted">
                  added {absoluteTime(p.createdAt)}
                  {p.lastUsedAt ? `, last used ${absoluteTime(p.lastUsedAt)}` : ''}
                </span>
                {removing === p.id ? null : (
                  <button
                    type="button"
                    className="button button--small"
                    onClick={() => {
                      setRemoving(p.id);
                    }}
                  >
                    Remove…
                  </button>
                )}
              </div>
              {removing === p.id ? (
                <ReauthForm
                  factors={factors}
                  action={`Remove passkey “${p.name}”`}
                  onCancel={() => {
                    setRemoving(null);
                  }}
                  submit={(body) =>
                    call(
                      api.POST('/api/me/second-factors/remove', {
                        body: { ...body, factor: { kind: 'passkey', id: p.id } },
                      }),
                    )
                  }
                  onDone={(f) => {
                    setRemoving(null);
                    onChanged(f);
                  }}
                />
              ) : null}
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">A passkey is kept by your device or security key and unlocked with it.</p>
      )}
      <form className="security-row" onSubmit={(e) => void add(e)} noValidate>
        <TextField
          label="Passkey name"
          hint="To tell your passkeys apart, e.g. “Laptop”"
          value={name}
          maxLength={60}
          onChange={(e) => {
            setName(e.target.value);
          }}
          error={error?.fields.name}
        />
        <button type="submit" className="button" disabled={busy}>
          {busy ? 'Waiting for the passkey…' : 'Add a passkey'}
        </button>
      </form>
    </section>
  );
}

function RecoveryCodesSection({
  factors,
  onCodes,
}: {
  factors: SecondFactors;
  onCodes: (c: string[]) => void;
}) {
  const [open, setOpen] = useState(false);
  return (
    <section className="card stack" aria-labelledby="recovery-title">
      <h2 id="recovery-title">Recovery codes</h2>
      <p>
        {factors.recoveryCodesLeft} of 10 unused. Each signs you in once without your app or passkey; only
        their fingerprints are stored, so lost codes cannot be shown again, only replaced.
      </p>
      {open ? (
        <ReauthForm
          factors={factors}
          action="Make new recovery codes"
          onCancel={() => {
            setOpen(false);
          }}
          submit={(body) => call(api.POST('/api/me/second-factors/recovery-codes', { body }))}
          onDone={(r) => {
            setOpen(false);
            onCodes(r.recoveryCodes);
          }}
        />
      ) : (
        <button
          type="button"
          className="button"
          onClick={() => {
            setOpen(true);
          }}
        >
          Make new codes…
        </button>
      )}
    </section>
  );
}
