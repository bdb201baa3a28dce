import { Link } from '../../router';
import type { Progress } from './useClipSender';

/** The progress bar while sending (with "Resume upload" when the connection gave up), then the outcome. */
export function UploadProgress({
  progress,
  asIs,
  onResume,
}: {
  progress: Progress;
  /** The file is age ciphertext sent unchanged, not encrypted here. */
  asIs: boolean;
  onResume: () => void;
}) {
  const percent =
    'total' in progress && progress.total > 0 ? Math.floor((progress.sent / progress.total) * 100) : 0;
  return (
    <>
      {progress.state === 'sending' || progress.state === 'stalled' ? (
        <div className="upload-progress">
          <label>
            <span>
              {progress.state === 'stalled'
                ? 'Upload paused'
                : asIs
                  ? 'Uploading as is'
                  : 'Encrypting and uploading'}{' '}
              — {percent}%
            </span>
            <progress max={100} value={percent} aria-label="Upload progress" />
          </label>
          {progress.state === 'stalled' ? (
            <div className="alert alert--error" role="alert">
              <p>{progress.message}</p>
              <button type="button" className="button button--small" onClick={onResume}>
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
    </>
  );
}
