import { createWriteStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { HubError } from '../errors.js';
import { probeVideo } from '../ffmpeg.js';

/** Frigate's version as `[major, minor]`. */
export type FrigateVersion = [number, number];

/** Which Frigate behaviour family a version belongs to (see the fake Frigate in the tests for each). */
export function frigateFamily([major, minor]: FrigateVersion): '0.14' | '0.15' | '0.17' {
  if (major > 0 || minor >= 17) return '0.17';
  return minor >= 15 ? '0.15' : '0.14';
}

/**
 * A clip that is not ready yet (recording not written up to the review's end, or no recording yet). The hub
 * puts the clip back in its queue and tries again after `retryAfterMs` — the worker does not wait for it.
 */
export class ClipNotReady extends HubError {
  constructor(
    message: string,
    readonly retryAfterMs: number,
    /** What the journal keeps about the wait (its count and how far the recording reached). */
    readonly wait: { waits: number; reach?: number } = { waits: 1 },
  ) {
    super(message, 'not_ready');
  }
}

/** One review's clip request. */
export interface ClipRequest {
  id: string;
  camera: string;
  start: number;
  end: number;
}

/**
 * The clip URL path for a version: per review from 0.18, by camera and time range before. The range asks
 * for one second past the review's end (Frigate cuts at whole seconds from a segment's start) plus
 * `attempt` hundredths: 0.14 caches each start/end clip for an hour, so a retry with the same range would
 * get the same short file again.
 */
export function clipPath(version: FrigateVersion, review: ClipRequest, attempt = 0): string {
  const [major, minor] = version;
  if (major > 0 || minor >= 18) return `/api/review/${encodeURIComponent(review.id)}/clip.mp4`;
  const end = Math.round((review.end + 1 + attempt / 100) * 100) / 100;
  return `/api/${encodeURIComponent(review.camera)}/start/${review.start}/end/${end}/clip.mp4`;
}

/** How far Frigate's written recording reaches for a review. */
export interface Coverage {
  /** Seconds short of the review's end (0 = covered; Infinity = no segment at all). */
  shortfall: number;
  /** The end (Unix seconds) of the last written segment, 0 when there is none. */
  reach: number;
}

/**
 * How far Frigate's written recording segments reach towards the review's end, from
 * `GET /api/<camera>/recordings`; `undefined` when this Frigate has no such endpoint (404). A network error
 * or a 5xx answer is thrown (naming Frigate and the URL) for the hub to retry: taking the clip without
 * knowing whether it is whole could upload a short one, which 0.14 would then also cache.
 */
export async function recordingCoverage(base: string, review: ClipRequest): Promise<Coverage | undefined> {
  const params = new URLSearchParams({ after: String(review.start - 10), before: String(review.end + 10) });
  const url = `${base}/api/${encodeURIComponent(review.camera)}/recordings?${params.toString()}`;
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(15_000) });
  } catch (err) {
    const c = (err as { cause?: { code?: string } }).cause;
    throw new Error(`Frigate at ${base}: GET ${url} failed (${c?.code ?? (err as Error).message})`, {
      cause: err,
    });
  }
  if (!res.ok) {
    await res.body?.cancel();
    if (res.status === 404) return undefined;
    throw new Error(`Frigate at ${base}: GET ${url} answered ${res.status}`);
  }
  const segments = (await res.json().catch(() => [])) as { end_time?: number }[];
  if (!Array.isArray(segments) || segments.length === 0) return { shortfall: Infinity, reach: 0 };
  const reach = Math.max(...segments.map((s) => s.end_time ?? 0));
  return { shortfall: Math.max(0, review.end - reach), reach };
}

/** How Frigate said it has no recording, per version: 500 (0.14), empty 200 (0.15–0.16), 400 (0.17+). */
export function isNoRecordingsAnswer(status: number, contentLength: string | null): boolean {
  return status === 404 || status === 400 || status === 500 || (status === 200 && contentLength === '0');
}

/** Without a byte for this long, a download is stalled (a slow link that still moves is never cut). */
const IDLE_MS = 30_000;

/**
 * Downloads `url` to `file`, bounded by progress rather than total time: it gives up only when no byte has
 * arrived for {@link IDLE_MS}. A connection that breaks mid-body is resumed with a `Range` request from the
 * bytes already on disk, up to `resumes` times. Errors name Frigate and the URL.
 */
export async function download(
  url: string,
  file: string,
  options: { signal?: AbortSignal; resumes?: number; idleMs?: number } = {},
): Promise<{ status: number; contentLength: string | null; bytes: number }> {
  const idleMs = options.idleMs ?? IDLE_MS;
  let offset = 0;
  for (let resume = 0; ; resume++) {
    const idle = new AbortController();
    const stall = () => {
      idle.abort();
    };
    let timer = setTimeout(stall, idleMs);
    const kick = () => {
      clearTimeout(timer);
      timer = setTimeout(stall, idleMs);
    };
    const signal = options.signal ? AbortSignal.any([idle.signal, options.signal]) : idle.signal;
    try {
      const res = await fetch(url, {
        signal,
        ...(offset > 0 ? { headers: { range: `bytes=${offset}-` } } : {}),
      });
      const contentLength = res.headers.get('content-length');
      if (!res.ok || !res.body) {
        await res.body?.cancel();
        return { status: res.status, contentLength, bytes: 0 };
      }
      // A server that ignores the range sends the whole file again: start over.
      if (res.status !== 206) offset = 0;
      const out = createWriteStream(file, { flags: offset > 0 ? 'a' : 'w' });
      try {
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
          kick();
          if (!out.write(chunk)) {
            await new Promise<void>((resolve) => {
              out.once('drain', () => {
                resolve();
              });
            });
          }
        }
      } finally {
        await new Promise<void>((resolve) => out.end(resolve));
      }
      const bytes = (await stat(file)).size;
      return { status: res.status, contentLength, bytes };
    } catch (err) {
      if (options.signal?.aborted) throw err;
      offset = await stat(file).then(
        (s) => s.size,
        () => 0,
      );
      const why = idle.signal.aborted
        ? `no data for ${Math.round(idleMs / 1000)} s`
        : ((err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message);
      if (resume >= (options.resumes ?? 3)) {
        throw new Error(`downloading the clip from Frigate (${url}) failed: ${why}`, { cause: err });
      }
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Checks the downloaded file is a video; a broken one is removed so a retry starts clean. */
export async function readableClip(file: string): Promise<boolean> {
  const info = await probeVideo(file).catch(() => undefined);
  if (!info) await rm(file, { force: true });
  return Boolean(info);
}
