import { randomBytes } from 'node:crypto';
import { Metadata, Server } from '@tus/server';
import type { Deps } from '../../deps.js';
import { AppError, notFound, type FieldError } from '../../errors.js';
import { tusOutage } from '../../http/outage.js';
import { authorize, type Viewer } from '../../policies.js';
import type { AgencyKeysService } from '../agency-keys/agency-keys.service.js';
import type { ClipsService } from '../clips/clips.service.js';
import { DISCLOSURE_UPLOAD_TABLES, uploadLedger } from '../clips/upload-ledger.repository.js';
import { DatabaseLocker } from '../clips/upload-lock.js';
import { TusProblem, UPLOADS_PATH } from '../clips/uploads.service.js';
import { enqueueJob } from '../../infra/jobs/index.js';
import { insertEvent } from '../events/events.repository.js';
import { clipCiphertextProblem, parseHeader } from '../vault/age-format.js';
import * as uploads from './disclosure-uploads.repository.js';
import * as repo from './disclosures.repository.js';
import { DISCLOSURE_EXPIRY_JOB } from './retention.js';
import * as requests from './disclosures.requests.js';
import { parseManifest, plaintextLength } from './manifest.js';

export const DISCLOSURE_ID_HEADER = 'Porchlight-Disclosure-Id';
const MAX_HEADER_BYTES = 64 * 1024;
const DAY_MS = 86_400_000;

/** A validated disclosure upload creation, handed from the route to tus's creation hook. */
export interface DisclosureIntent {
  ownerId: number;
  requestId: string;
  manifest: repo.Manifest;
  size: number;
}

const meta = (key: string) => `/headers/upload-metadata/${key}`;
const invalid = (errors: FieldError[]) =>
  new AppError('validation_failed', errors.map((e) => `${e.field} ${e.message}`).join('; '), errors);

/** An RFC 3339 time to the second, as log entries carry times. */
const toSeconds = (iso: string): string => `${iso.slice(0, 19)}Z`;

/** A new disclosure id: "ds_" and 16 random bytes, base64url (nothing sequential in a URL). */
export const newDisclosureId = (): string => `ds_${randomBytes(16).toString('base64url')}`;

/** Whether tus upload metadata asks for a disclosure (`kind disclosure`) rather than a vault clip. */
export function isDisclosureMetadata(header: string | undefined): boolean {
  try {
    return Metadata.parse(header ?? '').kind === 'disclosure';
  } catch {
    return false;
  }
}

/**
 * Disclosure uploads over tus 1.0 at the same `/api/uploads` as clips (metadata `kind=disclosure`,
 * `requestId`, `manifest`). Only an owner matched to an open request may create one, from a signed-in
 * browser; the finished upload must be age ciphertext with one X25519 stanza per current agency recipient.
 * The disclosure row and its `disclosure.created` event are written in one transaction.
 */
export class DisclosureUploadsService {
  private server: Server | undefined;
  private readonly intents = new WeakMap<Request, DisclosureIntent>();

  constructor(
    private readonly deps: Deps,
    private readonly clips: ClipsService,
    private readonly agencyKeys: AgencyKeysService,
  ) {}

  get tus(): Server {
    const db = this.deps.db;
    const ledger = uploadLedger(db, DISCLOSURE_UPLOAD_TABLES);
    this.server ??= new Server({
      path: UPLOADS_PATH,
      datastore: this.clips.blobs.uploadStore(ledger),
      maxSize: this.deps.config.maxClipBytes,
      relativeLocation: true,
      locker: new DatabaseLocker(db),
      exposedHeaders: [DISCLOSURE_ID_HEADER],
      allowedOrigins: [this.deps.config.publicUrl],
      namingFunction: () => randomBytes(16).toString('hex'),
      onResponseError: tusOutage,
      onUploadCreate: async (req, upload) => {
        const intent = this.intents.get(req);
        if (!intent) throw new TusProblem('bad_request', 'upload creation was not validated');
        await uploads.insertUpload(db, { id: upload.id, ...intent, createdAt: this.deps.clock.now() });
        return { metadata: {} };
      },
      onUploadFinish: async (_req, upload) => {
        const id = await this.finish(upload.id);
        return { headers: { [DISCLOSURE_ID_HEADER]: id } };
      },
    });
    return this.server;
  }

