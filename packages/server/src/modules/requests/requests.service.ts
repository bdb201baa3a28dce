import type { Deps } from '../../deps.js';
import { AppError, forbidden, notFound } from '../../errors.js';
import type { Queryable } from '../../infra/db/index.js';
import { enqueueJob } from '../../infra/jobs/index.js';
import type { Viewer } from '../../policies.js';
import type { AgenciesService } from '../agencies/agencies.service.js';
import { insertEvent } from '../events/events.repository.js';
import { opaqueId } from './requests.ids.js';
import { coverCells, matchCameras, PUBLISHED_RESOLUTION } from './requests.matching.js';
import { evaluateDraft, type Evaluation } from './requests.policy.js';
import {
  decodeRequestCursor,
  encodeRequestCursor,
  logTime,
  presentAgencyRequest,
  presentRequest,
  type DisclosureSummary,
} from './requests.presenter.js';
import { REQUEST_EXPIRY_JOB } from './requests.expiry.js';
import * as repo from './requests.repository.js';
import type { Draft } from './requests.schema.js';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** Disclosure facts a request page shows; the disclosures module supplies them (none until it does). */
export type DisclosureSummaries = (
  q: Queryable,
  requestIds: string[],
) => Promise<Map<string, DisclosureSummary>>;

const noDisclosures: DisclosureSummaries = () => Promise.resolve(new Map<string, DisclosureSummary>());

/**
 * Footage requests (G4, G7): an agency member's draft is checked against the policy of the jurisdiction that
 * contains its area; a refusal is logged with every violated rule, an accepted request is published to the log
 * (area as H3 cells, never the polygon), matched to opted-in cameras and delivered to their owners' inboxes.
 * Nothing an agency can read says how many cameras or owners it reached. A request is never edited or
 * deleted; it closes (by the agency) or expires (by the clock), and its matches are deleted then.
 */
export class RequestsService {
  private disclosures: DisclosureSummaries = noDisclosures;

  constructor(
    private readonly deps: Deps,
    private readonly agencies: AgenciesService,
  ) {}

  /** Lets the disclosures module supply counts and holds for request pages. */
  useDisclosureSummaries(fn: DisclosureSummaries): void {
    this.disclosures = fn;
  }

  /** Disclosure counts and holds of the given requests (for the inbox and request pages). */
  summaries(requestIds: string[]): Promise<Map<string, DisclosureSummary>> {
    return requestIds.length === 0
      ? Promise.resolve(new Map<string, DisclosureSummary>())
      : this.disclosures(this.deps.db, requestIds);
  }

  /** Checks a draft without filing it: the same rules and counts as filing, and nothing is logged. */
  async check(viewer: Viewer | null, draft: Draft) {
    const { agency } = await this.agencies.requireActiveAgency(viewer);
    const e = await evaluateDraft(this.deps.db, { agency, draft, now: this.deps.clock.now() });
    return {
      violations: e.violations,
      areaM2: e.areaM2,
      jurisdiction: e.jurisdiction,
      policyVersion: e.policyVersion,
    };
  }

  /**
   * Files a request. Refused (422 `request_refused`, every violated rule listed) with a `request.refused`
   * entry, or published with a `request.published` entry and its matches, in one transaction either way.
   * Matched owners hear of it after commit.
   */
  async publish(viewer: Viewer | null, draft: Draft) {
    const { viewer: v, agency } = await this.agencies.requireActiveAgency(viewer);
    const now = this.deps.clock.now();
    const outcome = await this.deps.db.transaction(async (tx) => {
      await repo.lockAgencyRequests(tx, agency.id);
      const e = await evaluateDraft(tx, { agency, draft, now });
      if (e.violations.length > 0) {
        await this.logRefusal(tx, v, agency.id, draft, e);
        return { refused: e, id: null };
      }
      return { refused: null, id: await this.insertPublished(tx, v, agency.id, draft, e, now) };
    });
    // The refusal is committed (and logged) before the agency hears of it.
    if (outcome.refused) {
      const { violations, jurisdiction } = outcome.refused;
      throw new AppError(
        'request_refused',
        `the ${jurisdiction} policy refuses this request: ${violations.map((x) => x.rule).join(', ')}`,
        undefined,
        { violations },
      );
    }
    await this.notifyOwners(outcome.id);
    const row = await repo.findRequest(this.deps.db, outcome.id);
    return presentRequest(row!, undefined);
  }

