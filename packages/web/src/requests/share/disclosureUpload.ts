import { Upload, type DetailedError } from 'tus-js-client';
import { PATCH_SIZE, type EncryptedSource } from '../../vault/encryptedSource';
import type { OwnDisclosure } from '../inbox/types';
import type { ShareReply, ShareRequest, ShareSource } from './protocol';
import type { DisclosureDigest } from './reencrypt';

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

/**
 * A clip re-encrypted and hashed, not sent yet: `manifest` is exactly what the agency and the log will get
 * about it. `send` uploads it (resuming by itself after network drops); `discard` forgets it.
 */
export interface PreparedShare {
  manifest: DisclosureManifest;
  ciphertextBytes: number;
  plaintextBytes: number;
  /** Uploads; resolves with the new disclosure's id. */
  send(input: { csrfToken: string; onProgress: (sent: number, total: number) => void }): Promise<string>;
  /** Stops the worker (and any upload), forgetting the owner's key and the disclosure's file key. */
  discard(): Promise<void>;
}

/** One share worker and promise-shaped calls to it. */
class ShareWorker {
  private readonly worker = new Worker(new URL('./shareWorker.ts', import.meta.url), {
    type: 'module',
    name: 'disclosure',
  });
  private next = 1;
  private readonly slices = new Map<
    number,
    { resolve: (b: ArrayBuffer) => void; reject: (e: Error) => void }
  >();

  constructor(
    private readonly onProgress: (done: number, total: number) => void,
    private readonly onPrepared: (digest: DisclosureDigest) => void,
    private readonly onFailure: (err: Error) => void,
  ) {
    this.worker.onmessage = (event: MessageEvent<ShareReply>) => {
      const m = event.data;
      if (m.op === 'progress') this.onProgress(m.done, m.total);
      else if (m.op === 'prepared') this.onPrepared(m.digest);
      else if (m.op === 'slice')
        this.settle(m.id, (p) => {
          p.resolve(m.bytes);
        });
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

  private settle(
    id: number,
    run: (p: { resolve: (b: ArrayBuffer) => void; reject: (e: Error) => void }) => void,
  ) {
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
 * owner's key reaches the network.
 */
export async function prepareShare(input: {
  source: ShareSource;
  recipients: string[];
  manifest: Omit<DisclosureManifest, 'plaintextSha256' | 'ciphertextSha256'>;
  onProgress: (done: number, total: number) => void;
}): Promise<PreparedShare> {
  let fail!: (err: Error) => void;
  let ready!: (digest: DisclosureDigest) => void;
  const prepared = new Promise<DisclosureDigest>((resolve, reject) => {
    ready = resolve;
    fail = reject;
  });
  let uploadFailed: ((err: Error) => void) | null = null;
  const worker = new ShareWorker(input.onProgress, ready, (err) => {
    fail(err);
    uploadFailed?.(err);
  });
  worker.send({
    op: 'prepare',
    source: input.source,
    recipients: input.recipients,
  });
  let digest: DisclosureDigest;
  try {
    digest = await prepared;
  } catch (err) {
    worker.terminate();
    throw err;
  }
  const manifest: DisclosureManifest = {
    ...input.manifest,
    plaintextSha256: digest.plaintextSha256,
    ciphertextSha256: digest.ciphertextSha256,
  };
  let upload: Upload | null = null;
  return {
    manifest,
    ciphertextBytes: digest.ciphertextBytes,
    plaintextBytes: digest.plaintextBytes,
    send: ({ csrfToken, onProgress }) =>
      new Promise<string>((resolve, reject) => {
        uploadFailed = reject;
        const source: EncryptedSource = {
          size: digest.ciphertextBytes,
          slice: async (start, end) => ({
            value: new Blob([await worker.slice(start, end)]),
            done: end >= digest.ciphertextBytes,
          }),
          close: () => undefined,
        };
        upload = new Upload(new Blob([]), {
          endpoint: '/api/uploads',
          chunkSize: PATCH_SIZE,
          uploadSize: digest.ciphertextBytes,
          retryDelays: [0, 1000, 3000, 5000, 10_000],
          storeFingerprintForResuming: false,
          metadata: { kind: 'disclosure', requestId: manifest.requestId, manifest: JSON.stringify(manifest) },
          headers: { 'X-CSRF-Token': csrfToken },
          fileReader: { openFile: () => Promise.resolve(source) },
          onProgress,
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
        upload.start();
      }),
    discard: async () => {
      worker.terminate();
      await upload?.abort(true);
    },
  };
}

function retryable(err: DetailedError): boolean {
  const status = err.originalResponse?.getStatus() ?? 0;
  return status === 0 || status >= 500 || status === 409 || status === 423 || status === 429;
}

/** The server's problem `detail` when there is one, so the page can say why the agency did not get it. */
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