  /** The owner sharing: a signed-in browser session only (a hub never answers a request). */
  owner(viewer: Viewer | null, authorization: string | undefined): Viewer {
    if (authorization !== undefined && /^Bearer\s/i.test(authorization))
      throw new AppError('forbidden', 'disclosures are made from the owner’s browser, not a device');
    return authorize(viewer, 'vault.own');
  }

  /** Validates a creation into an intent: the owner must be matched to the open request. */
  async validateCreation(
    owner: Viewer,
    headers: {
      uploadLength: string | undefined;
      uploadDeferLength: string | undefined;
      metadata: string | undefined;
    },
  ): Promise<DisclosureIntent> {
    if (headers.uploadDeferLength !== undefined || !/^\d{1,16}$/.test(headers.uploadLength ?? ''))
      throw invalid([{ field: '/headers/upload-length', message: 'is required: a whole number of bytes' }]);
    const size = Number(headers.uploadLength);
    const max = this.deps.config.maxClipBytes;
    if (size > max)
      throw new AppError(
        'payload_too_large',
        `a disclosure may be at most ${max} bytes; this one is ${size}`,
        [{ field: '/headers/upload-length', message: `must be at most ${max}` }],
      );
    const m = Metadata.parse(headers.metadata ?? '');
    const requestId = m.requestId ?? '';
    const request = await requests.findRequest(this.deps.db, requestId);
    // Not matched and not existing look the same: an owner learns nothing about requests that did not reach them.
    if (!request || !(await requests.isMatchedOwner(this.deps.db, request.id, owner.id)))
      throw new AppError('not_found', 'footage request not found among the requests that reached you', [
        { field: meta('requestId'), message: 'is not a request that reached one of your cameras' },
      ]);
    if (request.status !== 'open') throw new AppError('request_not_open', `the request is ${request.status}`);
    if (request.agency_status !== 'verified')
      throw new AppError('agency_suspended', 'the agency is suspended');
    const parsed = parseManifest(m.manifest, request.id);
    if ('errors' in parsed) throw invalid(parsed.errors);
    if ((await this.agencyKeys.currentRecipients(request.agency_id)).length === 0)
      throw new AppError('wrong_recipients', 'the agency has no recipients yet; nobody could decrypt this');
    return { ownerId: owner.id, requestId: request.id, manifest: parsed.manifest, size };
  }

  create(req: Request, intent: DisclosureIntent): Promise<Response> {
    this.intents.set(req, intent);
    return this.tus.handleWeb(req);
  }

  /** The owner's own upload; anyone else's does not exist. */
  async ownUpload(owner: Viewer, id: string): Promise<uploads.DisclosureUploadRow> {
    const row = /^[0-9a-f]{32}$/.test(id) ? await uploads.findUpload(this.deps.db, id) : undefined;
    if (!row || row.owner_id !== owner.id) throw notFound('upload');
    return row;
  }

  /** Whether `id` names a disclosure upload (the route sends those here rather than to clip uploads). */
  async isDisclosureUpload(id: string): Promise<boolean> {
    return /^[0-9a-f]{32}$/.test(id) && (await uploads.findUpload(this.deps.db, id)) !== undefined;
  }

  async terminated(id: string): Promise<void> {
    await uploads.deleteUpload(this.deps.db, id);
  }

