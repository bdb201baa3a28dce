import type { Deps } from '../../deps.js';
import { authorize, type Viewer } from '../../policies.js';
import type { PostsService } from '../posts/posts.service.js';
import './follows.derive.js';
import * as follows from './follows.repository.js';

/**
 * Following a post: its followers hear of new comments and of updates (edited, resolved, reopened) in their
 * notification centre, and by push and email as their alert settings say (notifications.derive.ts). Authors
 * follow their own posts from the start and may unfollow them. Only a post the viewer may read can be
 * followed; any other is not found, exactly like one that does not exist. Who follows what is never shown to
 * anyone else and never logged.
 */
export class FollowsService {
  constructor(
    private readonly deps: Deps,
    private readonly posts: PostsService,
  ) {}

  async state(viewer: Viewer | null, postId: string) {
    const v = authorize(viewer, 'post.read');
    await this.posts.get(v, postId);
    return { following: await follows.isFollowing(this.deps.db, v.id, postId) };
  }

  async follow(viewer: Viewer | null, postId: string) {
    const v = authorize(viewer, 'post.read');
    await this.posts.get(v, postId);
    await follows.follow(this.deps.db, v.id, postId);
    return { following: true };
  }

  async unfollow(viewer: Viewer | null, postId: string) {
    const v = authorize(viewer, 'post.read');
    await this.posts.get(v, postId);
    await follows.unfollow(this.deps.db, v.id, postId);
    return { following: false };
  }
}
