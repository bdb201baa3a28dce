import { useEffect, useRef, useState, type SubmitEvent } from 'react';
import { api } from '../api/client';
import { call, invalidField, localError, toApiError, type ApiError } from '../api/problem';
import { SelectField, TextField } from '../components/Field';
import { ProblemAlert } from '../components/ProblemAlert';
import { Link } from '../router';
import { AgeImportError, prepareAgeImport, type AgeImport } from './ageImport';
import { clearPending, loadPending, percentOf, sameFile, type PendingUpload } from './pendingUpload';
import { formatBytes, fromLocalInput, toLocalInput } from './time';
import type { Camera } from './types';
import { discardUpload, uploadClip, type ClipUpload } from './upload';

type Progress =
  | { state: 'idle' }
  | { state: 'sending'; sent: number; total: number }
  | { state: 'stalled'; sent: number; total: number; message: string }
  | { state: 'done'; clipId: string; asIs: boolean };

/** What the picked file is: a video to encrypt here, or an age file for this vault to send unchanged. */
type Picked =
  | { kind: 'none' }
  | { kind: 'checking' }
  | { kind: 'video' }
  | { kind: 'age'; age: AgeImport }
  | { kind: 'refused'; error: ApiError; age: boolean };

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
 * A file that is already age ciphertext (e.g. from `age -r <recipient>`) is checked to open with this
 * vault's key and then sent as is, so the stored clip is byte for byte that file.
 */
