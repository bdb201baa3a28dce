import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Metadata, Server } from '@tus/server';
import type { FastifyBaseLogger } from 'fastify';
import { Value } from 'typebox/value';
import type { Deps } from '../../deps.js';
import { AppError, notFound, type FieldError } from '../../errors.js';
import { areaCellsCovering, distanceMeters } from '../../geo/cells.js';
import { enqueueJob } from '../../infra/jobs/index.js';
import type { Queryable } from '../../infra/db/index.js';
import { authorize, type Viewer } from '../../policies.js';
import type { ClipsService } from '../clips/clips.service.js';
import { resolveRange } from '../clips/range.js';
import { uploadLedger } from '../clips/upload-ledger.repository.js';
import { DatabaseLocker } from '../clips/upload-lock.js';
import { TusProblem } from '../clips/uploads.service.js';
import { RedactionSummarySchema, type RedactionSummary } from '../disclosures/disclosures.schema.js';
import { opaqueId } from '../requests/requests.ids.js';
import { assertNotSuspended } from '../suspensions/suspensions.service.js';
import { findUserById } from '../users/users.repository.js';
import { MEDIA_LIMITS, MEDIA_TYPES, mib } from './media.limits.js';
import { processImage, probeVideo, transcodeVideo, UnreadableMedia } from './media.process.js';
import * as repo from './media.repository.js';
import { sniff } from './media.sniff.js';

export const MEDIA_UPLOADS_PATH = '/api/media/uploads';
export const MEDIA_ID_HEADER = 'Porchlight-Media-Id';
export const MEDIA_TRANSCODE_JOB = 'media.transcode';
export const MEDIA_PURGE_JOB = 'media.purge';
/** Media uploaded but never posted, and uploads never finished, are deleted after this long. */
export const UNUSED_MEDIA_MS = 24 * 3_600_000;

const metaField = (key: string) => `/headers/upload-metadata/${key}`;
const newMediaId = (): string => opaqueId('me');
const newBlobKey = (): string => randomBytes(16).toString('hex');
const canModerate = (v: Viewer): boolean => v.role === 'moderator' || v.role === 'admin';

/** A validated media upload creation, handed from the route to tus's creation hook. */
export interface MediaIntent {
  ownerId: number;
  kind: repo.MediaKind;
  size: number;
  /** The owner's redaction summary sent with a video (`redaction` metadata), stored and shown with it. */
  redaction: RedactionSummary | null;
}

/** A redaction summary is a few hundred bytes of JSON. */
const MAX_REDACTION_BYTES = 4096;

/**
 * The `redaction` metadata of a video upload: `@porchlight/redact`'s summary as JSON, checked against its schema
 * so a problem names the field. Absent means posted as recorded.
 */
function parseRedaction(raw: string | null | undefined, kind: repo.MediaKind): RedactionSummary | null {
  if (raw === undefined || raw === null) return null;
  const at = metaField('redaction');
  if (kind !== 'video')
    throw new AppError('validation_failed', 'only a video carries a redaction summary', [
      { field: at, message: 'is allowed only with a video' },
    ]);
  let value: unknown;
  try {
    if (raw.length > MAX_REDACTION_BYTES) throw new Error('too long');
    value = JSON.parse(raw);
  } catch {
    throw new AppError('validation_failed', 'the redaction summary is not valid', [
      { field: at, message: `must be JSON of at most ${MAX_REDACTION_BYTES} bytes` },
    ]);
  }
  const errors = [...Value.Errors(RedactionSummarySchema, value)].map((e) => ({
    field: `${at}${e.instancePath}`,
    message: e.message,
  }));
  if (errors.length > 0)
    throw new AppError('validation_failed', 'the redaction summary is not valid', errors);
  return value as RedactionSummary;
}

export interface ServedMedia {
  status: 200 | 206 | 304 | 416;
  headers: Record<string, string>;
  body: Readable | undefined;
}

/**
 * Photos and video for posts, uploaded over tus 1.0 at `/api/media/uploads` (the vault's tus stack: the same
 * blob store, ledger and locks, with its own tables). Public plaintext by design: the server re-encodes each
 * item so that no metadata survives (photos at once with sharp, video on the job queue with ffmpeg), deletes
 * the raw upload, and serves the result only while the post it belongs to is visible.
 */
export class MediaService {
  private server: Server | undefined;
  private readonly intents = new WeakMap<Request, MediaIntent>();

