import type { Deps } from '../../deps.js';
import { notFound } from '../../errors.js';
import { authorize, type Viewer } from '../../policies.js';
import type { LiveService, UserMessage } from '../live/live.service.js';
import { findRequest, findRequests } from '../requests/requests.repository.js';
import type { RequestsService } from '../requests/requests.service.js';
import { presentInboxItem, presentMyCameras } from './inbox.presenter.js';
import * as repo from './inbox.repository.js';

/** Open requests an inbox lists at most; more than this open at once around one home is not a real case. */
const INBOX_LIMIT = 200;

const groupBy = <T, K>(rows: T[], key: (r: T) => K): Map<K, T[]> => {
  const out = new Map<K, T[]>();
  for (const r of rows) {
    const list = out.get(key(r));
    if (list) list.push(r);
    else out.set(key(r), [r]);
  }
  return out;
};

/**
 * An owner's footage-request inbox (G7): open requests whose area holds one of their opted-in cameras. Only
 * the owner can read it — every query is by the viewer's own id — and dismissing deletes the match, so a
 * decline leaves nothing anyone else could read. New matches also arrive live (SSE `inbox`).
 */
export class InboxService {
  constructor(
    private readonly deps: Deps,
    private readonly requests: RequestsService,
    live: LiveService,
  ) {
    live.useUserMessages('inbox.request', (m, userIds) => this.liveItems(m, userIds));
  }

  /** The viewer's open requests, newest first. */
  async list(viewer: Viewer | null) {
    const v = authorize(viewer, 'vault.own');
    const matches = await repo.matchesOfOwner(this.deps.db, v.id, INBOX_LIMIT);
    const byRequest = groupBy(matches, (m) => m.request_id);
    const ids = [...byRequest.keys()];
    const [rows, summaries] = await Promise.all([
      findRequests(this.deps.db, ids),
      this.requests.summaries(ids),
    ]);
    const byId = new Map(rows.map((r) => [r.id, r]));
    const items = ids.flatMap((id) => {
      const r = byId.get(id);
      return r ? [presentInboxItem(r, byRequest.get(id)!, summaries.get(id))] : [];
    });
    return { items };
  }

  /** One request as it stands in the viewer's inbox; 404 when it did not reach them (or they dismissed it). */
  async item(viewer: Viewer | null, requestId: string) {
    const v = authorize(viewer, 'vault.own');
    const cameras = await repo.matchesOfOwnerFor(this.deps.db, v.id, requestId);
    const r = cameras.length > 0 ? await findRequest(this.deps.db, requestId) : undefined;
    if (!r) throw notFound('inbox item');
    const summaries = await this.requests.summaries([requestId]);
    return presentInboxItem(r, cameras, summaries.get(requestId));
  }

  /** How many open requests reached the viewer: the header badge. */
  async count(viewer: Viewer | null) {
    const v = authorize(viewer, 'vault.own');
    return { count: await repo.countForOwner(this.deps.db, v.id) };
  }

  /** Dismisses a request: its match rows are deleted, nothing records that this owner declined. */
  async dismiss(viewer: Viewer | null, requestId: string): Promise<void> {
    const v = authorize(viewer, 'vault.own');
    const deleted = await repo.deleteOwnerMatches(this.deps.db, v.id, requestId);
    if (deleted === 0) throw notFound('inbox item');
  }

  /** The `inbox` event each online owner a newly published request reached receives: their inbox item. */
  private async liveItems(m: UserMessage, userIds: number[]): Promise<Map<number, string>> {
    const online = new Set(userIds);
    const matches = (await repo.matchesOfRequest(this.deps.db, m.requestId)).filter((x) =>
      online.has(x.owner_id),
    );
    const out = new Map<number, string>();
    if (matches.length === 0) return out;
    const r = await findRequest(this.deps.db, m.requestId);
    if (r?.status !== 'open') return out;
    const summary = (await this.requests.summaries([r.id])).get(r.id);
    // Every owner's item is the same but for their cameras: serialise it once and splice each owner's list in
    // (a narrative cannot contain the marker unescaped, so it occurs exactly once).
    const [head, tail] = JSON.stringify(presentInboxItem(r, [], summary)).split('"myCameras":[]') as [
      string,
      string,
    ];
    for (const [ownerId, cameras] of groupBy(matches, (x) => x.owner_id)) {
      const mine = JSON.stringify(presentMyCameras(cameras));
      out.set(ownerId, `${head}"myCameras":${mine}${tail}`);
    }
    return out;
  }
}
