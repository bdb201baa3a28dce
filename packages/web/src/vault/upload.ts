import { Upload, type DetailedError } from 'tus-js-client';
import { encryptedSource, PATCH_SIZE, type EncryptedSource } from './encryptedSource';

export interface ClipUploadInput {
  file: File;
  /**
   * How the bytes reach the server: encrypted in the page to `recipient`, or `asIs` — an age file already
   * checked to open with the owner's key (see `ageImport.ts`), sent unchanged.
   */
  body: { encryptTo: string } | { asIs: Blob };
  cameraId: string;
  startedAt: string;
  endedAt: string;
  csrfToken: string;
  onProgress: (sent: number, total: number) => void;
}

/** A running browser upload: resumes by itself after network drops; `resume` retries after it gave up. */
export interface ClipUpload {
  /** Resolves with the new clip's id. */
  done: Promise<string>;
  resume(): void;
  cancel(): Promise<void>;
}

/**
 * Uploads a clip over tus. A video is encrypted to the owner's recipient in this page, so nothing of the
 * plaintext leaves it: tus-js-client only ever sees the encrypted source. An age file is sent byte for byte.
 */
export async function uploadClip(input: ClipUploadInput, onError: (err: Error) => void): Promise<ClipUpload> {
  const source =
    'asIs' in input.body
      ? blobSource(input.body.asIs)
      : await encryptedSource(input.file, input.body.encryptTo);
  let resolveDone!: (id: string) => void;
  let rejectDone!: (err: Error) => void;
  const done = new Promise<string>((resolve, reject) => {
    resolveDone = resolve;
    rejectDone = reject;
  });
  const upload = new Upload(input.file, {
    endpoint: '/api/uploads',
    chunkSize: PATCH_SIZE,
    retryDelays: [0, 1000, 3000, 5000, 10_000],
    storeFingerprintForResuming: false,
    metadata: {
      cameraId: input.cameraId,
      startedAt: input.startedAt,
      endedAt: input.endedAt,
      clientRef: `web-${crypto.randomUUID()}`,
    },
    headers: { 'X-CSRF-Token': input.csrfToken },
    fileReader: { openFile: () => Promise.resolve(source) },
    onProgress: input.onProgress,
    onShouldRetry: (err) => retryable(err),
    onSuccess: ({ lastResponse }) => {
      const id = lastResponse.getHeader('Porchlight-Clip-Id');
      if (id) resolveDone(id);
      else rejectDone(new Error('the server did not name the new clip'));
    },
    onError: (err) => {
      onError(describe(err));
    },
  });
  upload.start();
  return {
    done,
    resume: () => {
      upload.start();
    },
    cancel: async () => {
      await upload.abort(true);
      rejectDone(new Error('cancelled'));
    },
  };
}

/** A tus file source over bytes that are already what the server should store. */
export function blobSource(blob: Blob): EncryptedSource {
  return {
    size: blob.size,
    slice: (start, end) => Promise.resolve({ value: blob.slice(start, end), done: end >= blob.size }),
    close: () => undefined,
  };
}

/** Network failures and server hiccups are worth retrying; a refusal (4xx but 409/423/429) is not. */
function retryable(err: DetailedError): boolean {
  const status = err.originalResponse?.getStatus() ?? 0;
  return status === 0 || status >= 500 || status === 409 || status === 423 || status === 429;
}

/** The server's problem `detail` when there is one, so the page can say what went wrong. */
function describe(err: Error | DetailedError): Error {
  const response = 'originalResponse' in err ? err.originalResponse : null;
  if (!response) return new Error('The connection dropped and the upload could not resume yet.');
  try {
    const problem = JSON.parse(response.getBody()) as { detail?: string; title?: string };
    return new Error(problem.detail ?? problem.title ?? `The server answered ${response.getStatus()}.`);
  } catch {
    return new Error(`The server answered ${response.getStatus()}.`);
  }
}