  constructor(
    private readonly deps: Deps,
    private readonly clips: ClipsService,
  ) {}

  get tus(): Server {
    const db = this.deps.db;
    this.server ??= new Server({
      path: MEDIA_UPLOADS_PATH,
      datastore: this.clips.blobs.uploadStore(
        uploadLedger(db, { uploads: 'media_uploads', parts: 'media_upload_parts', finished: 'media_id' }),
      ),
      maxSize: MEDIA_LIMITS.videoBytes,
      relativeLocation: true,
      locker: new DatabaseLocker(db),
      exposedHeaders: [MEDIA_ID_HEADER],
      allowedOrigins: [this.deps.config.publicUrl],
      namingFunction: () => randomBytes(16).toString('hex'),
      onUploadCreate: async (req, upload) => {
        const intent = this.intents.get(req);
        if (!intent) throw new TusProblem('bad_request', 'upload creation was not validated');
        await repo.insertUpload(db, {
          id: upload.id,
          ownerId: intent.ownerId,
          kind: intent.kind,
          sizeBytes: intent.size,
          redaction: intent.redaction,
        });
        return { metadata: {} };
      },
      onUploadFinish: async (_req, upload) => ({
        headers: { [MEDIA_ID_HEADER]: await this.finish(upload.id) },
      }),
    });
    return this.server;
  }

  /** Residents post media from a signed-in browser; a hub's device token is not accepted here. */
  uploader(viewer: Viewer | null, authorization: string | undefined): Viewer {
    if (authorization !== undefined && /^Bearer\s/i.test(authorization))
      throw new AppError('forbidden', 'post media are uploaded from a signed-in browser, not a device');
    return authorize(viewer, 'post.create');
  }

  /**
   * Refuses a suspended account's uploads, new or in progress, with the `account_suspended` problem posting
   * gets: media exist only to be posted, and a suspended account cannot post.
   */
  async assertMayUpload(owner: Viewer): Promise<void> {
    await assertNotSuspended(this.deps, owner.id);
  }

  /** Validates a creation: a declared type we take, and a size within that type's limit. */
  validateCreation(
    owner: Viewer,
    headers: {
      uploadLength: string | undefined;
      uploadDeferLength: string | undefined;
      metadata: string | undefined;
    },
  ): MediaIntent {
    if (headers.uploadDeferLength !== undefined || !/^\d{1,16}$/.test(headers.uploadLength ?? ''))
      throw new AppError('validation_failed', 'Upload-Length is required: a whole number of bytes', [
        { field: '/headers/upload-length', message: 'is required: a whole number of bytes' },
      ]);
    const size = Number(headers.uploadLength);
    let meta: Record<string, string | null>;
    try {
      meta = Metadata.parse(headers.metadata ?? '');
    } catch {
      throw new AppError('validation_failed', 'Upload-Metadata is not valid tus metadata', [
        { field: '/headers/upload-metadata', message: 'must be comma-separated "key base64value" pairs' },
      ]);
    }
    const filetype = (meta.filetype ?? '').toLowerCase();
    const kind = MEDIA_TYPES[filetype];
    if (!kind) {
      const errors: FieldError[] = [
        {
          field: metaField('filetype'),
          message: 'must be image/jpeg, png, webp or heic, or video/mp4, quicktime or webm',
        },
      ];
      throw new AppError(
        'unsupported_media_type',
        `${filetype || 'a file without a type'} cannot be posted: photos (JPEG, PNG, WebP, HEIC) and videos (MP4, MOV, WebM) can`,
        errors,
      );
    }
    if (size === 0)
      throw new AppError('validation_failed', 'the file is empty', [
        { field: '/headers/upload-length', message: 'must be more than 0' },
      ]);
    const max = kind === 'image' ? MEDIA_LIMITS.imageBytes : MEDIA_LIMITS.videoBytes;
    if (size > max)
      throw new AppError(
        'payload_too_large',
        `a ${kind === 'image' ? 'photo' : 'video'} may be at most ${mib(max)}; this one is ${mib(size)}`,
        [{ field: '/headers/upload-length', message: `must be at most ${max}` }],
      );
    return { ownerId: owner.id, kind, size, redaction: parseRedaction(meta.redaction, kind) };
  }

  create(req: Request, intent: MediaIntent): Promise<Response> {
    this.intents.set(req, intent);
    return this.tus.handleWeb(req);
  }

