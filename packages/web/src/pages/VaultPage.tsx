import { useCallback, useEffect, useState } from 'react';
import { api } from '../api/client';
import { call, toApiError, type ApiError } from '../api/problem';
import { ProblemAlert } from '../components/ProblemAlert';
import { Link } from '../router';
import { useAnnounce } from '../state/announcer';
import { useMe } from '../state/session';
import { CamerasPanel } from '../vault/CamerasPanel';
import { ClipsPanel } from '../vault/ClipsPanel';
import { HubsPanel } from '../vault/HubsPanel';
import { KeysPanel } from '../vault/KeysPanel';
import { loadVaultKeys, storeVault, type PreparedKey } from '../vault/keys';
import type { Camera, VaultKeys } from '../vault/types';
import { UploadPanel } from '../vault/UploadPanel';
import { lockVault, unlockVault, useUnlockedVault, vaultWorker } from '../vault/vaultStore';
import { RecoveryCodeNotice, VaultSetup } from '../vault/VaultSetup';
import { VaultUnlock } from '../vault/VaultUnlock';
import '../vault/vault.css';
import { LockIcon } from '../components/Icons';

export type VaultSection = 'clips' | 'upload' | 'cameras' | 'hubs' | 'keys';

const SECTIONS: { section: VaultSection; to: string; label: string }[] = [
  { section: 'clips', to: '/vault', label: 'Clips' },
  { section: 'upload', to: '/vault/upload', label: 'Upload' },
  { section: 'cameras', to: '/vault/cameras', label: 'Cameras' },
  { section: 'hubs', to: '/vault/hubs', label: 'Hubs' },
  { section: 'keys', to: '/vault/keys', label: 'Key' },
];

/** The vault section a path shows, or null when the path is not the vault's. */
export function vaultSection(path: string): VaultSection | null {
  return SECTIONS.find((s) => s.to === path)?.section ?? null;
}

type KeysState =
  | { status: 'loading' }
  | { status: 'missing' }
  | { status: 'ready'; keys: VaultKeys }
  | { status: 'error'; error: ApiError };

/**
 * The encrypted clip vault: set up the key on first visit, unlock, then clips (play, download, delete),
 * browser upload, cameras and hubs. Decryption happens only in this tab and its service worker.
 */
export function VaultPage({ section }: { section: VaultSection }) {
  const me = useMe();
  const userId = String(me.id);
  const vault = useUnlockedVault(userId);
  const announce = useAnnounce();
  const [keys, setKeys] = useState<KeysState>({ status: 'loading' });
  const [fresh, setFresh] = useState<PreparedKey | null>(null);
  const [cameras, setCameras] = useState<Camera[] | null>(null);
  const [camerasError, setCamerasError] = useState<ApiError | null>(null);

  const refreshKeys = useCallback(() => {
    loadVaultKeys()
      .then((k) => {
        setKeys(k ? { status: 'ready', keys: k } : { status: 'missing' });
      })
      .catch((err: unknown) => {
        setKeys({ status: 'error', error: toApiError(err) });
      });
  }, []);

  useEffect(() => {
    // Start the decrypting worker early, so the first Play does not wait for it.
    void vaultWorker().catch(() => null);
    refreshKeys();
  }, [refreshKeys]);

  const loadCameras = useCallback(async () => {
    try {
      setCameras((await call(api.GET('/api/cameras'))).items);
    } catch (err) {
      setCamerasError(toApiError(err));
    }
  }, []);

  const needsCameras =
    keys.status === 'ready' && vault !== null && (section === 'clips' || section === 'upload');
  useEffect(() => {
    // Cameras may have changed on the Cameras tab since the last load.
    setCameras(null);
    if (needsCameras) void loadCameras();
  }, [needsCameras, section, loadCameras]);

  const lock = () => {
    lockVault();
    announce('Vault locked. Your key is gone from this tab.');
  };

  let body;
  if (keys.status === 'loading') body = <p aria-busy="true">Opening your vault…</p>;
  else if (keys.status === 'error') body = <ProblemAlert error={keys.error} />;
  else if (fresh) {
    body = (
      <RecoveryCodeNotice
        code={fresh.recoveryCode}
        onSaved={async () => {
          // Stored only now: a tab closed before the code was saved leaves no vault that only it could open.
          await storeVault(fresh);
          unlockVault({ userId, identity: fresh.identity, recipient: fresh.recipient, previous: [] });
          setFresh(null);
          refreshKeys();
          announce('Your vault is ready and unlocked.');
        }}
      />
    );
  } else if (keys.status === 'missing') {
    body = <VaultSetup onCreated={setFresh} />;
  } else if (section === 'cameras') body = <CamerasPanel />;
  else if (section === 'hubs') body = <HubsPanel recipient={vault?.recipient ?? null} />;
  else if (!vault) {
    body = (
      <VaultUnlock
        keys={keys.keys}
        onUnlocked={(unlocked) => {
          unlockVault({ userId, ...unlocked });
          announce('Vault unlocked.');
          // Unlocking with the recovery code re-wraps the key under a new passphrase; keep the copy current.
          refreshKeys();
        }}
      />
    );
  } else if (section === 'keys') {
    body = (
      <KeysPanel
        keys={keys.keys}
        vault={vault}
        onChanged={(rotated) => {
          if (rotated) unlockVault({ userId, ...rotated });
          refreshKeys();
        }}
      />
    );
  } else if (cameras === null) {
    body = camerasError ? <ProblemAlert error={camerasError} /> : <p aria-busy="true">Loading cameras…</p>;
  } else if (section === 'upload') {
    body = (
      <UploadPanel
        cameras={cameras}
        recipient={vault.recipient}
        identity={vault.identity}
        onUploaded={() => {
          announce('Clip uploaded.');
        }}
      />
    );
  } else body = <ClipsPanel cameras={cameras} />;

  const setUp = keys.status === 'ready';

  return (
    <div className="vault">
      <div className="page-head vault-head">
        <div>
          <h1>Clip vault</h1>
          <p className="muted">End-to-end encrypted: only you can open these clips.</p>
        </div>
        {setUp && !fresh ? (
          <p className={`vault-state vault-state--${vault ? 'open' : 'locked'}`} role="status">
            <LockIcon open={vault !== null} /> {vault ? 'Unlocked in this tab' : 'Locked'}
            {vault ? (
              <button type="button" className="button button--small" onClick={lock}>
                Lock
              </button>
            ) : null}
          </p>
        ) : null}
      </div>
      {setUp && !fresh ? (
        <nav className="vault-tabs" aria-label="Vault">
          <ul>
            {SECTIONS.map((s) => (
              <li key={s.section}>
                <Link to={s.to} aria-current={s.section === section ? 'page' : undefined}>
                  {s.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
      ) : null}
      {body}
    </div>
  );
}