  /**
   * Turns a finished upload into a disclosure: age ciphertext with exactly one X25519 stanza per current
   * agency recipient (the server cannot see which recipients; the owner's browser checked them against the
   * log), hashed, matching the manifest's ciphertext hash if it gave one. Idempotent.
   */
  async finish(uploadId: string): Promise<string> {
    const db = this.deps.db;
    const up = await uploads.findUpload(db, uploadId);
    if (!up) throw new TusProblem('not_found', 'upload not found');
    if (up.disclosure_id !== null) return up.disclosure_id;
    const blobs = this.clips.blobs;
    const size = (await blobs.size(uploadId)) ?? 0;
    const head = Buffer.alloc(Math.min(size, MAX_HEADER_BYTES));
    if (head.length > 0) {
      let at = 0;
      for await (const chunk of await blobs.read(uploadId, { start: 0, end: head.length - 1 }))
        at += (chunk as Buffer).copy(head, at);
    }
    const header = parseHeader(head);
    // X25519 stanzas only, and a payload that fits age's chunk layout: the same rule as vault clips.
    const problem = header.ok ? clipCiphertextProblem(header, size) : header.reason;
    const plaintextBytes = header.ok ? plaintextLength(size - header.headerLength) : undefined;
    if (!header.ok || problem !== undefined || plaintextBytes === undefined) {
      await this.discard(uploadId);
      throw new TusProblem(
        'not_age_ciphertext',
        `the upload is not age ciphertext (${problem ?? 'no payload'}); it was deleted`,
      );
    }
    const request = await requests.findRequest(db, up.request_id);
    const recipients = request ? await this.agencyKeys.currentRecipients(request.agency_id) : [];
    const stanzas = header.stanzas;
    if (stanzas.length !== recipients.length) {
      await this.discard(uploadId);
      throw new TusProblem(
        'wrong_recipients',
        `the agency has ${recipients.length} recipient(s) but the file is encrypted to ${stanzas.length}; ` +
          'it was deleted. Fetch the recipient set again, check it against the log, and re-encrypt.',
      );
    }
    const ciphertextSha256 = await this.clips.hashBlob(uploadId);
    if (up.manifest.ciphertextSha256 !== undefined && up.manifest.ciphertextSha256 !== ciphertextSha256) {
      await this.discard(uploadId);
      throw new TusProblem(
        'validation_failed',
        'the ciphertext’s SHA-256 is not the manifest’s; it was deleted',
        [{ field: meta('manifest/ciphertextSha256'), message: 'does not match the uploaded bytes' }],
      );
    }
    const now = this.deps.clock.now();
    const manifest = { ...up.manifest, ciphertextSha256, plaintextBytes, ciphertextBytes: size };
    const id = await db.transaction(async (tx) => {
      // A HEAD and the last PATCH may finish the same upload at once: the second finds the first's disclosure.
      const locked = await uploads.lockUpload(tx, uploadId);
      if (!locked) return undefined;
      if (locked.disclosure_id !== null) return locked.disclosure_id;
      const r = await requests.lockRequest(tx, up.request_id);
      if (!r || r.status !== 'open' || !(await requests.isMatchedOwner(tx, r.id, up.owner_id)))
        return undefined;
      const disclosureId = newDisclosureId();
      const createdEventId = await insertEvent(tx, {
        type: 'disclosure.created',
        actorId: null,
        subjectType: 'disclosure',
        subjectId: disclosureId,
        data: {
          disclosure: disclosureId,
          request: r.id,
          plaintextSha256: manifest.plaintextSha256,
          ciphertextSha256,
          plaintextBytes,
          ciphertextBytes: size,
          captureStart: toSeconds(manifest.captureStart),
          captureEnd: toSeconds(manifest.captureEnd),
        },
      });
      const expiresAt = new Date(now.getTime() + requests.retentionDays(r) * DAY_MS);
      await repo.insertDisclosure(tx, {
        id: disclosureId,
        requestId: r.id,
        agencyId: r.agency_id,
        ownerId: up.owner_id,
        blobKey: uploadId,
        manifest,
        createdEventId,
        createdAt: now,
        expiresAt,
      });
      // The expiry job, committed with the disclosure (infra/jobs).
      await enqueueJob(tx, {
        kind: DISCLOSURE_EXPIRY_JOB,
        runAt: expiresAt,
        payload: { disclosure: disclosureId },
      });
      await uploads.sealUpload(tx, uploadId, disclosureId);
      return disclosureId;
    });
    if (!id) {
      const again = await uploads.findUpload(db, uploadId);
      if (again?.disclosure_id) return again.disclosure_id;
      await this.discard(uploadId);
      throw new TusProblem('request_not_open', 'the request closed during the upload; it was deleted');
    }
    await blobs.sealUpload(uploadId).catch(() => undefined);
    return id;
  }

  private async discard(uploadId: string): Promise<void> {
    await this.deps.db.transaction(async (tx) => {
      await uploads.deleteUpload(tx, uploadId);
      await tx.query(
        `INSERT INTO orphan_blobs (blob_key, kind) VALUES ($1, 'upload') ON CONFLICT DO NOTHING`,
        [uploadId],
      );
    });
    await this.clips.purgeOrphans();
  }

  /** Deletes uploads abandoned for a day (their partial blobs are queued). */
  deleteStale(now: Date): Promise<number> {
    return this.deps.db.transaction((tx) => uploads.deleteStaleUploads(tx, new Date(now.getTime() - DAY_MS)));
  }
}
