import { areaCellsCovering, distanceMeters } from '../../geo/cells.js';
import type { Queryable } from '../../infra/db/index.js';
import { blockBetween } from '../mutes/mutes.repository.js';
import { findUserById } from '../users/users.repository.js';
import type { PostRow } from './posts.repository.js';

/** What the readability rule reads of a post. */
export type ReadablePost = Pick<PostRow, 'author_id' | 'status' | 'area_cell' | 'cell_lat' | 'cell_lng'>;

/**
 * Whether a user may read a post: its author and moderators always; anyone else only while it is visible,
 * inside their area (the feed's rule: its cell centre within their radius of their home) and its author has
 * not blocked them. The post routes answer anyone else exactly like an id that was never issued, and a
 * follower who may not read a post is told nothing of it.
 */
export async function mayReadPost(q: Queryable, userId: number, post: ReadablePost): Promise<boolean> {
  if (post.author_id === userId) return true;
  const user = await findUserById(q, userId);
  if (!user) return false;
  if (user.role === 'moderator' || user.role === 'admin') return true;
  if (post.status === 'hidden' || user.home_lat == null || user.home_lng == null) return false;
  const home = { lat: user.home_lat, lng: user.home_lng };
  const inArea =
    areaCellsCovering(home, user.radius_m).includes(post.area_cell) &&
    distanceMeters(home, { lat: post.cell_lat, lng: post.cell_lng }) <= user.radius_m;
  // Someone the author blocked finds the author's posts exactly as if they did not exist.
  return inArea && (await blockBetween(q, userId, post.author_id)) !== 'by_other';
}
