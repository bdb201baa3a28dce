import type { RedactionSummary } from '@porchlight/redact';
import { navigate } from '../router';

/** Files handed to the composer from elsewhere in the app (a vault clip to post), taken once. */
let pending: File[] = [];
/** What the redaction step did to a handed-over file; uploaded with it and shown under the posted video. */
const redactions = new WeakMap<File, RedactionSummary>();

/**
 * Opens the composer with `video` as the new post's video. The bytes are the decrypted (and perhaps redacted)
 * clip in this tab's memory; they leave it only when the composer uploads them, as public media. `redaction`
 * is the redaction step's summary (counts and kinds) when the video is its redacted copy.
 */
export function postToNeighbours(video: Blob, redaction?: RedactionSummary, name = 'clip.mp4'): void {
  const file = new File([video], name, { type: video.type.startsWith('video/') ? video.type : 'video/mp4' });
  if (redaction) redactions.set(file, redaction);
  pending = [file];
  navigate('/new');
}

/** The files waiting for the composer; empties the hand-over. */
export function takePendingMedia(): File[] {
  const files = pending;
  pending = [];
  return files;
}

/** The redaction summary a handed-over file carries, if it is a redacted copy. */
export function redactionOf(file: File): RedactionSummary | undefined {
  return redactions.get(file);
}
