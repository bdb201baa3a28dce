import { randomBytes } from 'node:crypto';
import { Metadata, Server } from '@tus/server';
import type { Deps } from '../../deps.js';
import { AppError, ERROR_CATALOGUE, notFound, type ErrorCode, type FieldError } from '../../errors.js';
import { tusOutage } from '../../http/outage.js';
import type { UploadLedger } from '../../infra/blob/index.js';
import { authorize, type Viewer } from '../../policies.js';
import { isPublicId } from '../../public-ids.js';
import * as cameras from '../cameras/cameras.repository.js';
import type { DevicesService } from '../devices/devices.service.js';
import { insertEvent } from '../events/events.repository.js';
import { clipCiphertextProblem, parseHeader } from '../vault/age-format.js';
import type { VaultService } from '../vault/vault.service.js';
import * as repo from './clips.repository.js';
import type { ClipsService } from './clips.service.js';
import { CLIP_UPLOAD_TABLES, uploadLedger } from './upload-ledger.repository.js';
import { DatabaseLocker } from './upload-lock.js';

export const UPLOADS_PATH = '/api/uploads';
export const CLIP_ID_HEADER = 'Porchlight-Clip-Id';
/** An age header is a few hundred bytes per recipient; anything without one in this many bytes is not age. */
const MAX_HEADER_BYTES = 64 * 1024;

/** Who is uploading: the owner, in the browser or through one of their paired hubs. */
export interface Uploader {
  ownerId: number;
  deviceId: number | null;
}

/** A validated upload creation, handed from the route to tus's creation hook. */
export interface UploadIntent extends Uploader {
  /** The camera's row id (the metadata named it by its public id). */
  cameraId: number;
  startedAt: Date;
  endedAt: Date;
  clientRef: string | null;
  size: number;
}

/** An error thrown from a tus hook: tus sends `status_code` and `body` (here a problem document) as the response. */
export class TusProblem extends Error {
  readonly status_code: number;
  readonly body: string;

  constructor(code: ErrorCode, detail: string, errors?: FieldError[]) {
    super(detail);
    const { status, title } = ERROR_CATALOGUE[code];
    this.status_code = status;
    this.body = JSON.stringify({
      type: `https://porchlight.invalid/problems/${code}`,
      title,
      status,
      detail,
      code,
      ...(errors ? { errors } : {}),
    });
  }
}

const tusProblem = (code: ErrorCode, detail: string, errors?: FieldError[]): TusProblem =>
  new TusProblem(code, detail, errors);

const metaField = (key: string) => `/headers/upload-metadata/${key}`;

/**
 * Clip uploads over tus 1.0. Creation is validated before tus sees it (metadata, size, camera ownership,
 * clientRef idempotency); the finished upload must be an age file, whose hash becomes the clip's.
 */
export class UploadsService {
  private server: Server | undefined;
  private readonly ledger: UploadLedger;
  private readonly intents = new WeakMap<Request, UploadIntent>();

  constructor(
    private readonly deps: Deps,
    private readonly vault: VaultService,
    private readonly devices: DevicesService,
    private readonly clips: ClipsService,
  ) {
    this.ledger = uploadLedger(deps.db, CLIP_UPLOAD_TABLES);
  }

  /** The tus server, built on first use (building the file store creates its directory). */
  get tus(): Server {
    const deps = this.deps;
    const db = deps.db;
    this.server ??= new Server({
      path: UPLOADS_PATH,
      datastore: this.clips.blobs.uploadStore(this.ledger),
      maxSize: deps.config.maxClipBytes,
      relativeLocation: true,
      locker: new DatabaseLocker(db),
      exposedHeaders: [CLIP_ID_HEADER],
      // tus defaults to `Access-Control-Allow-Origin: *`; uploads belong to this site's own pages only.
      allowedOrigins: [deps.config.publicUrl],
      namingFunction: () => randomBytes(16).toString('hex'),
      onResponseError: tusOutage,
      onUploadCreate: async (req, upload) => {
        const intent = this.intents.get(req);
        if (!intent) throw tusProblem('bad_request', 'upload creation was not validated');
        await repo.insertUpload(db, {
          id: upload.id,
          ...intent,
          sizeBytes: intent.size,
          createdAt: deps.clock.now(),
        });
        // What the clip is stays in the database; the store keeps no metadata beside the ciphertext.
        return { metadata: {} };
      },
      onUploadFinish: async (_req, upload) => {
        const clipId = await this.finish(upload.id);
        return { headers: { [CLIP_ID_HEADER]: clipId } };
      },
    });
    return this.server;
  }

