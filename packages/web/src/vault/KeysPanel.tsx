import { useEffect, useState } from 'react';
import { toApiError, type ApiError } from '../api/problem';
import { ProblemAlert } from '../components/ProblemAlert';
import { useAnnounce } from '../state/announcer';
import { recipientFingerprint } from './fingerprint';
import { changePassphrase, rotateVault, type RotatedVault, type UnlockedKeys } from './keys';
import type { VaultKeys } from './types';
import { PassphraseForm, RecoveryCodeNotice } from './VaultSetup';

/**
 * The vault key: its fingerprint and generation, a passphrase change, and key rotation — with what each does
 * and does not protect, in plain words. Everything secret happens in this tab; the server gets only wrapped
 * and sealed copies.
 */
export function KeysPanel({
  keys,
  vault,
  onChanged,
}: {
  keys: VaultKeys;
  vault: UnlockedKeys;
  /** After a rotation (with the new keys) or a passphrase change (null): reload the stored keys. */
  onChanged: (rotated: UnlockedKeys | null) => void;
}) {
  const announce = useAnnounce();
  const [mode, setMode] = useState<'view' | 'passphrase' | 'rotate'>('view');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [rotated, setRotated] = useState<RotatedVault | null>(null);
  const [fingerprint, setFingerprint] = useState('');

  useEffect(() => {
    void recipientFingerprint(vault.recipient).then(setFingerprint);
  }, [vault.recipient]);

  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  };

  if (rotated) {
    return (
      <RecoveryCodeNotice
        code={rotated.recoveryCode}
        onSaved={() => {
          onChanged({ identity: rotated.identity, recipient: rotated.recipient, previous: rotated.previous });
          setRotated(null);
          setMode('view');
          announce('New vault key in use. Pair your hubs again.');
        }}
      />
    );
  }

  const older = keys.retiredKeys.length;
  return (
    <section className="stack" aria-labelledby="keys-title">
      <h2 id="keys-title">Your vault key</h2>
      <div className="card vault-card">
        <dl className="vault-facts">
          <dt>Fingerprint</dt>
          <dd>
            <code className="mono" aria-label="Current key fingerprint">
              {fingerprint || '…'}
            </code>
          </dd>
          <dt>Key generation</dt>
          <dd aria-label="Key generation">{keys.generation}</dd>
          <dt>Older keys</dt>
          <dd>
            {older === 0
              ? 'none'
              : `${older}, kept only encrypted to this key so clips from before each rotation still play`}
          </dd>
        </dl>
      </div>
      <ProblemAlert error={error} placed={['passphrase', 'confirm']} />

      <div className="card vault-card">
        <h3>Change your passphrase</h3>
        <p>
          A new passphrase re-wraps the <strong>same</strong> key. From now on the server’s copy opens only
          with the new passphrase. It does <strong>not</strong> make older copies useless: backups of the
          server and its database’s write-ahead log can keep the key wrapped under your old passphrase, and
          that copy still opens every clip, old and new. If you think your old passphrase is known, rotate
          your key instead.
        </p>
        {mode === 'passphrase' ? (
          <PassphraseForm
            submitLabel="Save new passphrase"
            busyLabel="Saving…"
            busy={busy}
            onInvalid={setError}
            onSubmit={(p) =>
              void run(async () => {
                await changePassphrase(vault.identity, p);
                setMode('view');
                announce('Passphrase changed.');
                onChanged(null);
              })
            }
          />
        ) : (
          <button
            type="button"
            className="button"
            disabled={mode !== 'view'}
            onClick={() => {
              setMode('passphrase');
            }}
          >
            Change passphrase…
          </button>
        )}
      </div>

      <div className="card vault-card">
        <h3>Rotate your key</h3>
        <p>
          Makes a brand-new key in this tab. New clips are encrypted to it; your older keys are kept only
          encrypted to the new one, so your old clips still play once you unlock. Any old copy of the previous
          key — wrapped under an old passphrase in a backup or log — then opens only clips from before the
          rotation, never new ones.
        </p>
        <ul>
          <li>You get a new recovery code; the old one opens only the old key.</li>
          <li>
            Every home hub must be paired again: a hub encrypts only to the key it was paired with, so until
            then it refuses to upload rather than trust a new key you have not shown it.
          </li>
        </ul>
        {mode === 'rotate' ? (
          <PassphraseForm
            submitLabel="Rotate key"
            busyLabel="Making your new key…"
            busy={busy}
            onInvalid={setError}
            onSubmit={(p) =>
              void run(async () => {
                setRotated(await rotateVault(vault, keys, p));
              })
            }
          />
        ) : (
          <button
            type="button"
            className="button"
            disabled={mode !== 'view'}
            onClick={() => {
              setMode('rotate');
            }}
          >
            Rotate key…
          </button>
        )}
      </div>
    </section>
  );
}
