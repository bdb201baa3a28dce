import type { FastifyBaseLogger } from 'fastify';
import type { Deps } from '../../deps.js';
import { AppError, invalid, notFound } from '../../errors.js';
import { authorize, type Viewer } from '../../policies.js';
import type { AgenciesService } from '../agencies/agencies.service.js';
import type { Readable } from 'node:stream';
import type { ClipsService } from '../clips/clips.service.js';
import { resolveRange } from '../clips/range.js';
import { enqueueJob } from '../../infra/jobs/index.js';
import { insertEvent } from '../events/events.repository.js';
import type { DisclosureUploadsService } from './disclosure-uploads.js';
import { presentAgencyDisclosure, presentOwnDisclosure } from './disclosures.presenter.js';
import * as repo from './disclosures.repository.js';
import { DISCLOSURE_EXPIRY_JOB } from './retention.js';
import * as requests from './disclosures.requests.js';

const DAY_MS = 86_400_000;

/** A disclosure's ciphertext response: whole, one range, or 416. */
export interface DisclosureCiphertext {
  status: 200 | 206 | 416;
  headers: Record<string, string>;
  body: Readable | undefined;
}

/**
 * Disclosures after upload (issue 8 §6–8): the owner lists and revokes their own (until the first download);
 * the requesting agency lists and downloads them once their `disclosure.created` entry is in a signed
 * checkpoint, logging each member's access once a day; legal holds extend a copy's life, logged; a retention
 * pass deletes expired copies. An agency never learns who shared.
 */
export class DisclosuresService {
  constructor(
    private readonly deps: Deps,
    private readonly agencies: AgenciesService,
    private readonly clips: ClipsService,
    private readonly uploads: DisclosureUploadsService,
  ) {}

  /** Where disclosure ciphertext is stored (the clip store). */
  get blobs() {
    return this.clips.blobs;
  }

  /** The signed-in owner's own disclosures. */
  async mine(viewer: Viewer | null) {
    const v = authorize(viewer, 'vault.own');
    const rows = await repo.listByOwner(this.deps.db, v.id);
    return { items: rows.map(presentOwnDisclosure) };
  }

  /** Revokes the owner's disclosure before its first download: ciphertext deleted, `disclosure.revoked` logged. */
  async revoke(viewer: Viewer | null, id: string): Promise<void> {
    const v = authorize(viewer, 'vault.own');
    await this.deps.db.transaction(async (tx) => {
      const row = await repo.lockDisclosure(tx, id);
      if (!row || row.owner_id !== v.id) throw notFound('disclosure');
      if (row.status !== 'shared') throw new AppError('conflict', `this disclosure is already ${row.status}`);
      if (row.first_downloaded_at !== null)
        throw new AppError('disclosure_downloaded', 'the agency downloaded it; it can no longer be revoked');
      await repo.endDisclosure(tx, row, 'revoked', this.deps.clock.now());
      await insertEvent(tx, {
        type: 'disclosure.revoked',
        actorId: v.id,
        subjectType: 'disclosure',
        subjectId: row.id,
        data: { disclosure: row.id, request: row.request_id },
      });
    });
    await this.clips.purgeOrphans();
  }

  /** The request's logged disclosures, for a member of the requesting agency. */
  async listForRequest(viewer: Viewer | null, requestId: string) {
    const request = await this.#agencyRequest(viewer, requestId);
    const rows = await repo.listLoggedForRequest(this.deps.db, request.id);
    const holds = await repo.holdsForRequest(this.deps.db, request.id);
    return { items: rows.map((r) => presentAgencyDisclosure(r, holds)) };
  }

  /**
   * The ciphertext for a member of the requesting agency, once logged: whole or one `Range`. The first
   * download ends revocation, and each member's first access of the day is logged before any byte is sent.
   */
  async ciphertext(
    viewer: Viewer | null,
    id: string,
    h: { range?: string | undefined; ifRange?: string | undefined },
  ): Promise<DisclosureCiphertext> {
    const { viewer: v, row } = await this.#agencyDisclosure(viewer, id);
    const size = row.ciphertext_bytes;
    const etag = `"${row.ciphertext_sha256}"`;
    const range = h.ifRange === undefined || h.ifRange === etag ? resolveRange(h.range, size) : undefined;
    const common = {
      etag,
      'accept-ranges': 'bytes',
      'cache-control': 'private, no-store',
      'content-disposition': `attachment; filename="${row.id}.age"`,
    };
    if (range === 'unsatisfiable')
      return { status: 416, headers: { ...common, 'content-range': `bytes */${size}` }, body: undefined };
    const blobKey = await this.#recordAccess(v, row.id);
    const headers = { ...common, 'content-type': 'application/octet-stream' };
    if (!range)
      return {
        status: 200,
        headers: { ...headers, 'content-length': String(size) },
        body: await this.clips.blobs.read(blobKey),
      };
    return {
      status: 206,
      headers: {
        ...headers,
        'content-length': String(range.end - range.start + 1),
        'content-range': `bytes ${range.start}-${range.end}/${size}`,
      },
      body: await this.clips.blobs.read(blobKey, range),
    };
  }

