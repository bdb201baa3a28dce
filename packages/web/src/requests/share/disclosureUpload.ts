import { Upload, type DetailedError } from 'tus-js-client';
import { PATCH_SIZE, type EncryptedSource } from '../../vault/encryptedSource';
import type { OwnDisclosure } from '../inbox/types';
import type { ShareReply, ShareRequest, ShareSource } from './protocol';

/** One redaction the manifest states: a privacy zone burned in at home, or what the owner's redaction did. */
export type RedactionApplied = OwnDisclosure['redactions'][number];

/** What the owner states about a shared clip; the server logs the hashes, sizes and times. */
export interface DisclosureManifest {
  requestId: string;
  plaintextSha256: string;
  ciphertextSha256: string;
  captureStart: string;
  captureEnd: string;
  /** The camera's coarse H3 cell, only when the owner ticks it. */
  coarseCell?: string;
  /** The camera's privacy zones (burned in before the clip was stored), and the owner's redaction if any. */
  redactions: RedactionApplied[];
}

/** The header the server names the new disclosure in (see the server's disclosure uploads). */
export const DISCLOSURE_ID_HEADER = 'Porchlight-Disclosure-Id';

/** What a share's upload reports, so a reload can pick it up where the server stopped. */
export interface SendHooks {
  csrfToken: string;
  onProgress: (sent: number, total: number) => void;
  /** The tus upload's URL, once the server created it. */
  onUploadUrl?: (url: string) => void;
  /** The server's offset after each PATCH it accepted. */
  onAccepted?: (offset: number) => void;
}

/**
 * A clip re-encrypted and hashed, not sent yet: `manifest` is exactly what the agency and the log will get
 * about it. `send` uploads it (resuming by itself after network drops); `discard` forgets it.
 */
export interface PreparedShare {
  manifest: DisclosureManifest;
  ciphertextBytes: number;
  plaintextBytes: number;
  /** The age head (public) and the file key sealed to the owner's own recipient: what a reload needs. */
  head: Uint8Array;
  keptKey: Uint8Array;
  /** Uploads (continuing the tus upload at `uploadUrl` if given); resolves with the new disclosure's id. */
  send(input: SendHooks & { uploadUrl?: string | null }): Promise<string>;
  /** Stops the worker and terminates the upload (tus DELETE), forgetting the owner's key and the file key. */
  discard(): Promise<void>;
  /**
   * Stops the worker but leaves the upload on the server, to be continued from the stored record (a vault
   * clip is read and re-encrypted again by `resumeShare`).
   */
  release(): void;
}

type Pending = { resolve: (b: ArrayBuffer) => void; reject: (e: Error) => void };

/** One share worker and promise-shaped calls to it. */
class ShareWorker {
  private readonly worker = new Worker(new URL('./shareWorker.ts', import.meta.url), {
    type: 'module',
    name: 'disclosure',
  });
  private next = 1;
  private readonly slices = new Map<number, Pending>();

  constructor(
    private readonly onReply: (m: Exclude<ShareReply, { op: 'slice' | 'error' }>) => void,
    private readonly onFailure: (err: Error) => void,
  ) {
    this.worker.onmessage = (event: MessageEvent<ShareReply>) => {
      const m = event.data;
      if (m.op === 'slice')
        this.settle(m.id, (p) => {
          p.resolve(m.bytes);
        });
      else if (m.op !== 'error') this.onReply(m);
      else if (m.id !== undefined)
        this.settle(m.id, (p) => {
          p.reject(new Error(m.error));
        });
      else this.onFailure(new Error(m.error));
    };
    this.worker.onerror = (event) => {
      this.onFailure(new Error(event.message || 'the share worker failed'));
    };
  }

  private settle(id: number, run: (p: Pending) => void) {
    const pending = this.slices.get(id);
    this.slices.delete(id);
    if (pending) run(pending);
  }

