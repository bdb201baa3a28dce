import { useCallback, useEffect, useState } from 'react';
import { api } from '../api/client';
import { call, localError, toApiError, type ApiError } from '../api/problem';
import { ConfirmPrompt } from '../components/ConfirmPrompt';
import { SelectField, TextField } from '../components/Field';
import { ProblemAlert } from '../components/ProblemAlert';
import { absoluteTime } from '../format';
import { useAnnounce } from '../state/announcer';
import { RedactStep } from '../redact/RedactStep';
import { PostClipPublicly } from '../components/PostClipPublicly';
import { postToNeighbours } from '../media/pendingMedia';
import { ClipPlayer } from './ClipPlayer';
import { streamUrl } from './protocol';
import { formatBytes, formatDuration, fromLocalInput } from './time';
import { send } from './send';
import type { Camera, Clip } from './types';
import { readyToStream } from './vaultStore';

interface Filter {
  cameraId: string;
  from: string;
  to: string;
}

/** Clips by camera and time, newest first, a page at a time; play, download and delete each. */
export function ClipsPanel({ cameras }: { cameras: Camera[] }) {
  const announce = useAnnounce();
  const [filter, setFilter] = useState<Filter>({ cameraId: '', from: '', to: '' });
  const [clips, setClips] = useState<Clip[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [playing, setPlaying] = useState<Clip['id'] | null>(null);
  const [confirming, setConfirming] = useState<Clip['id'] | null>(null);
  const [redacting, setRedacting] = useState<{ id: Clip['id']; clip: Blob } | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  const load = useCallback(async (f: Filter, after: string | null) => {
    setError(null);
    try {
      const query = {
        ...(f.cameraId ? { cameraId: f.cameraId } : {}),
        ...(fromLocalInput(f.from) ? { from: fromLocalInput(f.from)! } : {}),
        ...(fromLocalInput(f.to) ? { to: fromLocalInput(f.to)! } : {}),
        ...(after ? { cursor: after } : {}),
      };
      const page = await call(api.GET('/api/clips', { params: { query } }));
      setClips((list) => (after && list ? [...list, ...page.items] : page.items));
      setCursor(page.nextCursor ?? null);
    } catch (err) {
      setError(toApiError(err));
    }
  }, []);

  useEffect(() => {
    void load(filter, null);
  }, [load, filter]);

  const cameraName = (id: Clip['cameraId']) => cameras.find((c) => c.id === id)?.name ?? 'Removed camera';

  const download = async (clip: Clip) => {
    if (!(await readyToStream())) {
      setError(localError('Cannot download', 'This browser cannot decrypt vault clips (no service worker).'));
      return;
    }
    // A navigation the worker answers with `Content-Disposition: attachment`: saved, never held in memory.
    const a = document.createElement('a');
    a.href = streamUrl(clip.id, { download: true });
    a.click();
  };

  // The redaction step works on the decrypted clip in memory: the vault worker decrypts, nothing is uploaded.
  const redact = async (clip: Clip) => {
    if (redacting?.id === clip.id) {
      setRedacting(null);
      return;
    }
    if (!(await readyToStream())) {
      setError(localError('Cannot redact', 'This browser cannot decrypt vault clips (no service worker).'));
      return;
    }
    const res = await fetch(streamUrl(clip.id));
    if (!res.ok) {
      setError(localError('Cannot redact', await res.text()));
      return;
    }
    setRedacting({ id: clip.id, clip: await res.blob() });
  };

  const remove = async (clip: Clip) => {
    try {
      await send(api.DELETE('/api/clips/{id}', { params: { path: { id: clip.id } } }));
      setConfirming(null);
      if (playing === clip.id) setPlaying(null);
      setClips((list) => list?.filter((c) => c.id !== clip.id) ?? null);
      announce('Clip deleted.');
    } catch (err) {
      setError(toApiError(err));
    }
  };

  return (
    <section aria-labelledby="clips-title" className="stack">
      <div className="vault-section-head">
        <h2 id="clips-title">Clips</h2>
        <button
          type="button"
          className="button button--small"
          onClick={() => {
            setPlaying(null);
            void load(filter, null);
          }}
        >
          Refresh
        </button>
      </div>
      <form
        className="card clip-filter"
        aria-label="Filter clips"
        onSubmit={(e) => {
          e.preventDefault();
        }}
      >
        <SelectField
          label="Camera"
          value={filter.cameraId}
          onChange={(e) => {
            setFilter({ ...filter, cameraId: e.target.value });
          }}
        >
          <option value="">All cameras</option>
          {cameras.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </SelectField>
        <TextField
          label="From"
          type="datetime-local"
          value={filter.from}
          onChange={(e) => {
            setFilter({ ...filter, from: e.target.value });
          }}
        />
        <TextField
          label="To"
          type="datetime-local"
          value={filter.to}
          onChange={(e) => {
            setFilter({ ...filter, to: e.target.value });
          }}
        />
      </form>
      <ProblemAlert error={error} />
      {clips === null ? (
        <p aria-busy="true">Loading clips…</p>
      ) : clips.length === 0 ? (
        <div className="card empty">
          <p>No clips here yet. Upload one, or pair a hub to send clips from your cameras.</p>
        </div>
      ) : (
        <ul className="vault-list" aria-label="Your clips">
          {clips.map((clip) => {
            const name = `${cameraName(clip.cameraId)}, ${absoluteTime(clip.startedAt)}`;
            const length = Date.parse(clip.endedAt) - Date.parse(clip.startedAt);
            return (
              <li key={clip.id}>
                <article className="card vault-item" aria-label={`Clip from ${name}`}>
                  <h3>{cameraName(clip.cameraId)}</h3>
                  <p>
                    <time dateTime={clip.startedAt}>{absoluteTime(clip.startedAt)}</time> ·{' '}
                    {formatDuration(length)} · {formatBytes(clip.sizeBytes)} encrypted
                  </p>
                  <p className="muted">
                    Deleted automatically{' '}
                    <time dateTime={clip.expiresAt}>{absoluteTime(clip.expiresAt)}</time>
                  </p>
                  {playing === clip.id ? <ClipPlayer clipId={clip.id} label={`Clip from ${name}`} /> : null}
                  {redacting?.id === clip.id ? (
                    <>
                      <RedactStep
                        clip={redacting.clip}
                        label={`clip from ${name}`}
                        onDone={(video, summary) => {
                          postToNeighbours(video, summary);
                        }}
                      />
                      <PostClipPublicly clip={redacting.clip} />
                    </>
                  ) : null}
                  {confirming === clip.id ? (
                    <ConfirmPrompt
                      label="Delete this clip?"
                      confirmText="Delete clip"
                      onConfirm={() => void remove(clip)}
                      onCancel={() => {
                        setConfirming(null);
                      }}
                    >
                      Delete this clip for good? It cannot be recovered.
                    </ConfirmPrompt>
                  ) : (
                    <div className="form-actions form-actions--start">
                      <button
                        type="button"
                        className="button button--small button--primary"
                        onClick={() => {
                          setPlaying(playing === clip.id ? null : clip.id);
                        }}
                      >
                        {playing === clip.id ? 'Close player' : 'Play'}
                      </button>
                      <button
                        type="button"
                        className="button button--small"
                        onClick={() => void download(clip)}
                      >
                        Download
                      </button>
                      <button
                        type="button"
                        className="button button--small"
                        onClick={() => void redact(clip)}
                      >
                        {redacting?.id === clip.id ? 'Close redaction' : 'Redact'}
                      </button>
                      <button
                        type="button"
                        className="button button--small button--quiet"
                        onClick={() => {
                          setConfirming(clip.id);
                        }}
                      >
                        Delete
                      </button>
                    </div>
                  )}
                </article>
              </li>
            );
          })}
        </ul>
      )}
      {cursor ? (
        <button type="button" className="button" onClick={() => void load(filter, cursor)}>
          Load older clips
        </button>
      ) : null}
    </section>
  );
}
