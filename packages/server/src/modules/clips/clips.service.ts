import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { FastifyBaseLogger } from 'fastify';
import type { Deps } from '../../deps.js';
import { AppError, notFound } from '../../errors.js';
import type { BlobStore } from '../../infra/blob/index.js';
import { authorize, type Viewer } from '../../policies.js';
import { publicIdCursor, publicIdPage } from '../../public-ids.js';
import { insertEvent } from '../events/events.repository.js';
import { presentClip } from './clips.presenter.js';
import * as clips from './clips.repository.js';
import { resolveRange } from './range.js';

/** An unfinished upload older than this is abandoned: its partial blob is deleted. */
export const STALE_UPLOAD_MS = 24 * 3_600_000;

/** Whether a blob store error means "no such blob": ENOENT on files, NoSuchKey / 404 on S3. */
function isMissingBlob(err: unknown): boolean {
  const e = err as { code?: unknown; name?: unknown; $metadata?: { httpStatusCode?: unknown } } | null;
  return (
    e?.code === 'ENOENT' ||
    e?.name === 'NoSuchKey' ||
    e?.name === 'NotFound' ||
    e?.$metadata?.httpStatusCode === 404
  );
}

export interface Ciphertext {
  status: 200 | 206 | 304 | 416;
  headers: Record<string, string>;
  body: Readable | undefined;
}

/**
 * The owner's clips: age ciphertext the server stores and serves but cannot read. Only the owner ever sees,
 * downloads or deletes a clip; for anyone else, whatever their role, it does not exist (404).
 */
export class ClipsService {
  /** Downloads that found the clip's ciphertext gone from the blob store (on /metrics: an operator alert). */
  missingCiphertext = 0;

  constructor(
    private readonly deps: Deps,
    readonly blobs: BlobStore,
  ) {}

  async list(
    viewer: Viewer | null,
    q: {
      cameraId?: string | undefined;
      from?: string | undefined;
      to?: string | undefined;
      cursor?: string | undefined;
      limit?: number | undefined;
    },
  ) {
    const v = authorize(viewer, 'vault.own');
    const limit = q.limit ?? 20;
    const rows = await clips.clipsPage(this.deps.db, {
      ownerId: v.id,
      cameraId: q.cameraId,
      from: q.from === undefined ? undefined : new Date(q.from),
      to: q.to === undefined ? undefined : new Date(q.to),
      after: publicIdCursor('cl', q.cursor),
      limit: limit + 1,
    });
    return publicIdPage(rows, limit, presentClip);
  }

  async get(viewer: Viewer | null, id: string) {
    return presentClip(await this.own(viewer, id));
  }

  /** The clip's age bytes: whole, or one `Range`, with the ciphertext hash as a strong ETag. */
  async ciphertext(
    viewer: Viewer | null,
    id: string,
    h: { range?: string | undefined; ifNoneMatch?: string | undefined; ifRange?: string | undefined },
  ): Promise<Ciphertext> {
    const row = await this.own(viewer, id);
    const etag = `"${row.sha256}"`;
    const common = {
      etag,
      'accept-ranges': 'bytes',
      'cache-control': 'private, no-cache',
      'content-disposition': `attachment; filename="clip-${row.public_id}.age"`,
    };
    if (h.ifNoneMatch?.split(',').some((t) => t.trim() === etag)) {
      return { status: 304, headers: common, body: undefined };
    }
    const size = row.size_bytes;
    const range = h.ifRange === undefined || h.ifRange === etag ? resolveRange(h.range, size) : undefined;
    if (range === 'unsatisfiable') {
      return { status: 416, headers: { ...common, 'content-range': `bytes */${size}` }, body: undefined };
    }
    const headers = { ...common, 'content-type': 'application/octet-stream' };
    if (!range) {
      return {
        status: 200,
        headers: { ...headers, 'content-length': String(size) },
        body: await this.openBlob(row),
      };
    }
    return {
      status: 206,
      headers: {
        ...headers,
        'content-length': String(range.end - range.start + 1),
        'content-range': `bytes ${range.start}-${range.end}/${size}`,
      },
      body: await this.openBlob(row, range),
    };
  }

