import { resumeEncryptor } from '@porchlight/age';
import { Upload, type DetailedError } from 'tus-js-client';
import { api } from '../api/client';
import { call } from '../api/problem';
import { encryptedSource, PATCH_SIZE, type EncryptedSource } from './encryptedSource';
import {
  clearPending,
  encodeHead,
  fingerprintOf,
  headOf,
  savePending,
  type PendingUpload,
} from './pendingUpload';

export interface ClipUploadInput {
  file: File;
  /**
   * How the bytes reach the server: encrypted in the page to `recipient`, or `asIs` — an age file already
   * checked to open with the owner's key (see `ageImport.ts`), sent unchanged — or the rest of an upload a
   * reload interrupted, its payload key recovered from the stored head with the unlocked `identity`.
   */
  body: { encryptTo: string } | { asIs: Blob } | { resume: PendingUpload; identity: string };
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
  const body = input.body;
  const resuming = 'resume' in body ? body.resume : null;
  const source =
    'asIs' in body
      ? blobSource(body.asIs)
      : await encryptedSource(
          input.file,
          'resume' in body ? await resumeEncryptor(headOf(body.resume), [body.identity]) : body.encryptTo,
        );
  const clientRef = resuming?.clientRef ?? `web-${crypto.randomUUID()}`;
  // Only an upload encrypted here can be resumed after a reload: its head is what the record needs.
  const remember = (uploadUrl: string, sent: number): void => {
    if (!source.head) return;
    savePending({
      uploadUrl,
      head: encodeHead(source.head),
      file: fingerprintOf(input.file),
      cameraId: input.cameraId,
      startedAt: input.startedAt,
      endedAt: input.endedAt,
      clientRef,
      sent,
    });
  };
  let lastSaved = -1;
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
    // Resuming: tus asks the server for its offset at this URL (a new upload if it has expired).
    uploadUrl: resuming?.uploadUrl ?? null,
    metadata: {
      cameraId: input.cameraId,
      startedAt: input.startedAt,
      endedAt: input.endedAt,
      clientRef,
    },
    headers: { 'X-CSRF-Token': input.csrfToken },
    fileReader: { openFile: () => Promise.resolve(source) },
    onUploadUrlAvailable: () => {
      if (upload.url) remember(upload.url, resuming?.sent ?? 0);
    },
    onProgress: (sent, total) => {
      // Ciphertext bytes to plaintext, roughly: enough to say "resume porch.mp4 (43%)" after a reload.
      const plain = Math.floor((sent / Math.max(1, total)) * input.file.size);
      const percent = Math.floor((plain / Math.max(1, input.file.size)) * 100);
      if (upload.url && percent !== lastSaved) {
        lastSaved = percent;
        remember(upload.url, plain);
      }
      input.onProgress(sent, total);
    },
    onShouldRetry: (err) => retryable(err),
    onSuccess: ({ lastResponse }) => {
      clearPending();
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
      clearPending();
      await upload.abort(true);
      rejectDone(new Error('cancelled'));
    },
  };
}

/** Ends an interrupted upload on the server (tus termination); a URL that already expired is fine. */
export function discardUpload(uploadUrl: string): void {
  void call(api.GET('/api/session'))
    .then(({ csrfToken }) => Upload.terminate(uploadUrl, { headers: { 'X-CSRF-Token': csrfToken } }))
    .catch(() => undefined);
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
