import { useCallback, useEffect, useState } from 'react';
import { api } from '../api/client';
import { call, toApiError, type ApiError } from '../api/problem';
import { ConfirmPrompt } from '../components/ConfirmPrompt';
import { ProblemAlert } from '../components/ProblemAlert';
import { RelativeTime } from '../components/RelativeTime';
import { useAnnounce } from '../state/announcer';
import { recipientFingerprint } from './fingerprint';
import { send } from './send';
import type { Device, PairingCode } from './types';

/**
 * The command a resident runs at home to pair a hub with `code`. The fingerprint is of the recipient derived
 * from the identity unlocked in this tab — not of the server's copy — so the hub pins the key the owner holds.
 */
export function pairCommand(server: string, code: string, fingerprint: string): string {
  return `npx porchlight-hub pair --server ${server} --code ${code} --fingerprint ${fingerprint}`;
}

/**
 * Home hubs: make a single-use pairing code, list paired hubs, revoke one (its token stops working). Pairing
 * needs the vault unlocked: `recipient` is derived from the unlocked identity, null while locked.
 */
export function HubsPanel({ recipient }: { recipient: string | null }) {
  const announce = useAnnounce();
  const [devices, setDevices] = useState<Device[] | null>(null);
  const [pairing, setPairing] = useState<PairingCode | null>(null);
  const [confirming, setConfirming] = useState<Device['id'] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [copied, setCopied] = useState(false);
  const [fingerprint, setFingerprint] = useState<string | null>(null);

  useEffect(() => {
    setFingerprint(null);
    if (recipient) void recipientFingerprint(recipient).then(setFingerprint);
  }, [recipient]);

  const load = useCallback(async () => {
    try {
      setDevices((await call(api.GET('/api/devices'))).items);
    } catch (err) {
      setError(toApiError(err));
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  const createCode = async () => {
    setError(null);
    setCopied(false);
    try {
      setPairing(await call(api.POST('/api/devices/pairing-codes')));
    } catch (err) {
      setError(toApiError(err));
    }
  };

  const revoke = async (device: Device) => {
    setError(null);
    try {
      await send(api.DELETE('/api/devices/{id}', { params: { path: { id: device.id } } }));
      setConfirming(null);
      announce(`${device.name} revoked. It can no longer upload.`);
      await load();
    } catch (err) {
      setError(toApiError(err));
    }
  };

  const command =
    pairing && fingerprint ? pairCommand(window.location.origin, pairing.code, fingerprint) : '';

  return (
    <section aria-labelledby="hubs-title" className="stack">
      <div className="vault-section-head">
        <h2 id="hubs-title">Home hubs</h2>
        <button
          type="button"
          className="button button--primary"
          disabled={!fingerprint}
          onClick={() => void createCode()}
        >
          Pair a hub
        </button>
      </div>
      <p className="muted">
        A hub runs at home next to Frigate, Home Assistant or your cameras. It blacks out your privacy zones,
        encrypts each clip to your vault key and uploads it. It never holds your passphrase.
      </p>
      {recipient ? (
        <p className="muted">
          Your vault key’s fingerprint is{' '}
          <code className="mono" aria-label="Key fingerprint">
            {fingerprint ?? '…'}
          </code>
          . A hub checks it when pairing and then encrypts only to that key: if the server ever asks it to use
          another key, the hub refuses until you pair it again from here.
        </p>
      ) : (
        <p role="note">
          Unlock your vault (on the Clips tab) to pair a hub: the pairing command carries your key’s
          fingerprint, which only your unlocked vault can vouch for.
        </p>
      )}
      <ProblemAlert error={error} />
      {pairing && command ? (
        <div className="card vault-card" aria-labelledby="pairing-title">
          <h3 id="pairing-title">Pairing code</h3>
          <p className="pairing-code">
            <code aria-label="Pairing code">{pairing.code}</code>
          </p>
          <p>
            On the computer that will run the hub, run this within 10 minutes (until{' '}
            {new Date(pairing.expiresAt).toLocaleTimeString()}). The code works once.
          </p>
          <pre className="command" aria-label="Pairing command">
            <code>{command}</code>
          </pre>
          <button
            type="button"
            className="button button--small"
            onClick={() =>
              void navigator.clipboard.writeText(command).then(
                () => {
                  setCopied(true);
                },
                () => undefined,
              )
            }
          >
            {copied ? 'Copied' : 'Copy command'}
          </button>
        </div>
      ) : null}
      {devices === null ? (
        <p aria-busy="true">Loading hubs…</p>
      ) : devices.length === 0 ? (
        <div className="card empty">
          <p>No hubs paired yet.</p>
        </div>
      ) : (
        <ul className="vault-list" aria-label="Paired hubs">
          {devices.map((d) => (
            <li key={d.id}>
              <article className="card vault-item" aria-label={d.name}>
                <h3>{d.name}</h3>
                <p className="muted">
                  Paired <RelativeTime iso={d.createdAt} />
                  {d.lastSeenAt ? (
                    <>
                      {' '}
                      · last seen <RelativeTime iso={d.lastSeenAt} />
                    </>
                  ) : null}
                </p>
                {!d.revokedAt && !d.keyCurrent ? (
                  <p className="alert alert--warning">
                    Paired with an older vault key: this hub refuses to upload until you pair it again.
                  </p>
                ) : null}
                {d.revokedAt ? (
                  <p>
                    <span className="badge badge--hidden">Revoked</span> <RelativeTime iso={d.revokedAt} />
                  </p>
                ) : confirming === d.id ? (
                  <ConfirmPrompt
                    label={`Revoke ${d.name}?`}
                    confirmText="Revoke hub"
                    onConfirm={() => void revoke(d)}
                    onCancel={() => {
                      setConfirming(null);
                    }}
                  >
                    Revoke {d.name}? It stops uploading at once; pair it again to undo.
                  </ConfirmPrompt>
                ) : (
                  <button
                    type="button"
                    className="button button--small button--quiet"
                    onClick={() => {
                      setConfirming(d.id);
                    }}
                  >
                    Revoke
                  </button>
                )}
              </article>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