export function UploadPanel({
  cameras,
  recipient,
  identity,
  onUploaded,
}: {
  cameras: Camera[];
  recipient: string;
  /** The unlocked identity, to check that an age file picked for import is one this vault can play. */
  identity: string;
  onUploaded: () => void;
}) {
  const [file, setFile] = useState<File | null>(null);
  const [kind, setKind] = useState<Picked>({ kind: 'none' });
  // Only the latest pick may set the form; an earlier, slower check is dropped.
  const pickCount = useRef(0);
  const [picked, setCameraId] = useState('');
  // Until one is picked, the first camera; the list can arrive after this form first renders.
  const cameraId = picked || (cameras[0] ? cameras[0].id : '');
  const [startedAt, setStartedAt] = useState('');
  const [endedAt, setEndedAt] = useState('');
  const [progress, setProgress] = useState<Progress>({ state: 'idle' });
  const [error, setError] = useState<ApiError | null>(null);
  const running = useRef<ClipUpload | null>(null);
  // An upload a reload interrupted: it continues once the same file is picked again.
  const [pending, setPending] = useState<PendingUpload | null>(() => loadPending());
  const resumable = pending && file && kind.kind === 'video' && sameFile(pending, file) ? pending : null;

  useEffect(
    () => () => {
      // Leaving the page stops sending; the partial upload expires on the server. (A reload runs no
      // cleanup, so the pending record survives it.)
      void running.current?.cancel().catch(() => undefined);
    },
    [],
  );

  const pick = async (picked: File | null) => {
    const turn = ++pickCount.current;
    setFile(picked);
    setProgress({ state: 'idle' });
    setError(null);
    setKind({ kind: picked ? 'checking' : 'none' });
    if (!picked) return;
    let age: AgeImport | null;
    try {
      age = await prepareAgeImport(picked, identity);
    } catch (err) {
      if (turn !== pickCount.current) return;
      const refused = err instanceof AgeImportError ? localError(err.title, err.detail) : toApiError(err);
      setKind({ kind: 'refused', error: refused, age: err instanceof AgeImportError });
      setError(refused);
      return;
    }
    if (turn !== pickCount.current) return;
    setKind(age ? { kind: 'age', age } : { kind: 'video' });
    const saved = loadPending();
    if (!age && saved && sameFile(saved, picked)) {
      // The clip's details were fixed when it started; the server already has them.
      setCameraId(saved.cameraId);
      setStartedAt(toLocalInput(Date.parse(saved.startedAt)));
      setEndedAt(toLocalInput(Date.parse(saved.endedAt)));
      return;
    }
    // An encrypted file's length is unknown without decrypting it all; a minute is a guess to correct.
    const seconds = (age ? null : await probeDuration(picked)) ?? 60;
    if (turn !== pickCount.current) return;
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
    // A refused file is the problem to fix first: no date makes it uploadable.
    const refused = kind.kind === 'refused' ? kind.error : null;
    setError(refused ?? invalid);
    if (invalid || refused || kind.kind === 'checking' || !file || !start || !end) return;
    const asIs = kind.kind === 'age' ? kind.age.body : null;
    const resume = resumable;
    try {
      const { csrfToken } = await call(api.GET('/api/session'));
      setProgress({ state: 'sending', sent: 0, total: asIs?.size ?? file.size });
      const upload = await uploadClip(
        {
          file,
          body: asIs ? { asIs } : resume ? { resume, identity } : { encryptTo: recipient },
          cameraId: resume?.cameraId ?? cameraId,
          startedAt: resume?.startedAt ?? start,
          endedAt: resume?.endedAt ?? end,
          csrfToken,
          onProgress: (sent, total) => {
            setProgress({ state: 'sending', sent, total });
          },
        },
        (err) => {
          setProgress((p) => (p.state === 'sending' ? { ...p, state: 'stalled', message: err.message } : p));
        },
      );
      running.current = upload;
      const clipId = await upload.done;
      running.current = null;
      setPending(null);
      setProgress({ state: 'done', clipId, asIs: asIs !== null });
      setFile(null);
      setKind({ kind: 'none' });
      onUploaded();
    } catch (err) {
      if (err instanceof Error && err.message === 'cancelled') return;
      setProgress({ state: 'idle' });
      setError(toApiError(err));
    }
  };

  const fields = error?.fields ?? {};
  const busy = progress.state === 'sending' || progress.state === 'stalled';
  const locked = busy || resumable !== null;
  // A refused age file is still one: it would never be encrypted again, so the button does not say so.
  const sendAsIs = kind.kind === 'age' || (kind.kind === 'refused' && kind.age);
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
      <p className="muted">
        The video is encrypted in this page before any of it is sent. A file you already encrypted with age to
        your vault recipient (<code className="mono">{recipient}</code>) is checked here and sent as is.
      </p>
      <ProblemAlert error={error} placed={['file', 'cameraId', 'startedAt', 'endedAt']} />
      {pending && !busy ? (
        <div className="alert" role="status" aria-label="Interrupted upload">
          <p>
            {resumable ? (
              <>
                Ready to resume <strong>{pending.file.name}</strong> ({percentOf(pending)}%): it continues
                where the server stopped.
              </>
            ) : (
              <>
                The upload of <strong>{pending.file.name}</strong> stopped at {percentOf(pending)}%. Pick the
                same file again to resume it.
              </>
            )}
          </p>
          <button
            type="button"
            className="button button--small button--ghost"
            onClick={() => {
              discardUpload(pending.uploadUrl);
              clearPending();
              setPending(null);
            }}
          >
            Discard it
          </button>
        </div>
      ) : null}
      <TextField
        label="Video file"
        type="file"
        accept="video/*,.age"
        disabled={busy}
        onChange={(e) => void pick(e.target.files?.[0] ?? null)}
        error={fields.file}
        hint={file ? <PickedHint file={file} picked={kind} /> : undefined}
      />
      <SelectField
        label="Camera"
        value={cameraId}
        disabled={locked}
        onChange={(e) => {
          setCameraId(e.target.value);
        }}
        error={fields.cameraId}
      >
        {cameras.map((c) => (
          <option key={c.id} value={c.id}>
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
          disabled={locked}
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
          disabled={locked}
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
              {progress.state === 'stalled'
                ? 'Upload paused'
                : sendAsIs
                  ? 'Uploading as is'
                  : 'Encrypting and uploading'}{' '}
              — {percent}%
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
                  setProgress({ ...progress, state: 'sending' });
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
            {progress.asIs ? 'Uploaded as is, already encrypted with age.' : 'Uploaded and encrypted.'}{' '}
            <Link to="/vault">See it in your clips</Link>
          </p>
        ) : null}
      </div>
      <div className="form-actions form-actions--start">
        <button type="submit" className="button button--primary" disabled={busy || kind.kind === 'checking'}>
          {sendAsIs ? 'Upload as is' : resumable ? `Resume ${resumable.file.name}` : 'Encrypt and upload'}
        </button>
        {busy ? (
          <button
            type="button"
            className="button button--ghost"
            onClick={() => {
              void running.current?.cancel().catch(() => undefined);
              running.current = null;
              setPending(null);
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

/** The picked file, and which path it takes: encrypted here, or already age ciphertext sent unchanged. */
function PickedHint({ file, picked }: { file: File; picked: Picked }) {
  const what = `${file.name}, ${formatBytes(file.size)}`;
  if (picked.kind === 'checking') return <>{what} — checking…</>;
  if (picked.kind === 'age') {
    const armored = picked.age.kind === 'armored' ? ' (ASCII armor, decoded in this page)' : '';
    return (
      <>
        {what} — <strong>already encrypted with age — uploading as is</strong>
        {armored}. It opens with your vault key; {formatBytes(picked.age.plaintextSize)} of video inside.
      </>
    );
  }
  if (picked.kind === 'video') return <>{what} — will be encrypted in this page</>;
  return <>{what}</>;
}
