import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { DetailedError, Upload } from 'tus-js-client';
import { HubError, REVOKED_MESSAGE } from './errors.js';

/** What a finished upload tells the hub. */
export interface UploadResult {
  /** The stored clip's id (absent when resuming an upload the server had already completed). */
  clipId: string | undefined;
  /** True when the server already had a clip with this clientRef (an earlier attempt got through). */
  duplicate: boolean;
}

/** Everything one tus upload needs. */
export interface UploadRequest {
  server: string;
  token: string;
  file: string;
  metadata: { cameraId: string; startedAt: string; endedAt: string; clientRef: string };
  /** The URL of an upload started before a crash, to resume instead of starting again. */
  resumeUrl?: string;
  /** Called as soon as the server has created the upload, so the journal can remember where it is. */
  onUrl?: (url: string) => Promise<void>;
  onProgress?: (sent: number, total: number) => void;
  chunkSize?: number;
  retryDelays?: number[];
  signal?: AbortSignal;
}

/** Parses a problem+json body out of a tus error, if there is one. */
function problemOf(
  err: unknown,
): { status: number; code?: string; detail?: string; clipId?: string } | undefined {
  if (!(err instanceof DetailedError) || !err.originalResponse) return undefined;
  const status = err.originalResponse.getStatus();
  try {
    const body = JSON.parse(err.originalResponse.getBody()) as Record<string, unknown>;
    const str = (k: string) =>
      typeof body[k] === 'string' || typeof body[k] === 'number' ? String(body[k]) : undefined;
    return {
      status,
      code: str('code'),
      detail: str('detail'),
      // The server names the clip that already holds this clientRef in a header (problem bodies stay generic).
      clipId: err.originalResponse.getHeader('Porchlight-Clip-Id') ?? str('clipId'),
    };
  } catch {
    return { status };
  }
}

/**
 * Uploads an age file to `/api/uploads` over tus 1.0, resuming `resumeUrl` when given. A 409 `clip_exists`
 * (same clientRef already stored) counts as success, so a retry after a crash never stores a clip twice.
 * Network failures are retried with backoff; a revoked token and other refusals are not.
 */
export async function uploadClip(req: UploadRequest): Promise<UploadResult> {
  const { size } = await stat(req.file);
  return new Promise<UploadResult>((resolve, reject) => {
    const upload = new Upload(createReadStream(req.file), {
      endpoint: `${req.server.replace(/\/+$/, '')}/api/uploads`,
      uploadUrl: req.resumeUrl ?? null,
      uploadSize: size,
      chunkSize: req.chunkSize ?? 8 * 1024 * 1024,
      retryDelays: req.retryDelays ?? [0, 1000, 3000, 10_000, 30_000],
      headers: { authorization: `Bearer ${req.token}` },
      metadata: req.metadata,
      storeFingerprintForResuming: false,
      onShouldRetry(err) {
        const p = problemOf(err);
        if (!p) return true;
        // tus uses 409 for an offset mismatch (retry re-reads the offset); ours also means "already stored".
        if (p.status === 409) return p.code !== 'clip_exists';
        return p.status >= 500 || p.status === 423 || p.status === 429;
      },
      onUploadUrlAvailable() {
        if (upload.url && req.onUrl && upload.url !== req.resumeUrl) {
          req.onUrl(upload.url).catch((e: unknown) => {
            void upload.abort();
            reject(e instanceof Error ? e : new Error(String(e)));
          });
        }
      },
      onProgress(sent, total) {
        req.onProgress?.(sent, total);
      },
      onSuccess({ lastResponse }) {
        resolve({ clipId: lastResponse.getHeader('Porchlight-Clip-Id') ?? undefined, duplicate: false });
      },
      onError(err) {
        const p = problemOf(err);
        if (p?.code === 'clip_exists') resolve({ clipId: p.clipId, duplicate: true });
        else if (p?.code === 'device_revoked') reject(new HubError(REVOKED_MESSAGE, 'revoked'));
        else if (p?.code)
          reject(
            new HubError(
              `upload refused: ${p.status} ${p.code}${p.detail ? ` — ${p.detail}` : ''}`,
              'server',
            ),
          );
        else reject(new HubError(`upload to ${req.server} failed: ${err.message}`, 'server', { cause: err }));
      },
    });
    req.signal?.addEventListener('abort', () => {
      void upload.abort();
      reject(new HubError('upload stopped', 'server'));
    });
    upload.start();
  });
}