  send(request: ShareRequest): void {
    this.worker.postMessage(request);
  }

  slice(start: number, end: number): Promise<ArrayBuffer> {
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.slices.set(id, { resolve, reject });
      this.send({ op: 'slice', id, start, end });
    });
  }

  terminate(): void {
    this.worker.terminate();
    for (const p of this.slices.values()) p.reject(new Error('cancelled'));
    this.slices.clear();
  }
}

/**
 * Prepares one clip for an agency — the vault's, or the owner's redacted copy of it — a worker (re-)encrypts it
 * to `recipients` (already verified against the transparency log) and hashes plaintext and ciphertext; the
 * bytes are not kept. Sending produces the
 * same bytes again on demand for tus, with the manifest as upload metadata. Nothing of the plaintext or the
 * owner's key reaches the network. The file key is also sealed to `keeper`, the owner's own vault recipient,
 * so the upload can resume after a reload (`resumeShare`).
 */
export async function prepareShare(input: {
  source: ShareSource;
  recipients: string[];
  keeper: string;
  manifest: Omit<DisclosureManifest, 'plaintextSha256' | 'ciphertextSha256'>;
  onProgress: (done: number, total: number) => void;
}): Promise<PreparedShare> {
  let fail!: (err: Error) => void;
  let ready!: (m: Extract<ShareReply, { op: 'prepared' }>) => void;
  const prepared = new Promise<Extract<ShareReply, { op: 'prepared' }>>((resolve, reject) => {
    ready = resolve;
    fail = reject;
  });
  const failures = { upload: null as ((err: Error) => void) | null };
  const worker = new ShareWorker(
    (m) => {
      if (m.op === 'progress') input.onProgress(m.done, m.total);
      else if (m.op === 'prepared') ready(m);
    },
    (err) => {
      fail(err);
      failures.upload?.(err);
    },
  );
  worker.send({ op: 'prepare', source: input.source, recipients: input.recipients, keeper: input.keeper });
  let done: Extract<ShareReply, { op: 'prepared' }>;
  try {
    done = await prepared;
  } catch (err) {
    worker.terminate();
    throw err;
  }
  const manifest: DisclosureManifest = {
    ...input.manifest,
    plaintextSha256: done.digest.plaintextSha256,
    ciphertextSha256: done.digest.ciphertextSha256,
  };
  return uploader(worker, failures, {
    manifest,
    ciphertextBytes: done.digest.ciphertextBytes,
    plaintextBytes: done.digest.plaintextBytes,
    head: done.head,
    keptKey: done.keptKey,
  });
}

/**
 * A share started before a reload, rebuilt in a worker: the kept file key opens with the owner's vault
 * `identity` (every key generation, one per line), the clip is read from the vault again, and `send` continues
 * the stored tus upload from the offset the server reports (HEAD) with byte-identical chunks.
 */
export async function resumeShare(input: {
  clipId: string;
  identity: string;
  head: Uint8Array;
  keptKey: Uint8Array;
  manifest: DisclosureManifest;
  ciphertextBytes: number;
  plaintextBytes: number;
}): Promise<PreparedShare> {
  let fail!: (err: Error) => void;
  let ready!: () => void;
  const resumed = new Promise<void>((resolve, reject) => {
    ready = resolve;
    fail = reject;
  });
  const failures = { upload: null as ((err: Error) => void) | null };
  const worker = new ShareWorker(
    (m) => {
      if (m.op === 'resumed') ready();
    },
    (err) => {
      fail(err);
      failures.upload?.(err);
    },
  );
  worker.send({
    op: 'resume',
    source: { kind: 'vault', clipId: input.clipId, identity: input.identity },
    head: input.head,
    keptKey: input.keptKey,
    ciphertextBytes: input.ciphertextBytes,
  });
  try {
    await resumed;
  } catch (err) {
    worker.terminate();
    throw err;
  }
  return uploader(worker, failures, input);
}