  /** Authenticates a tus request: a device token (Bearer), else the session (cookie + CSRF). */
  async uploader(viewer: Viewer | null, authorization: string | undefined): Promise<Uploader> {
    if (authorization !== undefined && /^Bearer\s/i.test(authorization)) {
      const d = await this.devices.authenticate(authorization);
      return { ownerId: d.ownerId, deviceId: d.deviceId };
    }
    const v = authorize(viewer, 'vault.own');
    return { ownerId: v.id, deviceId: null };
  }

  /** Validates a creation request's headers into an intent; every problem becomes a named 4xx. */
  async validateCreation(
    who: Uploader,
    headers: {
      uploadLength: string | undefined;
      uploadDeferLength: string | undefined;
      metadata: string | undefined;
    },
  ): Promise<UploadIntent> {
    if (headers.uploadDeferLength !== undefined || headers.uploadLength === undefined) {
      throw new AppError(
        'validation_failed',
        'Upload-Length is required (deferred length is not supported)',
        [{ field: '/headers/upload-length', message: 'is required' }],
      );
    }
    if (!/^\d{1,16}$/.test(headers.uploadLength)) {
      throw new AppError('validation_failed', 'Upload-Length must be a whole number of bytes', [
        { field: '/headers/upload-length', message: 'must be a whole number of bytes' },
      ]);
    }
    const size = Number(headers.uploadLength);
    const max = this.deps.config.maxClipBytes;
    if (size > max) {
      throw new AppError('payload_too_large', `a clip may be at most ${max} bytes; this one is ${size}`, [
        { field: '/headers/upload-length', message: `must be at most ${max}` },
      ]);
    }
    let meta: Record<string, string | null>;
    try {
      meta = Metadata.parse(headers.metadata ?? '');
    } catch {
      throw new AppError('validation_failed', 'Upload-Metadata is not valid tus metadata', [
        { field: '/headers/upload-metadata', message: 'must be comma-separated "key base64value" pairs' },
      ]);
    }
    const errors: FieldError[] = [];
    const cameraId = isPublicId('ca', meta.cameraId) ? meta.cameraId : undefined;
    if (cameraId === undefined)
      errors.push({ field: metaField('cameraId'), message: 'is required: a camera id (ca_…)' });
    const time = (key: 'startedAt' | 'endedAt'): Date | undefined => {
      const raw = meta[key];
      // ISO 8601 with a zone, so the instant is unambiguous.
      if (!raw || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/.test(raw)) {
        errors.push({ field: metaField(key), message: 'is required: an ISO 8601 time with a zone' });
        return undefined;
      }
      const d = new Date(raw);
      if (Number.isNaN(d.getTime())) errors.push({ field: metaField(key), message: 'is not a real time' });
      return Number.isNaN(d.getTime()) ? undefined : d;
    };
    const startedAt = time('startedAt');
    const endedAt = time('endedAt');
    if (startedAt && endedAt && endedAt < startedAt) {
      errors.push({ field: metaField('endedAt'), message: 'must not be before startedAt' });
    }
    const soon = this.deps.clock.now().getTime() + 86_400_000;
    if (endedAt && endedAt.getTime() > soon) {
      errors.push({ field: metaField('endedAt'), message: 'is more than a day in the future' });
    }
    const clientRef = meta.clientRef ?? null;
    if (clientRef !== null && !/^[\x21-\x7e]{1,128}$/.test(clientRef)) {
      errors.push({ field: metaField('clientRef'), message: 'must be 1–128 printable ASCII characters' });
    }
    if (errors.length > 0 || cameraId === undefined || !startedAt || !endedAt) {
      throw new AppError(
        'validation_failed',
        errors.map((e) => `${e.field} ${e.message}`).join('; '),
        errors,
      );
    }
    await this.vault.recipientOf(who.ownerId);
    const camera = await cameras.findOwnCamera(this.deps.db, who.ownerId, cameraId);
    if (!camera) {
      throw new AppError('not_found', 'camera not found', [
        { field: metaField('cameraId'), message: 'is not one of your cameras' },
      ]);
    }
    if (clientRef !== null) {
      const existing = await repo.findClipByClientRef(this.deps.db, who.ownerId, clientRef);
      if (existing !== undefined) throw this.clipExists(existing);
    }
    return { ...who, cameraId: camera.id, startedAt, endedAt, clientRef, size };
  }