  /**
   * Opens the clip's ciphertext. A blob that is gone while its row remains (a lost disk, a bucket lifecycle
   * rule) is the operator's problem, not a crash: the owner gets a 410 naming the clip (which they can still
   * delete) and /metrics counts it.
   */
  private async openBlob(row: clips.ClipRow, range?: { start: number; end: number }): Promise<Readable> {
    try {
      return await this.blobs.read(row.blob_key, range);
    } catch (err) {
      if (!isMissingBlob(err)) throw err;
      this.missingCiphertext += 1;
      throw new AppError(
        'clip_ciphertext_missing',
        `the ciphertext of clip ${row.public_id} is missing from storage; the instance's operator must restore it ` +
          'from a backup, or you can delete the clip',
      );
    }
  }

  async delete(viewer: Viewer | null, id: string): Promise<void> {
    const v = authorize(viewer, 'vault.own');
    await this.deps.db.transaction(async (tx) => {
      const row = await clips.findOwnClip(tx, v.id, id);
      if (!row) throw notFound('clip');
      await clips.deleteClip(tx, row.id);
      await insertEvent(tx, {
        type: 'clip.deleted',
        actorId: v.id,
        subjectType: 'clip',
        subjectId: row.public_id,
      });
    });
    await this.purgeOrphans();
  }

  /** SHA-256 (hex) of a stored blob, read as a stream. */
  async hashBlob(key: string): Promise<string> {
    const hash = createHash('sha256');
    for await (const chunk of await this.blobs.read(key)) hash.update(chunk as Buffer);
    return hash.digest('hex');
  }

  /**
   * Removes blobs whose rows are gone. Failures stay queued for the next retention run; returns how many
   * blobs were removed.
   */
  async purgeOrphans(log?: FastifyBaseLogger): Promise<number> {
    let removed = 0;
    for (const o of await clips.orphans(this.deps.db, 500)) {
      try {
        await this.blobs.delete(o.blob_key);
        await clips.forgetOrphan(this.deps.db, o.blob_key);
        removed++;
      } catch (err) {
        log?.warn({ err, blob: o.blob_key }, 'could not delete a blob; will retry');
      }
    }
    return removed;
  }

  /**
   * One retention pass: deletes every clip past its expiry (row and blob) and every upload abandoned for a
   * day. Safe to run in several processes at once: rows are claimed with SKIP LOCKED.
   */
  async runRetention(
    log?: FastifyBaseLogger,
  ): Promise<{ expired: number; abandoned: number; blobs: number }> {
    const now = this.deps.clock.now();
    let expired = 0;
    for (;;) {
      const batch = await this.deps.db.transaction(async (tx) => {
        const rows = await clips.expiredClips(tx, now, 100);
        for (const r of rows) {
          await clips.deleteClip(tx, r.id);
          await insertEvent(tx, {
            type: 'clip.expired',
            actorId: null,
            subjectType: 'clip',
            subjectId: r.public_id,
            data: { cameraId: r.camera_id },
          });
        }
        return rows.length;
      });
      expired += batch;
      if (batch < 100) break;
    }
    const abandoned = await this.deps.db.transaction((tx) =>
      clips.deleteStaleUploads(tx, new Date(now.getTime() - STALE_UPLOAD_MS)),
    );
    const blobs = await this.purgeOrphans(log);
    return { expired, abandoned, blobs };
  }

  private async own(viewer: Viewer | null, id: string): Promise<clips.ClipRow> {
    const v = authorize(viewer, 'vault.own');
    const row = await clips.findOwnClip(this.deps.db, v.id, id);
    if (!row) throw notFound('clip');
    return row;
  }
}
