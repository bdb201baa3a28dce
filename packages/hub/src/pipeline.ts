import { createHash } from 'node:crypto';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { encryptFile } from '@porchlight/age/node';
import { fetchHubConfig, type HubConfig } from './api.js';
import { HubError, isDiskFull } from './errors.js';
import { burnInZones, type EncodeOptions } from './ffmpeg.js';
import type { ClipRecord, Journal } from './journal.js';
import type { Reporter } from './progress.js';
import type { DeviceCredentials } from './state.js';
import type { Snapshots } from './snapshot.js';
import { ClipNotReady } from './sources/frigate-clip.js';
import { uploadClip } from './upload.js';

/** A fetched clip: its plaintext video in the work dir, and what the owner should know about it. */
export interface FetchedClip {
  file: string;
  /** E.g. "partial: Frigate's recording ends 6.4 s before the review's end"; kept in the journal. */
  note?: string;
}

/** Produces a clip's plaintext video in the work dir (e.g. downloads it from Frigate). */
export type ClipFetcher = (record: ClipRecord, workDir: string) => Promise<FetchedClip>;

/**
 * A step on a clip's zoned plaintext before it is encrypted (the hook for auto-blur at ingest). It writes
 * its result to `output` and resolves true, or resolves false and writes nothing (the zoned file goes on as
 * it is). It runs once per clip: the journal records that it ran, so a restart does not run it again on its
 * own output. A thrown HubError `invalid`/`unreadable` fails the clip (nothing is uploaded); anything else
 * is retried later like any failure.
 */
export type AfterZones = (
  record: ClipRecord,
  input: string,
  output: string,
  signal?: AbortSignal,
) => Promise<boolean>;

/** What the pipeline works with. */
export interface PipelineOptions {
  stateDir: string;
  credentials: DeviceCredentials;
  journal: Journal;
  reporter: Reporter;
  /** Fetchers by source name, for clips that are journaled before their video exists locally. */
  fetchers?: Record<string, ClipFetcher>;
  encode?: EncodeOptions;
  /** Runs on the zoned video before encryption; see {@link AfterZones}. */
  afterZones?: AfterZones;
  /** Keeps an encrypted snapshot per camera on the server for the zone editor (best effort). */
  snapshots?: Snapshots;
  chunkSize?: number;
  uploadRetryDelays?: number[];
  signal?: AbortSignal;
}

/** A file name for a clip's work files that is safe whatever the source put in its ref. */
export function workName(ref: string): string {
  const hash = createHash('sha256').update(ref).digest('hex').slice(0, 12);
  return `${ref.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 60)}-${hash}`;
}

/**
 * Takes one clip from wherever its journal record says it is to `done`: fetch → burn in privacy zones →
 * encrypt to the owner's recipient → resumable upload. The journal is written after each stage's output is
 * durable, plaintext is deleted as soon as the ciphertext exists, and a server that already holds the clip
 * (same clientRef) counts as done. Failures that retrying cannot fix (bad zone, unreadable video, unknown
 * camera) mark the clip `failed`; anything else is thrown for the caller to retry later.
 */
