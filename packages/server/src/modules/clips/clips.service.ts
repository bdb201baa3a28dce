import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { FastifyBaseLogger } from 'fastify';
import type { Deps } from '../../deps.js';
import { AppError, invalid, notFound } from '../../errors.js';
import type { BlobStore } from '../../infra/blob/index.js';
import { authorize, type Viewer } from '../../policies.js';
import { insertEvent } from '../events/events.repository.js';
import { presentClip } from './clips.presenter.js';
import * as clips from './clips.repository.js';
import { resolveRange } from './range.js';

/** An unfinished upload older than this is abandoned: its partial blob is deleted. */
export const STALE_UPLOAD_MS = 24 * 3_600_000;

const encodeCursor = (r: clips.ClipRow): string =>
  Buffer.from(`v1:${r.started_at.getTime()}:${r.id}`).toString('base64url');

function decodeCursor(cursor: string | undefined): { startedAt: Date; id: number } | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  const m = /^v1:(\d{1,15}):(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!m) throw invalid('/querystring/cursor', 'is not a cursor this server issued');
  return { startedAt: new Date(Number(m[1])), id: Number(m[2]) };
}

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
      cameraId?: number | undefined;
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
      before: decodeCursor(q.cursor),
      limit: limit + 1,
    });
    const more = rows.length > limit;
    const items = more ? rows.slice(0, limit) : rows;
    return { items: items.map(presentClip), nextCursor: more ? encodeCursor(items.at(-1)!) : null };
  }

  async get(viewer: Viewer | null, id: number) {
    return presentClip(await this.own(viewer, id));
  }

  /** The clip's age bytes: whole, or one `Range`, with the ciphertext hash as a strong ETag. */
  async ciphertext(
    viewer: Viewer | null,
    id: number,
    h: { range?: string | undefined; ifNoneMatch?: string | undefined; ifRange?: string | undefined },
  ): Promise<Ciphertext> {
    const row = await this.own(viewer, id);
    const etag = `"${row.sha256}"`;
    const common = {
      etag,
      'accept-ranges': 'bytes',
      'cache-control': 'private, no-cache',
      'content-disposition': `attachment; filename="clip-${row.id}.age"`,
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
        `the ciphertext of clip ${row.id} is missing from storage; the instance's operator must restore it ` +
          'from a backup, or you can delete the clip',
      );
    }
  }

  async delete(viewer: Viewer | null, id: number): Promise<void> {
    const v = authorize(viewer, 'vault.own');
    await this.deps.db.transaction(async (tx) => {
      const row = await clips.findOwnClip(tx, v.id, id);
      if (!row) throw notFound('clip');
      await clips.deleteClip(tx, id);
      await insertEvent(tx, { type: 'clip.deleted', actorId: v.id, subjectType: 'clip', subjectId: id });
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
            subjectId: r.id,
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

  private async own(viewer: Viewer | null, id: number): Promise<clips.ClipRow> {
    const v = authorize(viewer, 'vault.own');
    const row = await clips.findOwnClip(this.deps.db, v.id, id);
    if (!row) throw notFound('clip');
    return row;
  }
}
