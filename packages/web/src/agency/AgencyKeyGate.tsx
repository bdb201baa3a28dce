import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { toApiError, type ApiError } from '../api/problem';
import { ProblemAlert } from '../components/ProblemAlert';
import { useMe } from '../state/session';
import { prepareKey, type PreparedKey } from '../vault/keys';
import { vaultWorker } from '../vault/vaultStore';
import { KeySetup, RecoveryCodeNotice } from '../vault/VaultSetup';
import { KeyUnlock } from '../vault/VaultUnlock';
import { unlockAgencyKey, useAgencyKey, type UnlockedAgencyKey } from './agencyKey';
import { changeAgencyPassphrase, loadAgencyKeys, storeAgencyKey, unlockAgencyKeyWith } from './keys';
import type { AgencyKeys } from './types';

type KeysState =
  | { status: 'loading' }
  | { status: 'missing' }
  | { status: 'ready'; keys: AgencyKeys }
  | { status: 'error'; error: ApiError };

/**
 * Shows `children(key)` once the member's agency key is unlocked in this tab; before that, the setup (first
 * time, with the recovery code shown once) or the unlock form (after a recovery-code unlock, with a new
 * passphrase) — the same forms as the owner's vault key.
 */
export function AgencyKeyGate({ children }: { children: (key: UnlockedAgencyKey) => ReactNode }) {
  const me = useMe();
  const userId = String(me.id);
  const key = useAgencyKey(userId);
  const [keys, setKeys] = useState<KeysState>({ status: 'loading' });
  const [fresh, setFresh] = useState<PreparedKey | null>(null);

  const refresh = useCallback(() => {
    loadAgencyKeys().then(
      (k) => {
        setKeys(k ? { status: 'ready', keys: k } : { status: 'missing' });
      },
      (err: unknown) => {
        setKeys({ status: 'error', error: toApiError(err) });
      },
    );
  }, []);

  useEffect(() => {
    // Start the decrypting worker early, so the first Play does not wait for it.
    void vaultWorker().catch(() => null);
    refresh();
  }, [refresh]);

  if (fresh) {
    return (
      <RecoveryCodeNotice
        code={fresh.recoveryCode}
        opens="footage shared with you"
        continueLabel="Continue"
        className="card"
        onSaved={async () => {
          // Stored (and published in the log) only once the recovery code is saved.
          await storeAgencyKey(fresh);
          unlockAgencyKey({ userId, identity: fresh.identity, recipient: fresh.recipient });
          setFresh(null);
          refresh();
        }}
      />
    );
  }
  if (key) return <>{children(key)}</>;
  switch (keys.status) {
    case 'loading':
      return <p className="muted">Loading your agency key…</p>;
    case 'error':
      return <ProblemAlert error={keys.error} />;
    case 'missing':
      return (
        <KeySetup
          title="Set up your agency key"
          submitLabel="Create my agency key"
          passphraseLabel="Agency key passphrase"
          formLabel="Choose an agency key passphrase"
          create={prepareKey}
          onCreated={setFresh}
        >
          <p>
            Residents who choose to share footage encrypt it to your agency’s members’ keys. Your key is
            created in this browser and stored only wrapped by your passphrase: Porchlight cannot open what
            residents send you, and cannot reset the passphrase. Your public key is published in the
            transparency log so owners can check whom they are encrypting to.
          </p>
        </KeySetup>
      );
    case 'ready': {
      const stored = keys.keys;
      return (
        <KeyUnlock
          title="Unlock your agency key"
          what="agency key"
          passphraseLabel="Agency key passphrase"
          unlock={(secret, by) => unlockAgencyKeyWith(stored, secret, by)}
          replacePassphrase={(identity, passphrase) => changeAgencyPassphrase(stored, identity, passphrase)}
          onUnlocked={(identity) => {
            unlockAgencyKey({ userId, identity, recipient: stored.recipient });
          }}
        />
      );
    }
  }
}