  private async logRefusal(tx: Queryable, v: Viewer, agencyId: number, draft: Draft, e: Evaluation) {
    const hours = (Date.parse(draft.windowEnd) - Date.parse(draft.windowStart)) / HOUR_MS;
    await insertEvent(tx, {
      type: 'request.refused',
      actorId: v.id,
      subjectType: 'agency',
      subjectId: agencyId,
      // No narrative and no polygon: a refused request publishes what was wrong, not what was asked.
      data: {
        agencyId,
        jurisdiction: e.jurisdiction,
        policyVersion: e.policyVersion,
        policySha256: e.policySha256,
        rules: [...new Set(e.violations.map((x) => x.rule))].sort(),
        category: draft.offenseCategory,
        areaM2: Math.round(e.areaM2),
        windowHours: Number.isFinite(hours) ? Math.max(0, Math.round(hours)) : 0,
      },
    });
  }

  private async insertPublished(
    tx: Queryable,
    v: Viewer,
    agencyId: number,
    draft: Draft,
    e: Evaluation,
    now: Date,
  ): Promise<string> {
    const id = opaqueId('rq');
    const cells = coverCells(draft.area, PUBLISHED_RESOLUTION);
    const windowStart = new Date(draft.windowStart);
    const windowEnd = new Date(draft.windowEnd);
    const responseDeadline = new Date(now.getTime() + e.rules.responseWindowDays * DAY_MS);
    const justificationDue = draft.exigent
      ? new Date(now.getTime() + e.rules.exigentJustificationHours * HOUR_MS)
      : null;
    const eventId = await insertEvent(tx, {
      type: 'request.published',
      actorId: v.id,
      subjectType: 'request',
      subjectId: id,
      data: {
        requestId: id,
        agencyId,
        jurisdiction: e.jurisdiction,
        caseNumber: draft.caseNumber,
        category: draft.offenseCategory,
        legalBasis: draft.legalBasis,
        narrative: draft.narrative,
        windowStart: logTime(windowStart),
        windowEnd: logTime(windowEnd),
        responseDeadline: logTime(responseDeadline),
        exigent: draft.exigent,
        policyVersion: e.policyVersion,
        policySha256: e.policySha256,
        cells,
      },
    });
    await repo.insertRequest(tx, {
      id,
      agency_id: agencyId,
      jurisdiction: e.jurisdiction,
      policy_version: e.policyVersion,
      policy_sha256: e.policySha256,
      created_by: v.id,
      case_number: draft.caseNumber,
      offense_category: draft.offenseCategory,
      legal_basis: draft.legalBasis,
      investigator_name: draft.investigatorName,
      investigator_contact: draft.investigatorContact,
      narrative: draft.narrative,
      area: draft.area,
      area_m2: e.areaM2,
      cells,
      window_start: windowStart,
      window_end: windowEnd,
      response_deadline: responseDeadline,
      exigent: draft.exigent,
      justification_due: justificationDue,
      published_event_id: eventId,
      created_at: now,
    });
    const matches = await matchCameras(tx, { area: draft.area, agencyId, inside: e.inside });
    await repo.insertMatches(tx, id, matches);
    // The expiry job for each deadline, committed with the request (infra/jobs).
    for (const at of [responseDeadline, justificationDue])
      if (at) await enqueueJob(tx, { kind: REQUEST_EXPIRY_JOB, runAt: at, payload: { requestId: id } });
    return id;
  }

  /** Live delivery is best effort after commit: an owner who missed it finds the request in their inbox. */
  private async notifyOwners(requestId: string): Promise<void> {
    try {
      await this.deps.live.publish({ kind: 'inbox.request', requestId });
    } catch {
      // Committed already; the inbox is the record.
    }
  }

  /** Public list, newest first. No account needed; nothing about who was reached. */
  async list(q: {
    agency?: number | undefined;
    jurisdiction?: string | undefined;
    status?: string | undefined;
    month?: string | undefined;
    cursor?: string | undefined;
    limit?: number | undefined;
  }) {
    const limit = q.limit ?? 20;
    let month: { start: Date; end: Date } | undefined;
    if (q.month) {
      const [y, m] = q.month.split('-').map(Number) as [number, number];
      month = { start: new Date(Date.UTC(y, m - 1, 1)), end: new Date(Date.UTC(y, m, 1)) };
    }
    const rows = await repo.listRequests(this.deps.db, {
      agencyId: q.agency,
      jurisdiction: q.jurisdiction,
      // The route's schema admits only open, closed or expired.
      status: q.status as repo.RequestStatus | undefined,
      month,
      after: decodeRequestCursor(q.cursor),
      limit: limit + 1,
    });
    const shown = rows.slice(0, limit);
    const summaries = await this.disclosures(
      this.deps.db,
      shown.map((r) => r.id),
    );
    const last = shown.at(-1);
    return {
      items: shown.map((r) => presentRequest(r, summaries.get(r.id))),
      nextCursor: rows.length > limit && last ? encodeRequestCursor(last) : null,
    };
  }

