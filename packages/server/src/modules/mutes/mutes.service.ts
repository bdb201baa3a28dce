import type { Deps } from '../../deps.js';
import { invalid, notFound } from '../../errors.js';
import { authorize, type Viewer } from '../../policies.js';
import { findUserById } from '../users/users.repository.js';
import * as mutes from './mutes.repository.js';

/**
 * Mutes and blocks. A mute: a resident stops seeing a neighbour's posts and comments (feed, threads, live).
 * A block is a mute both ways: neither sees the other's posts and comments, and neither can comment on or react
 * to the other's posts (the blocked person finds the blocker's posts "not found"; no notification passes between
 * them). Both are private: the other person is not told, no event is written and nothing reaches the public log.
 */
export class MutesService {
  constructor(private readonly deps: Deps) {}

  async list(viewer: Viewer | null) {
    const v = authorize(viewer, 'post.read');
    const rows = await mutes.mutesOf(this.deps.db, v.id);
    return {
      items: rows.map((r) => ({
        user: { id: r.muted_id, displayName: r.display_name },
        mutedAt: r.created_at.toISOString(),
      })),
    };
  }

  async mute(viewer: Viewer | null, userId: number): Promise<void> {
    const v = authorize(viewer, 'post.read');
    if (userId === v.id) throw invalid('/params/userId', 'you cannot mute yourself');
    if (!(await findUserById(this.deps.db, userId))) throw notFound('user');
    await mutes.insertMute(this.deps.db, v.id, userId);
  }

  async unmute(viewer: Viewer | null, userId: number): Promise<void> {
    const v = authorize(viewer, 'post.read');
    await mutes.deleteMute(this.deps.db, v.id, userId);
  }

  async listBlocks(viewer: Viewer | null) {
    const v = authorize(viewer, 'post.read');
    const rows = await mutes.blocksOf(this.deps.db, v.id);
    return {
      items: rows.map((r) => ({
        user: { id: r.muted_id, displayName: r.display_name },
        blockedAt: r.created_at.toISOString(),
      })),
    };
  }

  async block(viewer: Viewer | null, userId: number): Promise<void> {
    const v = authorize(viewer, 'post.read');
    if (userId === v.id) throw invalid('/params/userId', 'you cannot block yourself');
    if (!(await findUserById(this.deps.db, userId))) throw notFound('user');
    await mutes.insertBlock(this.deps.db, v.id, userId);
  }

  async unblock(viewer: Viewer | null, userId: number): Promise<void> {
    const v = authorize(viewer, 'post.read');
    await mutes.deleteBlock(this.deps.db, v.id, userId);
  }
}
