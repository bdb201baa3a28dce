import { useRef, useState, type SubmitEvent } from 'react';
import { api } from '../api/client';
import { call, toApiError, type ApiError } from '../api/problem';
import type { Post } from '../api/types';
import { useAnnounce } from '../state/announcer';
import { TextArea } from './Field';
import { ProblemAlert } from './ProblemAlert';

/** "Report" and its reason dialog. Reports go to the moderators; the author never learns who reported. */
export function ReportButton({ post }: { post: Post }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [reported, setReported] = useState(false);
  const announce = useAnnounce();

  const close = () => {
    dialog.current?.close();
    setError(null);
  };

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await call(
        api.POST('/api/posts/{id}/reports', { params: { path: { id: post.id } }, body: { reason } }),
      );
      setReported(true);
      setReason('');
      close();
      announce('Thanks. The moderators will review this post.');
    } catch (err) {
      const e = toApiError(err);
      if (e.code === 'already_reported') {
        setReported(true);
        close();
        announce('You already reported this post.');
      } else setError(e);
    } finally {
      setBusy(false);
    }
  };

  const titleId = `report-title-${post.id}`;
  return (
    <>
      <button
        type="button"
        className="button button--quiet button--small"
        disabled={reported}
        onClick={() => dialog.current?.showModal()}
      >
        {reported ? 'Reported' : 'Report'}
      </button>
      <dialog
        ref={dialog}
        className="dialog"
        aria-labelledby={titleId}
        onClose={() => {
          setError(null);
        }}
      >
        <form onSubmit={(e) => void submit(e)} noValidate>
          <h2 id={titleId}>Report “{post.title}”</h2>
          <p className="muted">
            Tell the moderators which rule this post breaks. They decide in the open, with a stated reason,
            and the author can appeal. The author is not told who reported it.
          </p>
          <ProblemAlert error={error} placed={['reason']} />
          <TextArea
            label="Reason for reporting"
            value={reason}
            onChange={(e) => {
              setReason(e.target.value);
            }}
            required
            minLength={3}
            maxLength={1000}
            rows={4}
            error={error?.fields.reason}
          />
          <div className="dialog__actions">
            <button type="button" className="button button--quiet" onClick={close}>
              Cancel
            </button>
            <button type="submit" className="button button--danger" disabled={busy}>
              {busy ? 'Sending…' : 'Send report'}
            </button>
          </div>
        </form>
      </dialog>
    </>
  );
}
