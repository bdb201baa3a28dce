import type { Deps } from '../../deps.js';
import { AppError, notFound } from '../../errors.js';
import { DEFAULT_RADIUS_M, snap } from '../../geo/cells.js';
import { authorize, type Role, type Viewer } from '../../policies.js';
import { insertEvent } from '../events/events.repository.js';
import { presentMe, presentUserSummary } from './users.presenter.js';
import * as users from './users.repository.js';

export class UsersService {
  constructor(private readonly deps: Deps) {}

  async me(viewer: Viewer | null) {
    const v = authorize(viewer, 'feed.read');
    const row = await users.findUserById(this.deps.db, v.id);
    if (!row) throw new AppError('unauthenticated');
    return presentMe(row);
  }

  /** Sets the home point (kept exact server-side for matching) and optionally the feed radius. */
  async setHome(viewer: Viewer | null, input: { lat: number; lng: number; radiusM?: number | undefined }) {
    const v = authorize(viewer, 'feed.read');
    const { cell } = snap(input);
    return this.deps.db.transaction(async (tx) => {
      const current = await users.findUserById(tx, v.id);
      if (!current) throw new AppError('unauthenticated');
      const row = await users.updateHome(tx, v.id, {
        lat: input.lat,
        lng: input.lng,
        cell,
        radiusM: input.radiusM ?? (current.home_cell ? current.radius_m : DEFAULT_RADIUS_M),
      });
      // The event records that a home was set, never where.
      await insertEvent(tx, { type: 'user.home_set', actorId: v.id, subjectType: 'user', subjectId: v.id });
      return presentMe(row);
    });
  }

  async setRadius(viewer: Viewer | null, radiusM: number) {
    const v = authorize(viewer, 'feed.read');
    return this.deps.db.transaction(async (tx) => {
      const current = await users.findUserById(tx, v.id);
      if (!current) throw new AppError('unauthenticated');
      if (current.home_lat === null || current.home_lng === null) throw new AppError('home_required');
      const row = await users.updateHome(tx, v.id, {
        lat: current.home_lat,
        lng: current.home_lng,
        cell: current.home_cell!,
        radiusM,
      });
      await insertEvent(tx, {
        type: 'user.home_set',
        actorId: v.id,
        subjectType: 'user',
        subjectId: v.id,
        data: { radiusM },
      });
      return presentMe(row);
    });
  }

  async list(
    viewer: Viewer | null,
    q: { q?: string | undefined; after?: number | undefined; limit?: number | undefined },
  ) {
    authorize(viewer, 'user.manage');
    const limit = q.limit ?? 50;
    const rows = await users.listUsers(this.deps.db, { query: q.q, afterId: q.after, limit });
    return { items: rows.map(presentUserSummary), nextAfter: rows.length === limit ? rows.at(-1)!.id : null };
  }

  /** Changes a user's role. Logged publicly with the admin's stated reason (G3). */
  async setRole(viewer: Viewer | null, userId: number, role: Role, reason: string) {
    const v = authorize(viewer, 'user.manage');
    if (userId === v.id) throw new AppError('forbidden', 'admins cannot change their own role');
    return this.deps.db.transaction(async (tx) => {
      const before = await users.findUserById(tx, userId);
      if (!before) throw notFound('user');
      const row = (await users.updateRole(tx, userId, role))!;
      await insertEvent(tx, {
        type: 'user.role_changed',
        actorId: v.id,
        subjectType: 'user',
        subjectId: userId,
        data: { from: before.role, to: role, reason },
      });
      return presentUserSummary(row);
    });
  }
}
