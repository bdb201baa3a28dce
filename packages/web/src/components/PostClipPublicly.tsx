import { postToNeighbours } from '../media/pendingMedia';

/**
 * Under a vault clip's redaction step: the owner may post the clip to the neighbourhood feed, redacted (the
 * step's “Use the redacted copy”) or as it is. Says plainly that a posted video leaves the vault's encryption.
 */
export function PostClipPublicly({ clip }: { clip: Blob }) {
  return (
    <section className="post-clip" aria-label="Post this clip to your neighbours">
      <p className="muted">
        <strong>Post to your neighbours?</strong> Render a redacted copy above and choose “Use the redacted
        copy”, or post the clip as it is. A posted video is public to your neighbours and stored unencrypted,
        outside your vault (location and other metadata are removed).
      </p>
      <button
        type="button"
        className="button button--small"
        onClick={() => {
          postToNeighbours(clip);
        }}
      >
        Post unredacted to neighbours
      </button>
    </section>
  );
}