  /**
   * A legal hold: keeps the copy until `until` (later than its current expiry, at most the policy's
   * `legalHoldMaxDays` from now). A hold can only be extended by filing another; each is logged and public.
   */
  async hold(
    viewer: Viewer | null,
    id: string,
    body: { caseNumber: string; justification: string; until: string },
  ) {
    const { viewer: v } = await this.#agencyDisclosure(viewer, id, { logged: false });
    const now = this.deps.clock.now();
    const until = new Date(body.until);
    return this.deps.db.transaction(async (tx) => {
      const row = await repo.lockDisclosure(tx, id);
      if (!row) throw notFound('disclosure');
      if (row.status !== 'shared') throw new AppError('conflict', `this disclosure is ${row.status}`);
      const request = (await requests.findRequest(tx, row.request_id))!;
      const maxDays = requests.legalHoldMaxDays(request);
      if (until.getTime() > now.getTime() + maxDays * DAY_MS)
        throw invalid(
          '/body/until',
          `must be at most ${maxDays} days from now (the policy's legalHoldMaxDays)`,
        );
      if (until <= row.expires_at)
        throw invalid(
          '/body/until',
          `must be later than the current expiry, ${row.expires_at.toISOString()}`,
        );
      const eventId = await insertEvent(tx, {
        type: 'disclosure.held',
        actorId: v.id,
        subjectType: 'disclosure',
        subjectId: row.id,
        data: {
          disclosure: row.id,
          request: row.request_id,
          caseNumber: body.caseNumber,
          justification: body.justification,
          until: until.toISOString().replace(/\.\d{3}Z$/, 'Z'),
        },
      });
      await repo.insertHold(tx, {
        disclosureId: row.id,
        requestId: row.request_id,
        caseNumber: body.caseNumber,
        justification: body.justification,
        until,
        filedBy: v.id,
        eventId,
        now,
      });
      await repo.setExpiry(tx, row.id, until);
      await enqueueJob(tx, { kind: DISCLOSURE_EXPIRY_JOB, runAt: until, payload: { disclosure: row.id } });
      const holds = await repo.holdsForRequest(tx, row.request_id);
      return presentAgencyDisclosure({ ...row, expires_at: until }, holds);
    });
  }

  /**
   * One retention pass: ends every shared disclosure past its expiry (blob queued, `disclosure.expired`
   * logged) and drops abandoned disclosure uploads. Safe in several processes at once (SKIP LOCKED) and
   * after a crash (a copy is ended and its blob queued in one transaction; the queue is retried).
   */
  async runRetention(log?: FastifyBaseLogger): Promise<{ expired: number; abandoned: number }> {
    const now = this.deps.clock.now();
    let expired = 0;
    for (;;) {
      const n = await this.deps.db.transaction(async (tx) => {
        const rows = await repo.lockExpired(tx, now, 100);
        for (const row of rows) {
          await repo.endDisclosure(tx, row, 'expired', now);
          await insertEvent(tx, {
            type: 'disclosure.expired',
            actorId: null,
            subjectType: 'disclosure',
            subjectId: row.id,
            data: { disclosure: row.id, request: row.request_id },
          });
        }
        return rows.length;
      });
      expired += n;
      if (n < 100) break;
    }
    const abandoned = await this.uploads.deleteStale(now);
    await this.clips.purgeOrphans(log);
    return { expired, abandoned };
  }

  /** The request, when the viewer is an active member of the agency that filed it; else not found. */
  async #agencyRequest(viewer: Viewer | null, requestId: string) {
    const { agency } = await this.agencies.requireActiveAgency(viewer);
    const request = await requests.findRequest(this.deps.db, requestId);
    if (!request || request.agency_id !== agency.id) throw notFound('footage request');
    return request;
  }

  /** The disclosure, for an active member of the agency it was made to (logged, unless told otherwise). */
  async #agencyDisclosure(viewer: Viewer | null, id: string, opts: { logged?: boolean } = {}) {
    const { viewer: v, agency } = await this.agencies.requireActiveAgency(viewer);
    const row = await repo.findDisclosure(this.deps.db, id);
    if (!row || row.agency_id !== agency.id) throw notFound('disclosure');
    if (opts.logged !== false) {
      if (row.status !== 'shared') throw notFound(`disclosure (it was ${row.status})`);
      if (!(await repo.isCheckpointed(this.deps.db, row.log_index)))
        throw new AppError(
          'not_yet_logged',
          'the disclosure is not yet in a signed checkpoint; try again shortly',
        );
    }
    return { viewer: v, agency, row };
  }

  /** Marks the download and logs the member's first access today; returns the blob to read. */
  async #recordAccess(v: Viewer, id: string): Promise<string> {
    const now = this.deps.clock.now();
    return this.deps.db.transaction(async (tx) => {
      const row = await repo.lockDisclosure(tx, id);
      // Revoked or expired between the check and now.
      if (!row || row.status !== 'shared' || !row.blob_key) throw notFound('disclosure');
      await repo.markDownloaded(tx, id, now);
      if (await repo.claimAccess(tx, id, v.id, now))
        await insertEvent(tx, {
          type: 'disclosure.accessed',
          actorId: v.id,
          subjectType: 'disclosure',
          subjectId: id,
          data: { disclosure: id, agencyId: row.agency_id },
        });
      return row.blob_key;
    });
  }

  /** For the evidence export: records access to every listed disclosure, as a download would. */
  recordAccess(v: Viewer, id: string): Promise<string> {
    return this.#recordAccess(v, id);
  }

  /** For the evidence export: the request (checked like every agency read) and its logged disclosures. */
  async evidenceParts(viewer: Viewer | null, requestId: string) {
    const request = await this.#agencyRequest(viewer, requestId);
    const rows = await repo.listLoggedForRequest(this.deps.db, request.id);
    return { request, rows: rows.filter((r) => r.status === 'shared') };
  }
}
