import { policyRules, type LegalDemandKind, type LegalProduction } from '@porchlight/policy';
import { randomBytes } from 'node:crypto';
import type { Deps } from '../../deps.js';
import { AppError, invalid, notFound } from '../../errors.js';
import type { Queryable } from '../../infra/db/index.js';
import { enqueueJob } from '../../infra/jobs/index.js';
import { authorize, type Viewer } from '../../policies.js';
import { insertEvent } from '../events/events.repository.js';
import { findVersion } from '../policies/policies.repository.js';
import { findUserByEmail } from '../users/users.repository.js';
import { presentDemand, presentNotice, presentStats } from './legal.presenter.js';
import { LEGAL_NOTICE_JOB } from './legal.job.js';
import * as repo from './legal.repository.js';

const DAY_MS = 86_400_000;

export interface RecordDemandInput {
  kind: LegalDemandKind;
  authority: string;
  docket: string;
  date: string;
  scopeSummary: string;
  documentSha256: string;
  jurisdiction: string;
  /** The account the demand concerns. Kept for the notice; never logged. */
  affectedAccount: string;
  nonDisclosure?: { until: string; reason: string } | undefined;
}

/**
 * Legal process (issue 8 §9): an admin records each demand the operator receives and what it produced; the
 * affected owner is told, at once or when a recorded non-disclosure order (capped by the jurisdiction's policy)
 * ends. Each step is a log entry written in the transaction that makes it.
 */
export class LegalService {
  constructor(private readonly deps: Deps) {}

  async record(viewer: Viewer | null, input: RecordDemandInput) {
    const v = authorize(viewer, 'legal.manage');
    const now = this.deps.clock.now();
    return this.deps.db.transaction(async (tx) => {
      const affected = await findUserByEmail(tx, input.affectedAccount.toLowerCase());
      if (!affected) throw invalid('/body/affectedAccount', 'names no account on this instance');
      const maxDays = await this.#nonDisclosureMaxDays(tx, input.jurisdiction);
      const until =
        input.nonDisclosure &&
        this.#delayUntil(input.nonDisclosure.until, now, maxDays, '/body/nonDisclosure/until');
      const demand = await repo.insertDemand(tx, {
        id: `ld_${randomBytes(16).toString('base64url')}`,
        kind: input.kind,
        authority: input.authority,
        docket: input.docket,
        demand_date: input.date,
        scope_summary: input.scopeSummary,
        document_sha256: input.documentSha256,
        jurisdiction: input.jurisdiction,
        affected_user_id: affected.id,
        recorded_by: v.id,
        received_at: now,
        notice_due_at: until ?? now,
      });
      await insertEvent(tx, {
        type: 'legal.demand_received',
        actorId: v.id,
        subjectType: 'legal_demand',
        subjectId: demand.id,
        data: {
          demand: demand.id,
          kind: demand.kind,
          authority: demand.authority,
          docket: demand.docket,
          date: demand.demand_date,
          scopeSummary: demand.scope_summary,
          documentSha256: demand.document_sha256,
        },
      });
      if (until && input.nonDisclosure) {
        await this.#logDelay(tx, v, demand.id, until, input.nonDisclosure.reason);
        return presentDemand(demand);
      }
      // No order delays it: the owner is told now, in the transaction that records the demand.
      await this.#sendNotice(tx, demand, now);
      return presentDemand((await repo.lockDemand(tx, demand.id))!);
    });
  }

  /** Records what the operator produced; once per demand. */
  async answer(viewer: Viewer | null, id: string, produced: LegalProduction) {
    const v = authorize(viewer, 'legal.manage');
    return this.deps.db.transaction(async (tx) => {
      const demand = await repo.lockDemand(tx, id);
      if (!demand) throw notFound('legal demand');
      if (demand.produced)
        throw new AppError('conflict', `this demand was already answered (${demand.produced})`);
      const row = await repo.setAnswer(tx, id, produced, this.deps.clock.now());
      await insertEvent(tx, {
        type: 'legal.demand_answered',
        actorId: v.id,
        subjectType: 'legal_demand',
        subjectId: id,
        data: { demand: id, produced },
      });
      return presentDemand(row);
    });
  }

