import { useEffect, useRef, useState, type SubmitEvent } from 'react';
import { api } from '../api/client';
import { call, invalidField, localError, toApiError, type ApiError } from '../api/problem';
import { SelectField, TextField } from '../components/Field';
import { ProblemAlert } from '../components/ProblemAlert';
import { Link } from '../router';
import { formatBytes, fromLocalInput, toLocalInput } from './time';
import type { Camera } from './types';
import { uploadClip, type ClipUpload } from './upload';

type Progress =
  | { state: 'idle' }
  | { state: 'encrypting'; sent: number; total: number }
  | { state: 'stalled'; sent: number; total: number; message: string }
  | { state: 'done'; clipId: string };

/** How long a local video plays, read from its metadata in the page (the file is not sent anywhere). */
function probeDuration(file: File): Promise<number | null> {
  return new Promise((resolve) => {
    const url = URL.createObjectURL(file);
    const v = document.createElement('video');
    const finish = (d: number | null) => {
      URL.revokeObjectURL(url);
      resolve(d);
    };
    v.preload = 'metadata';
    v.onloadedmetadata = () => {
      finish(Number.isFinite(v.duration) ? v.duration : null);
    };
    v.onerror = () => {
      finish(null);
    };
    v.src = url;
  });
}

/**
 * Uploads a video from this computer into the vault. It is encrypted here, chunk by chunk as tus asks for
 * bytes, so the plaintext never leaves the page; a dropped connection resumes where the server stopped.
 */
export function UploadPanel({
  cameras,
  recipient,
  onUploaded,
}: {
  cameras: Camera[];
  recipient: string;
  onUploaded: () => void;
}) {
  const [file, setFile] = useState<File | null>(null);
  const [picked, setCameraId] = useState('');
  // Until one is picked, the first camera; the list can arrive after this form first renders.
  const cameraId = picked || (cameras[0] ? String(cameras[0].id) : '');
  const [startedAt, setStartedAt] = useState('');
  const [endedAt, setEndedAt] = useState('');
  const [progress, setProgress] = useState<Progress>({ state: 'idle' });
  const [error, setError] = useState<ApiError | null>(null);
  const running = useRef<ClipUpload | null>(null);

  useEffect(
    () => () => {
      // Leaving the page stops sending; the partial upload expires on the server.
      void running.current?.cancel().catch(() => undefined);
    },
    [],
  );

  const pick = async (picked: File | null) => {
    setFile(picked);
    setProgress({ state: 'idle' });
    if (!picked) return;
    const seconds = (await probeDuration(picked)) ?? 60;
    const end = picked.lastModified || Date.now();
    setEndedAt(toLocalInput(end));
    setStartedAt(toLocalInput(end - Math.ceil(seconds) * 1000));
  };

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    const start = fromLocalInput(startedAt);
    const end = fromLocalInput(endedAt);
    const invalid = !file
      ? invalidField('file', 'Choose a video file.')
      : !cameraId
        ? invalidField('cameraId', 'Choose the camera this clip is from.')
        : !start
          ? invalidField('startedAt', 'Enter when the clip starts.')
          : !end
            ? invalidField('endedAt', 'Enter when the clip ends.')
            : Date.parse(end) < Date.parse(start)
              ? invalidField('endedAt', 'The clip cannot end before it starts.')
              : null;
    setError(invalid);
    if (invalid || !file || !start || !end) return;
    try {
      const { csrfToken } = await call(api.GET('/api/session'));
      setProgress({ state: 'encrypting', sent: 0, total: file.size });
      const upload = await uploadClip(
        {
          file,
          recipient,
          cameraId,
          startedAt: start,
          endedAt: end,
          csrfToken,
          onProgress: (sent, total) => {
            setProgress({ state: 'encrypting', sent, total });
          },
        },
        (err) => {
          setProgress((p) =>
            p.state === 'encrypting' ? { ...p, state: 'stalled', message: err.message } : p,
          );
        },
      );
      running.current = upload;
      const clipId = await upload.done;
      running.current = null;
      setProgress({ state: 'done', clipId });
      setFile(null);
      onUploaded();
    } catch (err) {
      if (err instanceof Error && err.message === 'cancelled') return;
      setProgress({ state: 'idle' });
      setError(toApiError(err));
    }
  };

  const fields = error?.fields ?? {};
  const busy = progress.state === 'encrypting' || progress.state === 'stalled';
  const percent =
    'total' in progress && progress.total > 0 ? Math.floor((progress.sent / progress.total) * 100) : 0;

  if (cameras.length === 0) {
    return (
      <div className="card empty">
        <p>Add a camera first: every clip belongs to one.</p>
      </div>
    );
  }

  return (
    <form className="card vault-card" onSubmit={(e) => void submit(e)} noValidate aria-label="Upload a clip">
      <h2>Upload a clip</h2>
      <p className="muted">The video is encrypted in this page before any of it is sent.</p>
      <ProblemAlert error={error} placed={['file', 'cameraId', 'startedAt', 'endedAt']} />
      <TextField
        label="Video file"
        type="file"
        accept="video/*"
        disabled={busy}
        onChange={(e) => void pick(e.target.files?.[0] ?? null)}
        error={fields.file}
        hint={file ? `${file.name}, ${formatBytes(file.size)}` : undefined}
      />
      <SelectField
        label="Camera"
        value={cameraId}
        disabled={busy}
        onChange={(e) => {
          setCameraId(e.target.value);
        }}
        error={fields.cameraId}
      >
        {cameras.map((c) => (
          <option key={c.id} value={String(c.id)}>
            {c.name}
          </option>
        ))}
      </SelectField>
      <div className="coordinates">
        <TextField
          label="Starts"
          type="datetime-local"
          step={1}
          value={startedAt}
          disabled={busy}
          onChange={(e) => {
            setStartedAt(e.target.value);
          }}
          error={fields.startedAt}
        />
        <TextField
          label="Ends"
          type="datetime-local"
          step={1}
          value={endedAt}
          disabled={busy}
          onChange={(e) => {
            setEndedAt(e.target.value);
          }}
          error={fields.endedAt}
        />
      </div>
      {busy ? (
        <div className="upload-progress">
          <label>
            <span>
              {progress.state === 'stalled' ? 'Upload paused' : 'Encrypting and uploading'} — {percent}%
            </span>
            <progress max={100} value={percent} aria-label="Upload progress" />
          </label>
          {progress.state === 'stalled' ? (
            <div className="alert alert--error" role="alert">
              <p>{progress.message}</p>
              <button
                type="button"
                className="button button--small"
                onClick={() => {
                  setProgress({ ...progress, state: 'encrypting' });
                  running.current?.resume();
                }}
              >
                Resume upload
              </button>
            </div>
          ) : null}
        </div>
      ) : null}
      <div aria-live="polite">
        {progress.state === 'done' ? (
          <p className="success">
            Uploaded and encrypted. <Link to="/vault">See it in your clips</Link>
          </p>
        ) : null}
      </div>
      <div className="form-actions form-actions--start">
        <button type="submit" className="button button--primary" disabled={busy}>
          Encrypt and upload
        </button>
        {busy ? (
          <button
            type="button"
            className="button button--ghost"
            onClick={() => {
              void running.current?.cancel().catch(() => undefined);
              running.current = null;
              setProgress({ state: 'idle' });
              setError(localError('Upload cancelled', 'Nothing was kept on the server.'));
            }}
          >
            Cancel
          </button>
        ) : null}
      </div>
    </form>
  );
}