  /** The upload, when `owner` made it; anyone else's upload does not exist. */
  async ownUpload(owner: Viewer, id: string): Promise<repo.MediaUploadRow> {
    const row = /^[0-9a-f]{32}$/.test(id) ? await repo.findUpload(this.deps.db, id) : undefined;
    if (!row || row.owner_id !== owner.id) throw notFound('upload');
    return row;
  }

  async terminated(id: string): Promise<void> {
    await repo.deleteUpload(this.deps.db, id);
  }

  /**
   * Turns a finished upload into a media item. The first bytes must say it is what the creation declared; a
   * photo is re-encoded here (the last PATCH answers once it is done), a video is probed (readable, at most
   * three minutes) and its transcode is enqueued with its row. Anything wrong deletes the upload and answers
   * 4xx: nothing half-stored. Idempotent: a second call returns the same id.
   */
  async finish(uploadId: string): Promise<string> {
    const db = this.deps.db;
    const up = await repo.findUpload(db, uploadId);
    if (!up) throw new TusProblem('not_found', 'upload not found');
    if (up.media_id !== null) return up.media_id;
    const size = (await this.clips.blobs.size(uploadId)) ?? 0;
    const head = size > 0 ? await this.readAll(uploadId, Math.min(size, 64)) : Buffer.alloc(0);
    const found = sniff(head);
    if (found.kind !== up.kind) {
      await this.discard(uploadId);
      const what = up.kind === 'image' ? 'a JPEG, PNG, WebP or HEIC photo' : 'an MP4, MOV or WebM video';
      const is = found.kind === 'unknown' ? 'neither a photo nor a video we take' : `a ${found.kind}`;
      throw new TusProblem(
        'unsupported_media_type',
        `the file is not ${what}: its first bytes say it is ${is}. It was deleted.`,
        [{ field: metaField('filetype'), message: 'does not match what the file contains' }],
      );
    }
    return up.kind === 'image'
      ? this.finishImage(up, size, found.kind === 'image' && found.format === 'heic')
      : this.finishVideo(up);
  }

  private async finishImage(up: repo.MediaUploadRow, size: number, heic: boolean): Promise<string> {
    let out;
    try {
      out = await processImage(await this.readAll(up.id, size));
    } catch (err) {
      if (!(err instanceof UnreadableMedia)) throw err;
      await this.discard(up.id);
      if (heic)
        throw new TusProblem(
          'unsupported_media_type',
          'HEIC photos cannot be decoded on this server: set the camera to “Most Compatible” or share the ' +
            'photo as JPEG. The upload was deleted.',
        );
      throw new TusProblem('media_unreadable', `${err.message}; the file may be damaged. It was deleted.`);
    }
    const blobKey = newBlobKey();
    const thumbKey = newBlobKey();
    await this.clips.blobs.write(blobKey, { buffer: out.image });
    await this.clips.blobs.write(thumbKey, { buffer: out.thumbnail });
    return this.record(up, [blobKey, thumbKey], {
      status: 'ready',
      sourceKey: null,
      blobKey,
      thumbKey,
      sizeBytes: out.image.length,
      width: out.width,
      height: out.height,
      durationMs: null,
    });
  }

