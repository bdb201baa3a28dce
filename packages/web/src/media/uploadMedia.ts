import type { RedactionSummary } from '@porchlight/redact';
import { Upload, type DetailedError } from 'tus-js-client';

/** What a post may carry, as the server enforces it (modules/media/media.limits.ts). */
export const MEDIA_LIMITS = {
  imageBytes: 15 * 1024 * 1024,
  videoBytes: 200 * 1024 * 1024,
  perPost: 4,
} as const;

export const MEDIA_ACCEPT =
  'image/jpeg,image/png,image/webp,image/heic,image/heif,video/mp4,video/quicktime,video/webm';

/** Why a file cannot be posted, before anything is sent; null when it may be tried. */
export function mediaProblem(file: File): string | null {
  const type = file.type.toLowerCase();
  const isImage = ['image/jpeg', 'image/png', 'image/webp', 'image/heic', 'image/heif'].includes(type);
  const isVideo = ['video/mp4', 'video/quicktime', 'video/webm'].includes(type);
  if (!isImage && !isVideo)
    return `${file.name}: only photos (JPEG, PNG, WebP, HEIC) and videos (MP4, MOV, WebM) can be posted.`;
  const max = isImage ? MEDIA_LIMITS.imageBytes : MEDIA_LIMITS.videoBytes;
  if (file.size > max)
    return `${file.name} is ${Math.ceil(file.size / 1024 / 1024)} MB; a ${isImage ? 'photo' : 'video'} may be at most ${max / 1024 / 1024} MB.`;
  return null;
}

/**
 * Uploads one photo or video for a post over tus (`/api/media/uploads`). Unlike vault clips these bytes are
 * not encrypted: post media are public to neighbours by design. Resolves with the media id once the server
 * has checked and re-encoded a photo, or accepted a video for transcoding; rejects with the server's reason.
 * A video redacted on this device carries the redaction step's `redaction` summary (counts and kinds only),
 * which the server stores and shows with it.
 */
export function uploadMedia(
  file: Blob & { name?: string; type: string },
  csrfToken: string,
  onProgress: (sent: number, total: number) => void,
  redaction?: RedactionSummary,
): { done: Promise<string>; cancel: () => void } {
  let upload: Upload | undefined;
  const done = new Promise<string>((resolve, reject) => {
    upload = new Upload(file, {
      endpoint: '/api/media/uploads',
      chunkSize: 8 * 1024 * 1024,
      retryDelays: [0, 1000, 3000, 5000],
      storeFingerprintForResuming: false,
      metadata: {
        filetype: file.type,
        ...(redaction ? { redaction: JSON.stringify(redaction) } : {}),
      },
      headers: { 'X-CSRF-Token': csrfToken },
      onProgress,
      onShouldRetry: (err) => {
        const status = err.originalResponse?.getStatus() ?? 0;
        return status === 0 || status >= 500 || status === 409 || status === 423 || status === 429;
      },
      onSuccess: ({ lastResponse }) => {
        const id = lastResponse.getHeader('Porchlight-Media-Id');
        if (id) resolve(id);
        else reject(new Error('The server did not name the uploaded file.'));
      },
      onError: (err) => {
        reject(describe(err));
      },
    });
    upload.start();
  });
  return {
    done,
    cancel: () => {
      void upload?.abort(true);
    },
  };
}

function describe(err: Error | DetailedError): Error {
  const response = 'originalResponse' in err ? err.originalResponse : null;
  if (!response) return new Error('The connection dropped and the upload could not finish.');
  try {
    const problem = JSON.parse(response.getBody()) as { detail?: string; title?: string };
    return new Error(problem.detail ?? problem.title ?? `The server answered ${response.getStatus()}.`);
  } catch {
    return new Error(`The server answered ${response.getStatus()}.`);
  }
}
