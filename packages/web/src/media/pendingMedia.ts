import { navigate } from '../router';

/** Files handed to the composer from elsewhere in the app (a vault clip to post), taken once. */
let pending: File[] = [];

/**
 * Opens the composer with `video` as the new post's video. The bytes are the decrypted (and perhaps redacted)
 * clip in this tab's memory; they leave it only when the composer uploads them, as public media.
 */
export function postToNeighbours(video: Blob, name = 'clip.mp4'): void {
  pending = [new File([video], name, { type: video.type.startsWith('video/') ? video.type : 'video/mp4' })];
  navigate('/new');
}

/** The files waiting for the composer; empties the hand-over. */
export function takePendingMedia(): File[] {
  const files = pending;
  pending = [];
  return files;
}