  /** One request's public page. */
  async get(id: string) {
    const row = await repo.findRequest(this.deps.db, id);
    if (!row) throw notFound('request');
    const summaries = await this.disclosures(this.deps.db, [id]);
    return presentRequest(row, summaries.get(id));
  }

  /** One request as its own agency's members see it: the public page plus investigator and drawn area. */
  async getForAgency(viewer: Viewer | null, id: string) {
    const { agency } = await this.agencies.requireActiveAgency(viewer);
    const row = await repo.findRequest(this.deps.db, id);
    if (!row) throw notFound('request');
    if (row.agency_id !== agency.id) throw forbidden('this request belongs to another agency');
    const summaries = await this.disclosures(this.deps.db, [id]);
    return presentAgencyRequest(row, summaries.get(id));
  }

  /** The filing agency closes an open request (never edits or deletes it). Its matches go with it. */
  async close(viewer: Viewer | null, id: string, reason: string) {
    const { viewer: v, agency } = await this.agencies.requireActiveAgency(viewer);
    const text = reason.trim();
    if (text.length < 3)
      throw new AppError(
        'validation_failed',
        '/body/reason: must have at least 3 characters besides spaces',
        [{ field: '/body/reason', message: 'must have at least 3 characters besides spaces' }],
      );
    await this.deps.db.transaction(async (tx) => {
      const row = await repo.findRequest(tx, id, true);
      if (!row) throw notFound('request');
      if (row.agency_id !== agency.id) throw forbidden('only the agency that filed a request may close it');
      const closed = await repo.closeRequest(tx, {
        id,
        status: 'closed',
        reason: text,
        at: this.deps.clock.now(),
      });
      if (!closed) throw new AppError('conflict', `this request is already ${row.status}`);
      await repo.deleteMatches(tx, id);
      await insertEvent(tx, {
        type: 'request.closed',
        actorId: v.id,
        subjectType: 'request',
        subjectId: id,
        data: { requestId: id, agencyId: agency.id, reason: text },
      });
    });
    return this.get(id);
  }

  /** The written justification an exigent request owes; logged whether on time or late. Given once. */
  async justify(viewer: Viewer | null, id: string, text: string) {
    const { viewer: v, agency } = await this.agencies.requireActiveAgency(viewer);
    const justification = text.trim();
    if (justification.length < 20)
      throw new AppError('validation_failed', '/body/text: must have at least 20 characters besides spaces', [
        { field: '/body/text', message: 'must have at least 20 characters besides spaces' },
      ]);
    await this.deps.db.transaction(async (tx) => {
      const row = await repo.findRequest(tx, id, true);
      if (!row) throw notFound('request');
      if (row.agency_id !== agency.id) throw forbidden('only the agency that filed a request may justify it');
      if (!row.exigent) throw new AppError('conflict', 'only an exigent request needs a justification');
      if (row.justification !== null)
        throw new AppError('conflict', 'this request has already been justified');
      await repo.setJustification(tx, id, justification, this.deps.clock.now());
      await insertEvent(tx, {
        type: 'request.justified',
        actorId: v.id,
        subjectType: 'request',
        subjectId: id,
        data: { requestId: id, justification },
      });
    });
    return this.get(id);
  }

  /**
   * Expires open requests past their response deadline (matches deleted, `request.expired` logged) and logs
   * exigent justifications that are overdue. Safe to run from several processes at once.
   */
  async runExpiry(): Promise<{ expired: number; justificationsMissed: number }> {
    const now = this.deps.clock.now();
    let expired = 0;
    let justificationsMissed = 0;
    for (;;) {
      const n = await this.deps.db.transaction(async (tx) => {
        const ids = await repo.lockExpired(tx, now, 100);
        for (const id of ids) {
          await repo.closeRequest(tx, { id, status: 'expired', reason: null, at: now });
          await repo.deleteMatches(tx, id);
          await insertEvent(tx, {
            type: 'request.expired',
            actorId: null,
            subjectType: 'request',
            subjectId: id,
            data: { requestId: id },
          });
        }
        return ids.length;
      });
      expired += n;
      if (n < 100) break;
    }
    for (;;) {
      const n = await this.deps.db.transaction(async (tx) => {
        const rows = await repo.lockJustificationsMissed(tx, now, 100);
        for (const r of rows) {
          await repo.markJustificationMissed(tx, r.id, now);
          await insertEvent(tx, {
            type: 'request.justification_missed',
            actorId: null,
            subjectType: 'request',
            subjectId: r.id,
            data: { requestId: r.id },
          });
        }
        return rows.length;
      });
      justificationsMissed += n;
      if (n < 100) break;
    }
    return { expired, justificationsMissed };
  }
}
