import type { SubmitEvent } from 'react';
import { invalidField, localError, toApiError, type ApiError } from '../api/problem';
import { SelectField, TextField } from '../components/Field';
import { ProblemAlert } from '../components/ProblemAlert';
import { clearPending } from './pendingUpload';
import { fromLocalInput } from './time';
import type { Camera } from './types';
import { discardUpload } from './upload';
import { FilePicker } from './upload/FilePicker';
import { InterruptedUpload } from './upload/InterruptedUpload';
import { UploadProgress } from './upload/UploadProgress';
import { useClipSender } from './upload/useClipSender';
import { useUploadForm } from './upload/useUploadForm';

/** What is wrong with the form, first problem first, or null. */
function invalidUpload(f: { file: File | null; cameraId: string; start: string | null; end: string | null }) {
  if (!f.file) return invalidField('file', 'Choose a video file.');
  if (!f.cameraId) return invalidField('cameraId', 'Choose the camera this clip is from.');
  if (!f.start) return invalidField('startedAt', 'Enter when the clip starts.');
  if (!f.end) return invalidField('endedAt', 'Enter when the clip ends.');
  if (Date.parse(f.end) < Date.parse(f.start))
    return invalidField('endedAt', 'The clip cannot end before it starts.');
  return null;
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
  const form = useUploadForm(cameras, identity);
  const sender = useClipSender();
  const { file, kind, times, error, pending, resumable } = form;

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    const start = fromLocalInput(times.startedAt);
    const end = fromLocalInput(times.endedAt);
    const invalid = invalidUpload({ file, cameraId: form.cameraId, start, end });
    // A refused file is the problem to fix first: no date makes it uploadable.
    const refused: ApiError | null = kind.kind === 'refused' ? kind.error : null;
    form.setError(refused ?? invalid);
    if (invalid || refused || kind.kind === 'checking' || !file || !start || !end) return;
    try {
      await sender.send({
        file,
        asIs: kind.kind === 'age' ? kind.age.body : null,
        resume: resumable,
        recipient,
        identity,
        cameraId: form.cameraId,
        startedAt: start,
        endedAt: end,
      });
      form.uploaded();
      onUploaded();
    } catch (err) {
      if (err instanceof Error && err.message === 'cancelled') return;
      form.setError(toApiError(err));
    }
  };

  const fields = error?.fields ?? {};
  const busy = sender.busy;
  const locked = busy || resumable !== null;
  // A refused age file is still one: it would never be encrypted again, so the button does not say so.
  const sendAsIs = kind.kind === 'age' || (kind.kind === 'refused' && kind.age);

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
        <InterruptedUpload
          pending={pending}
          ready={resumable !== null}
          onDiscard={() => {
            discardUpload(pending.uploadUrl);
            clearPending();
            form.setPending(null);
          }}
        />
      ) : null}
      <FilePicker
        file={file}
        picked={kind}
        disabled={busy}
        error={fields.file}
        onPick={(picked) => {
          sender.reset();
          void form.pick(picked);
        }}
      />
      <SelectField
        label="Camera"
        value={form.cameraId}
        disabled={locked}
        onChange={(e) => {
          form.setCameraId(e.target.value);
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
          value={times.startedAt}
          disabled={locked}
          onChange={(e) => {
            form.typeIn('startedAt', e.target.value);
          }}
          error={fields.startedAt}
        />
        <TextField
          label="Ends"
          type="datetime-local"
          step={1}
          value={times.endedAt}
          disabled={locked}
          onChange={(e) => {
            form.typeIn('endedAt', e.target.value);
          }}
          error={fields.endedAt}
        />
      </div>
      <UploadProgress progress={sender.progress} asIs={sendAsIs} onResume={sender.resume} />
      <div className="form-actions form-actions--start">
        <button type="submit" className="button button--primary" disabled={busy || kind.kind === 'checking'}>
          {sendAsIs ? 'Upload as is' : resumable ? `Resume ${resumable.file.name}` : 'Encrypt and upload'}
        </button>
        {busy ? (
          <button
            type="button"
            className="button button--ghost"
            onClick={() => {
              sender.cancel();
              form.setPending(null);
              form.setError(localError('Upload cancelled', 'Nothing was kept on the server.'));
            }}
          >
            Cancel
          </button>
        ) : null}
      </div>
    </form>
  );
}
