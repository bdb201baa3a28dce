import { percentOf, type PendingUpload } from '../pendingUpload';

/** An upload a reload interrupted: ready to resume once its file is picked again, or to discard. */
export function InterruptedUpload({
  pending,
  ready,
  onDiscard,
}: {
  pending: PendingUpload;
  /** The same file is picked again, so it can continue. */
  ready: boolean;
  onDiscard: () => void;
}) {
  return (
    <div className="alert" role="status" aria-label="Interrupted upload">
      <p>
        {ready ? (
          <>
            Ready to resume <strong>{pending.file.name}</strong> ({percentOf(pending)}%): it continues where
            the server stopped.
          </>
        ) : (
          <>
            The upload of <strong>{pending.file.name}</strong> stopped at {percentOf(pending)}%. Pick the same
            file again to resume it.
          </>
        )}
      </p>
      <button type="button" className="button button--small button--ghost" onClick={onDiscard}>
        Discard it
      </button>
    </div>
  );
}
