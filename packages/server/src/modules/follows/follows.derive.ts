import type { Queryable } from '../../infra/db/index.js';
import { deriveFromEvents, type NewEvent } from '../events/events.repository.js';
import { follow } from './follows.repository.js';

/** Authors follow their own posts from the moment they post (in the post's own transaction). */
export async function deriveFollows(tx: Queryable, event: NewEvent): Promise<void> {
  if (event.type === 'post.created' && event.actorId !== null)
    await follow(tx, event.actorId, String(event.subjectId));
}

deriveFromEvents('follows', deriveFollows);