  private async finishVideo(up: repo.MediaUploadRow): Promise<string> {
    const dir = await mkdtemp(path.join(tmpdir(), 'porchlight-media-'));
    try {
      const file = path.join(dir, 'source');
      await this.download(up.id, file);
      let probe;
      try {
        probe = await probeVideo(file);
      } catch (err) {
        if (!(err instanceof UnreadableMedia)) throw err;
        await this.discard(up.id);
        throw new TusProblem('media_unreadable', `${err.message}. It was deleted.`);
      }
      if (probe.durationMs > MEDIA_LIMITS.videoSeconds * 1000 + 500) {
        await this.discard(up.id);
        throw new TusProblem(
          'video_too_long',
          `the video is ${clock(probe.durationMs)} long; a post's video may be at most ${clock(MEDIA_LIMITS.videoSeconds * 1000)}. It was deleted.`,
        );
      }
      return await this.record(up, [], {
        status: 'processing',
        sourceKey: up.id,
        blobKey: null,
        thumbKey: null,
        sizeBytes: null,
        width: probe.width,
        height: probe.height,
        durationMs: probe.durationMs,
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  /**
   * Writes the media row and seals its upload in one transaction: a photo's raw upload becomes an orphan there,
   * a video's transcode job is enqueued there. When a concurrent finish won, `made` blobs are dropped and its
   * media id is the answer.
   */
  private async record(
    up: repo.MediaUploadRow,
    made: string[],
    m: Omit<Parameters<typeof repo.insertMedia>[1], 'id' | 'ownerId' | 'kind' | 'redaction'>,
  ): Promise<string> {
    const db = this.deps.db;
    const id = newMediaId();
    const sealed = await db.transaction(async (tx) => {
      await repo.insertMedia(tx, { id, ownerId: up.owner_id, kind: up.kind, redaction: up.redaction, ...m });
      if (!(await repo.sealUpload(tx, up.id, id))) {
        await tx.query('DELETE FROM media WHERE id = $1', [id]);
        for (const key of made) await repo.queueOrphan(tx, key);
        return false;
      }
      if (m.sourceKey === null) await repo.queueOrphan(tx, up.id);
      else
        await enqueueJob(tx, {
          kind: MEDIA_TRANSCODE_JOB,
          runAt: this.deps.clock.now(),
          key: id,
          payload: { mediaId: id },
          maxAttempts: 3,
        });
      return true;
    });
    await this.clips.blobs.sealUpload(up.id).catch(() => undefined);
    await this.clips.purgeOrphans();
    if (sealed) return id;
    const again = await repo.findUpload(db, up.id);
    if (again?.media_id) return again.media_id;
    throw new TusProblem('not_found', 'the upload was deleted while it was being finished');
  }

  /**
   * The transcode job: the source video becomes an MP4 and a poster in the blob store, and the source goes.
   * A video ffmpeg cannot convert is marked failed with the reason (its author sees it on the post); an
   * infrastructure error throws, so the job is retried.
   */
  async transcode(mediaId: string, log?: FastifyBaseLogger): Promise<Record<string, number>> {
    const db = this.deps.db;
    const row = await repo.findMedia(db, mediaId);
    if (!row || row.status !== 'processing' || !row.source_key) return { skipped: 1 };
    const dir = await mkdtemp(path.join(tmpdir(), 'porchlight-media-'));
    try {
      const source = path.join(dir, 'source');
      const video = path.join(dir, 'video.mp4');
      const poster = path.join(dir, 'poster.jpg');
      await this.download(row.source_key, source);
      let done;
      try {
        await transcodeVideo(source, video, poster, await probeVideo(source));
        done = await probeVideo(video);
      } catch (err) {
        if (!(err instanceof UnreadableMedia)) throw err;
        log?.warn({ mediaId, reason: err.message }, 'video transcode failed');
        await db.transaction((tx) => repo.markFailed(tx, mediaId, err.message));
        await this.clips.purgeOrphans(log);
        return { failed: 1 };
      }
      const blobKey = newBlobKey();
      const thumbKey = newBlobKey();
      await this.clips.blobs.write(blobKey, { path: video });
      await this.clips.blobs.write(thumbKey, { path: poster });
      const sizeBytes = (await stat(video)).size;
      await db.transaction(async (tx) => {
        const ready = await repo.markVideoReady(tx, mediaId, {
          blobKey,
          thumbKey,
          sizeBytes,
          width: done.width,
          height: done.height,
          durationMs: done.durationMs,
        });
        // Deleted (its post deleted) while it was converting: what was just made goes too.
        if (!ready) for (const key of [blobKey, thumbKey]) await repo.queueOrphan(tx, key);
      });
      await this.clips.purgeOrphans(log);
      return { transcoded: 1 };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  /**
   * Deletes what was never used: media uploaded but not posted, and uploads not finished, after a day. Then
   * removes every orphaned blob (a deleted post's media included).
   */
  async purge(log?: FastifyBaseLogger): Promise<Record<string, number>> {
    const db = this.deps.db;
    const before = new Date(this.deps.clock.now().getTime() - UNUSED_MEDIA_MS);
    const unused = await db.transaction((tx) => repo.deleteUnused(tx, before));
    return { unused, blobs: await this.clips.purgeOrphans(log) };
  }

  /** Serves a ready item's image/video (`full`) or its thumbnail/poster, with byte ranges. */
  async serve(
    viewer: Viewer | null,
    id: string,
    variant: 'full' | 'thumbnail',
    h: { range?: string | undefined; ifNoneMatch?: string | undefined; ifRange?: string | undefined },
  ): Promise<ServedMedia> {
    const v = authorize(viewer, 'post.read');
    const row = /^me_[A-Za-z0-9_-]{22}$/.test(id) ? await repo.findServed(this.deps.db, id) : undefined;
    if (!row || row.status !== 'ready' || !(await this.maySee(v, row))) throw notFound('media');
    const key = variant === 'full' ? row.blob_key : row.thumb_key;
    const size = key ? await this.clips.blobs.size(key) : undefined;
    if (!key || size === undefined) throw notFound('media');
    const etag = `"${key}"`;
    const common = {
      etag,
      'accept-ranges': 'bytes',
      'content-type': variant === 'full' && row.kind === 'video' ? 'video/mp4' : 'image/jpeg',
      // Revalidated every time: media of a post deleted or hidden since must stop being shown.
      'cache-control': 'private, no-cache',
      'content-disposition': 'inline',
    };
    if (h.ifNoneMatch?.split(',').some((t) => t.trim() === etag))
      return { status: 304, headers: common, body: undefined };
    const range = h.ifRange === undefined || h.ifRange === etag ? resolveRange(h.range, size) : undefined;
    if (range === 'unsatisfiable')
      return { status: 416, headers: { ...common, 'content-range': `bytes */${size}` }, body: undefined };
    if (range === undefined)
      return {
        status: 200,
        headers: { ...common, 'content-length': String(size) },
        body: await this.clips.blobs.read(key),
      };
    return {
      status: 206,
      headers: {
        ...common,
        'content-length': String(range.end - range.start + 1),
        'content-range': `bytes ${range.start}-${range.end}/${size}`,
      },
      body: await this.clips.blobs.read(key, range),
    };
  }

  /**
   * Who sees an item: before it is posted, its owner; on a visible post, whoever may read the post (its author,
   * moderators, residents whose area it is in); on a hidden post, moderators only. Everyone else gets 404.
   */
  private async maySee(v: Viewer, row: repo.ServedMediaRow): Promise<boolean> {
    if (row.post_id === null) return row.owner_id === v.id;
    if (canModerate(v)) return true;
    if (row.post_status !== 'visible') return false;
    if (row.owner_id === v.id) return true;
    const user = await findUserById(this.deps.db, v.id);
    if (user?.home_lat == null || user.home_lng == null) return false;
    const home = { lat: user.home_lat, lng: user.home_lng };
    return (
      areaCellsCovering(home, user.radius_m).includes(row.post_area_cell!) &&
      distanceMeters(home, { lat: row.post_lat!, lng: row.post_lng! }) <= user.radius_m
    );
  }

  private async readAll(key: string, length: number): Promise<Buffer> {
    const buf = Buffer.alloc(length);
    let at = 0;
    for await (const chunk of await this.clips.blobs.read(key, { start: 0, end: length - 1 }))
      at += (chunk as Buffer).copy(buf, at);
    return buf;
  }

  private async download(key: string, file: string): Promise<void> {
    await pipeline(await this.clips.blobs.read(key), createWriteStream(file));
  }

  private async discard(uploadId: string): Promise<void> {
    await this.deps.db.transaction(async (tx) => {
      await repo.deleteUpload(tx, uploadId);
      await repo.queueOrphan(tx, uploadId);
    });
    await this.clips.purgeOrphans();
  }
}

/**
 * Attaches media to a new post in the post's transaction. Each id must be the author's own, finished, not
 * failed and in no post yet; otherwise 400 naming `/body/media/<i>` and what is wrong with it.
 */
export async function attachPostMedia(
  tx: Queryable,
  authorId: number,
  postId: number,
  ids: readonly string[],
): Promise<void> {
  if (ids.length === 0) return;
  const rows = new Map((await repo.lockMedia(tx, [...ids])).map((r) => [r.id, r]));
  const errors: FieldError[] = [];
  ids.forEach((id, i) => {
    const r = rows.get(id);
    const field = `/body/media/${i}`;
    if (!r || r.owner_id !== authorId)
      errors.push({ field, message: 'is not a photo or video you uploaded' });
    else if (r.post_id !== null) errors.push({ field, message: 'is already in a post' });
    else if (r.status === 'failed')
      errors.push({ field, message: `could not be processed: ${r.error ?? ''}` });
  });
  if (errors.length > 0)
    throw new AppError('validation_failed', errors.map((e) => `${e.field} ${e.message}`).join('; '), errors);
  await repo.attachMedia(tx, postId, [...ids]);
}

const clock = (ms: number): string => {
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
};