  /**
   * Records a non-disclosure order (or its extension) for a demand whose owner has not been told yet. Capped at
   * the policy's nonDisclosureMaxDays from when the demand was received, however often it is extended.
   */
  async delayNotice(viewer: Viewer | null, id: string, input: { until: string; reason: string }) {
    const v = authorize(viewer, 'legal.manage');
    return this.deps.db.transaction(async (tx) => {
      const demand = await repo.lockDemand(tx, id);
      if (!demand) throw notFound('legal demand');
      if (demand.notice_sent_at)
        throw new AppError('conflict', 'the owner has already been told of this demand');
      const maxDays = await this.#nonDisclosureMaxDays(tx, demand.jurisdiction);
      const until = this.#delayUntil(input.until, demand.received_at, maxDays, '/body/until');
      const row = await repo.setNoticeDue(tx, id, until);
      await this.#logDelay(tx, v, id, until, input.reason);
      return presentDemand(row);
    });
  }

  /**
   * Sends every notice whose delay has ended (the notice job). Safe to run in several processes at once: each
   * demand is claimed with SKIP LOCKED and marked sent in the same transaction as its log entry.
   */
  async sendDueNotices(): Promise<number> {
    let sent = 0;
    for (;;) {
      const batch = await this.deps.db.transaction(async (tx) => {
        const now = this.deps.clock.now();
        const due = await repo.lockDueNotices(tx, now, 100);
        for (const d of due) await this.#sendNotice(tx, d, now);
        return due.length;
      });
      sent += batch;
      if (batch < 100) return sent;
    }
  }

  async list(viewer: Viewer | null) {
    authorize(viewer, 'legal.manage');
    return { items: (await repo.listDemands(this.deps.db)).map(presentDemand) };
  }

  /** The demands the signed-in account has been told of. Only its own: there is no id to ask about others. */
  async notices(viewer: Viewer | null) {
    const v = authorize(viewer, 'legal.notices');
    return { items: (await repo.listNoticesFor(this.deps.db, v.id)).map(presentNotice) };
  }

  /** Public counts, recomputable from the log's legal.* entries. */
  async stats() {
    return presentStats(await repo.demandCounts(this.deps.db));
  }

  async #sendNotice(tx: Queryable, d: repo.LegalDemandRow, now: Date): Promise<void> {
    await repo.markNoticeSent(tx, d, now);
    await insertEvent(tx, {
      type: 'legal.notice_sent',
      actorId: null,
      subjectType: 'legal_demand',
      subjectId: d.id,
      data: { demand: d.id },
    });
  }

  async #logDelay(tx: Queryable, v: Viewer, id: string, until: Date, reason: string): Promise<void> {
    // The notice's job for the moment the delay ends, committed with the delay (infra/jobs).
    await enqueueJob(tx, { kind: LEGAL_NOTICE_JOB, runAt: until, payload: { demand: id } });
    await insertEvent(tx, {
      type: 'legal.notice_delayed',
      actorId: v.id,
      subjectType: 'legal_demand',
      subjectId: id,
      data: { demand: id, until: until.toISOString().replace(/\.\d{3}Z$/, 'Z'), reason },
    });
  }

  /** The end of a delay: in the future, and no later than `maxDays` after `from`. Whole seconds, as logged. */
  #delayUntil(text: string, from: Date, maxDays: number, field: string): Date {
    const until = new Date(Math.floor(Date.parse(text) / 1000) * 1000);
    if (Number.isNaN(until.getTime())) throw invalid(field, 'must be an RFC 3339 time');
    if (until <= this.deps.clock.now()) throw invalid(field, 'must be in the future');
    const cap = new Date(from.getTime() + maxDays * DAY_MS);
    if (until > cap)
      throw invalid(
        field,
        `may be at most ${maxDays} days after the demand was received (${cap.toISOString()}), the policy's nonDisclosureMaxDays`,
      );
    return until;
  }

  async #nonDisclosureMaxDays(q: Queryable, jurisdiction: string): Promise<number> {
    const version = await findVersion(q, jurisdiction, undefined);
    if (!version) throw invalid('/body/jurisdiction', 'names no jurisdiction with a published policy');
    return policyRules(version.policy).nonDisclosureMaxDays;
  }
}