  /** The clip (by public id) already made with this clientRef. */
  clipExists(clipId: string): AppError & { clipId: string } {
    return Object.assign(
      new AppError('clip_exists', `clip ${clipId} already has this clientRef`, [
        { field: metaField('clientRef'), message: `is already used by clip ${clipId}` },
      ]),
      { clipId },
    );
  }

  /** Runs a validated creation through tus. */
  create(req: Request, intent: UploadIntent): Promise<Response> {
    this.intents.set(req, intent);
    return this.tus.handleWeb(req);
  }

  /** The upload, when `who` may touch it; anyone else's upload does not exist. */
  async ownUpload(who: Uploader, id: string): Promise<repo.UploadRow> {
    const row = /^[0-9a-f]{32}$/.test(id) ? await repo.findUpload(this.deps.db, id) : undefined;
    if (!row || row.owner_id !== who.ownerId) throw notFound('upload');
    return row;
  }

  /** After tus terminated an unfinished upload: forget it. */
  async terminated(id: string): Promise<void> {
    await repo.deleteUpload(this.deps.db, id);
  }

  /**
   * Turns a finished upload into a clip: the bytes must start with an age header and carry a payload (else
   * the upload is deleted and the PATCH gets 422), the ciphertext is hashed, and the clip row and its event
   * are written in one transaction. Idempotent: a second call returns the same clip.
   */
  async finish(uploadId: string): Promise<string> {
    const db = this.deps.db;
    const up = await repo.findUpload(db, uploadId);
    if (!up) throw tusProblem('not_found', 'upload not found');
    if (up.clip_public_id !== null) return up.clip_public_id;
    const blobs = this.clips.blobs;
    const size = (await blobs.size(uploadId)) ?? 0;
    const head = Buffer.alloc(Math.min(size, MAX_HEADER_BYTES));
    if (head.length > 0) {
      let at = 0;
      for await (const chunk of await blobs.read(uploadId, { start: 0, end: head.length - 1 })) {
        at += (chunk as Buffer).copy(head, at);
      }
    }
    const header = parseHeader(head);
    // X25519 stanzas only and a size that fits age's chunks (issue 9, hole 7): an age header alone proves
    // nothing, a scrypt header in front of a plain MP4 was once stored as a "clip".
    const problem = header.ok ? clipCiphertextProblem(header, size) : `not an age file: ${header.reason}`;
    if (problem !== undefined) {
      await this.discard(uploadId);
      throw tusProblem(
        'not_age_ciphertext',
        `the upload is not a clip encrypted with age (${problem}); it was deleted. ` +
          'Encrypt clips to your vault recipient before uploading.',
      );
    }
    const sha256 = await this.clips.hashBlob(uploadId);
    const clip = await db.transaction(async (tx) => {
      const row = await repo.insertClip(tx, {
        ownerId: up.owner_id,
        cameraId: up.camera_id,
        startedAt: up.started_at,
        endedAt: up.ended_at,
        sizeBytes: size,
        sha256,
        blobKey: uploadId,
        clientRef: up.client_ref,
      });
      if (!row) return undefined;
      await repo.sealUpload(tx, uploadId, row.id);
      await insertEvent(tx, {
        type: 'clip.created',
        actorId: up.owner_id,
        subjectType: 'clip',
        subjectId: row.public_id,
        data: { cameraId: up.camera_id, sizeBytes: size, deviceId: up.device_id },
      });
      return row;
    });
    if (!clip) {
      // A concurrent finish of this same upload (a HEAD and the last PATCH) made the clip: that is the answer.
      const same = await repo.findClipByBlobKey(db, uploadId);
      if (same !== undefined) return same;
      // Another upload with the same clientRef finished first (or the camera went away meanwhile).
      await this.discard(uploadId);
      const existing = up.client_ref && (await repo.findClipByClientRef(db, up.owner_id, up.client_ref));
      if (existing) {
        const e = this.clipExists(existing);
        throw tusProblem('clip_exists', e.detail!, e.errors);
      }
      throw tusProblem('not_found', 'the camera was deleted during the upload');
    }
    // Best effort: a leftover sidecar holds no clip facts (metadata was stripped at creation).
    await blobs.sealUpload(uploadId).catch(() => undefined);
    return clip.public_id;
  }

  private async discard(uploadId: string): Promise<void> {
    await this.deps.db.transaction(async (tx) => {
      await repo.deleteUpload(tx, uploadId);
      await repo.queueOrphans(tx, [uploadId], 'upload');
    });
    await this.clips.purgeOrphans();
  }
}
