import { useCallback, useEffect, useState } from 'react';
import { api } from '../api/client';
import { call, toApiError, type ApiError } from '../api/problem';
import { ConfirmPrompt } from '../components/ConfirmPrompt';
import { ProblemAlert } from '../components/ProblemAlert';
import { useAnnounce } from '../state/announcer';
import { CameraForm } from './CameraForm';
import { send } from './send';
import type { Camera } from './types';

/** The owner's cameras: add, edit, delete. */
export function CamerasPanel() {
  const announce = useAnnounce();
  const [cameras, setCameras] = useState<Camera[] | null>(null);
  const [editing, setEditing] = useState<Camera | 'new' | null>(null);
  const [confirming, setConfirming] = useState<Camera['id'] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  const load = useCallback(async () => {
    try {
      setCameras((await call(api.GET('/api/cameras'))).items);
    } catch (err) {
      setError(toApiError(err));
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  const remove = async (camera: Camera) => {
    setError(null);
    try {
      await send(api.DELETE('/api/cameras/{id}', { params: { path: { id: camera.id } } }));
      setConfirming(null);
      announce(`${camera.name} deleted.`);
      await load();
    } catch (err) {
      setError(toApiError(err));
    }
  };

  if (editing) {
    return (
      <CameraForm
        camera={editing === 'new' ? null : editing}
        onCancel={() => {
          setEditing(null);
        }}
        onSaved={(camera) => {
          setEditing(null);
          announce(`${camera.name} saved.`);
          void load();
        }}
      />
    );
  }

  return (
    <section aria-labelledby="cameras-title" className="stack">
      <div className="vault-section-head">
        <h2 id="cameras-title">Cameras</h2>
        <button
          type="button"
          className="button button--primary"
          onClick={() => {
            setEditing('new');
          }}
        >
          Add a camera
        </button>
      </div>
      <ProblemAlert error={error} />
      {cameras === null ? (
        <p aria-busy="true">Loading cameras…</p>
      ) : cameras.length === 0 ? (
        <div className="card empty">
          <p>No cameras yet. Add one to upload clips or pair a home hub.</p>
        </div>
      ) : (
        <ul className="vault-list" aria-label="Your cameras">
          {cameras.map((c) => (
            <li key={c.id}>
              <article className="card vault-item" aria-label={c.name}>
                <h3>{c.name}</h3>
                <dl className="vault-facts">
                  <dt>Shown as</dt>
                  <dd>
                    the cell around {c.location.lat.toFixed(4)}, {c.location.lng.toFixed(4)} (
                    <code className="cell-id">{c.location.cell}</code>)
                  </dd>
                  <dt>Camera id</dt>
                  <dd>
                    <code>{c.id}</code> <span className="muted">(for a hub’s config)</span>
                  </dd>
                  <dt>Keeps clips</dt>
                  <dd>{c.retentionDays} days</dd>
                  <dt>Agency requests</dt>
                  <dd>{c.acceptAgencyRequests ? 'Tell me about them' : 'Off'}</dd>
                  <dt>Privacy zones</dt>
                  <dd>{c.privacyZones.length === 0 ? 'None' : c.privacyZones.length}</dd>
                </dl>
                {confirming === c.id ? (
                  <ConfirmPrompt
                    label={`Delete ${c.name}?`}
                    confirmText="Delete camera"
                    onConfirm={() => void remove(c)}
                    onCancel={() => {
                      setConfirming(null);
                    }}
                  >
                    Delete {c.name}? Its clips are deleted too, and this cannot be undone.
                  </ConfirmPrompt>
                ) : (
                  <div className="form-actions form-actions--start">
                    <button
                      type="button"
                      className="button button--small"
                      onClick={() => {
                        setEditing(c);
                      }}
                    >
                      Edit
                    </button>
                    <button
                      type="button"
                      className="button button--small button--quiet"
                      onClick={() => {
                        setConfirming(c.id);
                      }}
                    >
                      Delete
                    </button>
                  </div>
                )}
              </article>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