function uploader(
  worker: ShareWorker,
  failures: { upload: ((err: Error) => void) | null },
  share: Omit<PreparedShare, 'send' | 'discard' | 'release'>,
): PreparedShare {
  const { manifest, ciphertextBytes } = share;
  let upload: Upload | null = null;
  return {
    ...share,
    send: ({ csrfToken, onProgress, onUploadUrl, onAccepted, uploadUrl }) =>
      new Promise<string>((resolve, reject) => {
        failures.upload = reject;
        const source: EncryptedSource = {
          size: ciphertextBytes,
          slice: async (start, end) => ({
            value: new Blob([await worker.slice(start, end)]),
            done: end >= ciphertextBytes,
          }),
          close: () => undefined,
        };
        const current = new Upload(new Blob([]), {
          endpoint: '/api/uploads',
          // A stored upload is continued where the server stopped: tus asks its offset (HEAD) first.
          ...(uploadUrl && { uploadUrl }),
          chunkSize: PATCH_SIZE,
          uploadSize: ciphertextBytes,
          retryDelays: [0, 1000, 3000, 5000, 10_000],
          storeFingerprintForResuming: false,
          metadata: { kind: 'disclosure', requestId: manifest.requestId, manifest: JSON.stringify(manifest) },
          headers: { 'X-CSRF-Token': csrfToken },
          fileReader: { openFile: () => Promise.resolve(source) },
          onProgress,
          onUploadUrlAvailable: () => {
            if (current.url) onUploadUrl?.(current.url);
          },
          onChunkComplete: (_size, accepted) => {
            onAccepted?.(accepted);
          },
          onShouldRetry: (err) => retryable(err),
          onSuccess: ({ lastResponse }) => {
            worker.terminate();
            const id = lastResponse.getHeader(DISCLOSURE_ID_HEADER);
            if (id) resolve(id);
            else reject(new Error('the server did not name the new disclosure'));
          },
          onError: (err) => {
            reject(describe(err));
          },
        });
        upload = current;
        current.start();
      }),
    discard: async () => {
      worker.terminate();
      await upload?.abort(true);
    },
    release: () => {
      worker.terminate();
    },
  };
}

/** Terminates a tus upload this page no longer drives (a share stored before a reload): tus DELETE. */
export async function terminateUpload(uploadUrl: string, csrfToken: string): Promise<void> {
  const res = await fetch(uploadUrl, {
    method: 'DELETE',
    headers: { 'Tus-Resumable': '1.0.0', 'X-CSRF-Token': csrfToken },
  });
  // Gone already (finished, expired or cleaned up) is what discarding wants too.
  if (!res.ok && res.status !== 404 && res.status !== 410)
    throw describeResponse(res.status, await res.text());
}

/** Whether an upload failure is final (the server refused it), so a stored share cannot be finished. */
export function isRefusal(err: unknown): boolean {
  return err instanceof RefusedUpload;
}

class RefusedUpload extends Error {}

function retryable(err: DetailedError): boolean {
  const status = err.originalResponse?.getStatus() ?? 0;
  return status === 0 || status >= 500 || status === 409 || status === 423 || status === 429;
}

/** The server's problem `detail` when there is one, so the page can say why the agency did not get it. */
function describe(err: Error | DetailedError): Error {
  const response = 'originalResponse' in err ? err.originalResponse : null;
  if (!response) return new Error('The connection dropped and the upload could not resume yet.');
  return describeResponse(response.getStatus(), response.getBody());
}

function describeResponse(status: number, body: string): Error {
  const Kind =
    status >= 400 && status < 500 && status !== 409 && status !== 423 && status !== 429
      ? RefusedUpload
      : Error;
  try {
    const problem = JSON.parse(body) as { detail?: string; title?: string };
    return new Kind(problem.detail ?? problem.title ?? `The server answered ${status}.`);
  } catch {
    return new Kind(`The server answered ${status}.`);
  }
}
