import type { Deps } from '../../deps.js';
import { AppError, invalid, notFound } from '../../errors.js';
import type { Queryable } from '../../infra/db/index.js';
import { authorize, type Viewer } from '../../policies.js';
import { retireMemberKey } from '../agency-keys/agency-keys.service.js';
import { insertEvent } from '../events/events.repository.js';
import { existingJurisdictions } from '../policies/policies.repository.js';
import { findUserById } from '../users/users.repository.js';
import { presentAdminAgency, presentMyAgency, presentPublicAgency } from './agencies.presenter.js';
import * as repo from './agencies.repository.js';

export interface RegisterAgencyInput {
  name: string;
  jurisdiction: string;
  contact: string;
  reason: string;
}

/**
 * Verified agencies. Admins register them, link agency-role accounts as members, and suspend or reinstate
 * them; each change is logged publicly by agency name and jurisdiction, never by member. A member of a
 * suspended agency keeps the account but cannot act as an agency ({@link requireActiveAgency}).
 */
export class AgenciesService {
  constructor(private readonly deps: Deps) {}

  /** Every registered agency and its standing. Public: no account needed, no members shown. */
  async listPublic() {
    const rows = await repo.listAgencies(this.deps.db);
    return { items: rows.map(presentPublicAgency) };
  }

  /** The signed-in agency member's own agency, including whether it may act now. */
  async mine(viewer: Viewer | null) {
    const v = authorize(viewer, 'agency.act');
    const agency = await repo.findAgencyOfMember(this.deps.db, v.id);
    if (!agency) throw new AppError('not_agency_member', 'an admin has not linked your account to an agency');
    return presentMyAgency(agency, await repo.countMembers(this.deps.db, agency.id));
  }

  /**
   * The check every agency action starts with (footage requests, agency alerts): the viewer has the agency
   * role, belongs to an agency, and that agency is not suspended. Returns the agency's id and jurisdiction.
   */
  async requireActiveAgency(
    viewer: Viewer | null,
  ): Promise<{ viewer: Viewer; agency: { id: number; name: string; jurisdiction: string } }> {
    const v = authorize(viewer, 'agency.act');
    const agency = await repo.findAgencyOfMember(this.deps.db, v.id);
    if (!agency) throw new AppError('not_agency_member', 'an admin has not linked your account to an agency');
    if (agency.status !== 'verified') {
      throw new AppError('agency_suspended', `${agency.name} is suspended: ${agency.status_reason}`);
    }
    return { viewer: v, agency: { id: agency.id, name: agency.name, jurisdiction: agency.jurisdiction } };
  }

  /** Every agency with its members, for admins. */
  async list(viewer: Viewer | null) {
    authorize(viewer, 'agency.manage');
    const rows = await repo.listAgencies(this.deps.db);
    return { items: await this.#withMembers(this.deps.db, rows) };
  }

  /** Registers a verified agency in a jurisdiction that has a published policy. Logged publicly. */
  async register(viewer: Viewer | null, input: RegisterAgencyInput) {
    const v = authorize(viewer, 'agency.manage');
    return this.deps.db.transaction(async (tx) => {
      const known = await existingJurisdictions(tx, [input.jurisdiction]);
      if (!known.has(input.jurisdiction)) {
        throw invalid('/body/jurisdiction', 'has no published request policy; publish one first');
      }
      const row = await repo.insertAgency(tx, { ...input, verifiedBy: v.id });
      if (!row)
        throw new AppError('conflict', `${input.jurisdiction} already has an agency named ${input.name}`);
      await this.#log(tx, 'agency.verified', v, row, input.reason);
      return presentAdminAgency(row, []);
    });
  }

  /** Suspends a verified agency: its members can no longer act for it. Logged publicly. */
  suspend(viewer: Viewer | null, id: number, reason: string) {
    return this.#setStatus(viewer, id, 'suspended', reason);
  }

  /** Reinstates a suspended agency. Logged publicly. */
  reinstate(viewer: Viewer | null, id: number, reason: string) {
    return this.#setStatus(viewer, id, 'verified', reason);
  }

  /** Links an agency-role account to an agency. The log records that the agency gained a member, not who. */
  async addMember(viewer: Viewer | null, agencyId: number, userId: number) {
    const v = authorize(viewer, 'agency.manage');
    return this.deps.db.transaction(async (tx) => {
      const agency = await repo.lockAgency(tx, agencyId);
      if (!agency) throw notFound('agency');
      const user = await findUserById(tx, userId);
      if (!user) throw notFound('user');
      if (user.role !== 'agency') {
        throw invalid('/params/userId', 'must be an account with the agency role; change its role first');
      }
      const current = await repo.findAgencyOfMember(tx, userId);
      if (current?.id === agencyId) throw new AppError('conflict', 'this account is already a member');
      if (current) throw new AppError('conflict', `this account is a member of ${current.name}`);
      // Two admins linking the same account at once: the second finds the row the first inserted.
      if (!(await repo.insertMember(tx, { agencyId, userId, addedBy: v.id })))
        throw new AppError('conflict', 'this account was just linked to an agency');
      await insertEvent(tx, {
        type: 'agency.member_added',
        actorId: v.id,
        subjectType: 'agency',
        subjectId: agencyId,
        data: { agencyId, userId },
      });
      return (await this.#withMembers(tx, [agency]))[0]!;
    });
  }

  /** Unlinks an account from an agency. Logged like {@link addMember}. */
  async removeMember(viewer: Viewer | null, agencyId: number, userId: number) {
    const v = authorize(viewer, 'agency.manage');
    return this.deps.db.transaction(async (tx) => {
      const agency = await repo.lockAgency(tx, agencyId);
      if (!agency) throw notFound('agency');
      if (!(await repo.deleteMember(tx, agencyId, userId))) throw notFound('member');
      // A former member must not stay a recipient of the agency's disclosures.
      await retireMemberKey(tx, userId, v.id, this.deps.clock.now());
      await insertEvent(tx, {
        type: 'agency.member_removed',
        actorId: v.id,
        subjectType: 'agency',
        subjectId: agencyId,
        data: { agencyId, userId },
      });
      return (await this.#withMembers(tx, [agency]))[0]!;
    });
  }

  async #setStatus(viewer: Viewer | null, id: number, status: repo.AgencyStatus, reason: string) {
    const v = authorize(viewer, 'agency.manage');
    return this.deps.db.transaction(async (tx) => {
      const agency = await repo.lockAgency(tx, id);
      if (!agency) throw notFound('agency');
      if (agency.status === status) throw new AppError('conflict', `${agency.name} is already ${status}`);
      const row = await repo.setStatus(tx, id, status, reason);
      await this.#log(tx, status === 'suspended' ? 'agency.suspended' : 'agency.reinstated', v, row, reason);
      return (await this.#withMembers(tx, [row]))[0]!;
    });
  }

  #log(
    tx: Queryable,
    type: 'agency.verified' | 'agency.suspended' | 'agency.reinstated',
    admin: Viewer,
    a: repo.AgencyRow,
    reason: string,
  ) {
    return insertEvent(tx, {
      type,
      actorId: admin.id,
      subjectType: 'agency',
      subjectId: a.id,
      data: { agencyId: a.id, name: a.name, jurisdiction: a.jurisdiction, reason },
    });
  }

  async #withMembers(q: Queryable, rows: readonly repo.AgencyRow[]) {
    const members = await repo.listMembers(
      q,
      rows.map((r) => r.id),
    );
    return rows.map((r) =>
      presentAdminAgency(
        r,
        members.filter((m) => m.agency_id === r.id),
      ),
    );
  }
}