export async function processClip(initial: ClipRecord, opts: PipelineOptions): Promise<ClipRecord> {
  const { journal, reporter, credentials } = opts;
  const workDir = path.join(opts.stateDir, 'work');
  const base = path.join(workDir, workName(initial.ref));
  let record = { ...initial };
  let config: HubConfig | undefined;
  const save = async (patch: Partial<ClipRecord>) => {
    record = { ...record, ...patch };
    await journal.put(record);
  };
  const hubConfig = async () => (config ??= await fetchHubConfig(credentials));

  try {
    for (;;) {
      opts.signal?.throwIfAborted();
      switch (record.stage) {
        case 'queued': {
          if (record.input) {
            await save({ stage: 'fetched' });
            break;
          }
          const fetcher = opts.fetchers?.[record.source];
          if (!fetcher) throw new HubError(`no source "${record.source}" is configured to fetch this clip`);
          reporter.stage(record.ref, 'fetching');
          const fetched = await fetcher(record, workDir);
          if (fetched.note) reporter.warn(`[${record.ref}] ${fetched.note}`);
          await save({
            stage: 'fetched',
            input: fetched.file,
            ownsInput: true,
            ...(fetched.note ? { note: fetched.note } : {}),
          });
          break;
        }
        case 'fetched': {
          const camera = (await hubConfig()).cameras.find((c) => c.id === record.cameraId);
          if (!camera) {
            throw new HubError(
              `camera ${record.cameraId} is not one of this hub owner's cameras on ${credentials.server}`,
            );
          }
          if (opts.snapshots) {
            const { recipient } = await hubConfig();
            await opts.snapshots.maybeTake(camera, record.input!, recipient, workDir, opts.signal);
          }
          reporter.stage(
            record.ref,
            `burning in ${camera.privacyZones.length} privacy zone(s) for "${camera.name}"`,
          );
          const zoned = `${base}.zoned.mp4`;
          await burnInZones(record.input!, zoned, camera.privacyZones, {
            ...opts.encode,
            workDir,
            ...(opts.signal ? { signal: opts.signal } : {}),
          });
          if (record.ownsInput && record.input !== zoned) await rm(record.input!, { force: true });
          await save({ stage: 'zoned', input: zoned, ownsInput: true });
          break;
        }
        case 'zoned': {
          if (opts.afterZones && !record.afterZonesDone) {
            const stepped = `${base}.after-zones.mp4`;
            const changed = await opts.afterZones(record, record.input!, stepped, opts.signal);
            const zonedFile = record.input!;
            // The journal points at the new file before the old one goes, so a crash in between loses nothing.
            await save({ afterZonesDone: true, ...(changed ? { input: stepped } : {}) });
            if (changed) await rm(zonedFile, { force: true });
          }
          const { recipient } = await hubConfig();
          reporter.stage(record.ref, 'encrypting');
          const cipherPath = `${base}.age`;
          await encryptFile(record.input!, cipherPath, [recipient]);
          await save({ stage: 'encrypted', cipherPath });
          // The plaintext goes only once the journal points at the ciphertext, so a crash in between loses nothing.
          await rm(record.input!, { force: true });
          await save({ input: undefined });
          break;
        }
        case 'encrypted':
        case 'uploading': {
          reporter.stage(record.ref, record.uploadUrl ? 'resuming upload' : 'uploading');
          const result = await uploadClip({
            server: credentials.server,
            token: credentials.token,
            file: record.cipherPath!,
            metadata: {
              cameraId: record.cameraId,
              startedAt: record.startedAt,
              endedAt: record.endedAt,
              clientRef: record.ref,
            },
            ...(record.uploadUrl ? { resumeUrl: record.uploadUrl } : {}),
            onUrl: (uploadUrl) => save({ stage: 'uploading', uploadUrl }),
            onProgress: (sent, total) => {
              reporter.progress(record.ref, total ? (sent / total) * 100 : 100);
            },
            ...(opts.chunkSize ? { chunkSize: opts.chunkSize } : {}),
            ...(opts.uploadRetryDelays ? { retryDelays: opts.uploadRetryDelays } : {}),
            ...(opts.signal ? { signal: opts.signal } : {}),
          });
          await save({ stage: 'done', clipId: result.clipId, duplicate: result.duplicate, error: undefined });
          await rm(record.cipherPath!, { force: true });
          reporter.stage(
            record.ref,
            result.duplicate
              ? `already on the server${result.clipId ? ` as clip ${result.clipId}` : ''} — done`
              : `uploaded${result.clipId ? ` as clip ${result.clipId}` : ''}`,
          );
          return record;
        }
        case 'done':
        case 'failed':
          return record;
      }
    }
  } catch (err) {
    if (isDiskFull(err) || /No space left on device/i.test((err as Error).message)) {
      throw new HubError(
        `the disk holding ${opts.stateDir} is full; clips are paused until space is freed`,
        'disk_full',
        {
          cause: err,
        },
      );
    }
    if (err instanceof HubError && (err.code === 'invalid' || err.code === 'unreadable')) {
      reporter.error(`[${record.ref}] ${err.message} — skipped`);
      if (record.ownsInput && record.input) await rm(record.input, { force: true });
      await save({ stage: 'failed', error: err.message });
      return record;
    }
    // Waiting for the source is not a failure: it has its own count, and `attempts` (the backoff) is untouched.
    if (err instanceof ClipNotReady) await save({ ...err.wait, error: err.message });
    else await save({ attempts: record.attempts + 1, error: (err as Error).message });
    throw err;
  }
}
