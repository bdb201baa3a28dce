import { useCallback, useEffect, useMemo, useState } from 'react';
import { toApiError, type ApiError } from '../api/problem';
import { ProblemAlert } from '../components/ProblemAlert';
import { usePageTitle } from '../components/usePageTitle';
import { disclosures, inbox, vault as vaultApi } from '../requests/inbox/api';
import { RequestSummary } from '../requests/inbox/RequestSummary';
import type { InboxItem, OwnDisclosure } from '../requests/inbox/types';
import { MyDisclosures } from '../requests/share/MyDisclosures';
import { discardShares } from '../requests/share/pendingShares';
import { ResumeShares } from '../requests/share/ResumeShares';
import { SharePanel } from '../requests/share/SharePanel';
import { WindowClips, type RedactedCopy, type WindowClip } from '../requests/share/WindowClips';
import { Link } from '../router';
import { useMe } from '../state/session';
import { loadVaultKeys } from '../vault/keys';
import type { Camera, VaultKeys } from '../vault/types';
import { unlockVault, useUnlockedVault, vaultWorker } from '../vault/vaultStore';
import { VaultUnlock } from '../vault/VaultUnlock';
import '../requests/inbox/inbox.css';
import '../vault/vault.css';

/**
 * One request in the owner's inbox: the request with its policy check and log entry, the owner's own clips
 * from its window (decrypted and played only here, after unlocking the vault), sharing chosen clips with
 * the agency, and what was already shared, with "take back" until the agency downloads it.
 */
export function InboxRequestPage({ requestId }: { requestId: string }) {
  const me = useMe();
  const vault = useUnlockedVault(String(me.id));
  const [item, setItem] = useState<InboxItem | null>(null);
  const [keys, setKeys] = useState<VaultKeys | null | undefined>(undefined);
  const [cameras, setCameras] = useState<Camera[] | null>(null);
  const [shared, setShared] = useState<OwnDisclosure[]>([]);
  const [selected, setSelected] = useState<Map<string, WindowClip>>(new Map());
  const [redacted, setRedacted] = useState<Map<string, RedactedCopy>>(new Map());
  const [error, setError] = useState<ApiError | null>(null);
  const [discarded, setDiscarded] = useState(0);
  const userId = String(me.id);

  usePageTitle('Footage request · Inbox');

  const loadShared = useCallback(async () => {
    try {
      setShared((await disclosures.mine()).filter((d) => d.requestId === requestId));
    } catch (err) {
      setError(toApiError(err));
    }
  }, [requestId]);

  useEffect(() => {
    // Start the decrypting service worker early, so the first Play does not wait for it.
    void vaultWorker().catch(() => null);
    Promise.all([inbox.item(requestId), loadVaultKeys(), vaultApi.cameras()])
      .then(([i, k, c]) => {
        setItem(i);
        setKeys(k);
        const mine = new Set(i.myCameras.map((m) => m.id));
        setCameras(c.filter((cam) => mine.has(cam.id)));
      })
      .catch(async (err: unknown) => {
        const problem = toApiError(err);
        setError(problem);
        // No longer in the inbox: expired or withdrawn. A share of it left unfinished by a reload cannot finish.
        if (problem.problem.status === 404)
          setDiscarded(await discardShares(userId, requestId).catch(() => 0));
      });
    void loadShared();
  }, [requestId, userId, loadShared]);

  // A request is listed as soon as it is published but reaches the log within seconds; until its entry is
  // there, look again, so the page shows the entry (and checks it) without a reload.
  const awaitingRequestLog = item !== null && item.logIndex === null;
  useEffect(() => {
    if (!awaitingRequestLog) return;
    const timer = setTimeout(() => {
      inbox
        .item(requestId)
        .then(setItem)
        .catch((err: unknown) => {
          setError(toApiError(err));
        });
    }, 2000);
    return () => {
      clearTimeout(timer);
    };
  }, [awaitingRequestLog, item, requestId]);

  // A new disclosure is listed at once but reaches the log within seconds; show its entry when it does.
  const awaitingLog = shared.some((d) => d.logIndex === null);
  useEffect(() => {
    if (!awaitingLog) return;
    const timer = setTimeout(() => void loadShared(), 2000);
    return () => {
      clearTimeout(timer);
    };
  }, [awaitingLog, shared, loadShared]);

  const chosen = useMemo(
    () =>
      [...selected.values()].map((c) => {
        const copy = redacted.get(c.clip.id);
        return copy ? { ...c, redacted: copy } : { clip: c.clip, camera: c.camera };
      }),
    [selected, redacted],
  );
  const toggle = (clip: WindowClip, on: boolean) => {
    setSelected((prev) => {
      const next = new Map(prev);
      if (on) next.set(clip.clip.id, clip);
      else next.delete(clip.clip.id);
      return next;
    });
  };
  const redact = (clip: WindowClip, copy: RedactedCopy | null) => {
    setRedacted((prev) => {
      const next = new Map(prev);
      if (copy) next.set(clip.clip.id, copy);
      else next.delete(clip.clip.id);
      return next;
    });
    if (copy) toggle(clip, true);
  };

  return (
    <section className="stack inbox" aria-labelledby="request-title">
      <p>
        <Link to="/inbox">← Inbox</Link>
      </p>
      <h1 id="request-title">{item ? `${item.request.agency.name} asks for footage` : 'Footage request'}</h1>
      {error ? <ProblemAlert error={error} /> : null}
      {discarded > 0 ? (
        <p role="status" className="alert">
          Your unfinished share of {discarded} {discarded === 1 ? 'clip' : 'clips'} was discarded: this
          request is no longer open (it expired or the agency withdrew it), so the agency can no longer
          receive it. The part already uploaded was deleted from the server.
        </p>
      ) : null}
      {item === null ? (
        error ? null : (
          <p aria-busy="true">Loading the request…</p>
        )
      ) : (
        <>
          <div className="card">
            <RequestSummary item={item} verify />
          </div>
          <ResumeShares item={item} userId={userId} vault={vault} onShared={() => void loadShared()} />
          <section className="stack" aria-labelledby="clips-title">
            <h2 id="clips-title">Your clips from that time</h2>
            {keys === undefined ? null : keys === null ? (
              <p>
                You have no vault yet, so there are no clips to share.{' '}
                <Link to="/vault">Set up your vault</Link>.
              </p>
            ) : vault === null ? (
              <div className="card stack">
                <p>Unlock your vault to see and play your clips. They are decrypted only in this browser.</p>
                <VaultUnlock
                  keys={keys}
                  onUnlocked={(unlocked) => {
                    unlockVault({ userId: String(me.id), ...unlocked });
                  }}
                />
              </div>
            ) : cameras === null ? null : (
              <WindowClips
                cameras={cameras}
                windowStart={item.request.windowStart}
                windowEnd={item.request.windowEnd}
                selected={new Set(selected.keys())}
                redacted={redacted}
                onToggle={toggle}
                onRedacted={redact}
              />
            )}
          </section>
          {vault && item.request.status === 'open' ? (
            <SharePanel
              item={item}
              selected={chosen}
              vault={vault}
              onShared={() => {
                setSelected(new Map());
                setRedacted(new Map());
                void loadShared();
              }}
            />
          ) : null}
          <section className="stack" aria-labelledby="shared-title">
            <h2 id="shared-title">What you shared</h2>
            <MyDisclosures items={shared} onChange={() => void loadShared()} />
          </section>
        </>
      )}
    </section>
  );
}
