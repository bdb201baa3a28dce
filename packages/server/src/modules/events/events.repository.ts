import type { Queryable } from '../../infra/db/index.js';

/** Every event type the outbox records. The transparency log publishes the accountability ones. */
export type EventType =
  | 'user.signed_up'
  | 'user.signed_in'
  | 'user.signed_out'
  | 'user.home_set'
  | 'user.role_changed'
  | 'post.created'
  | 'post.reported'
  | 'comment.created'
  | 'reaction.set'
  | 'reaction.removed'
  | 'moderation.hidden'
  | 'moderation.restored'
  | 'appeal.filed'
  | 'appeal.decided'
  /** Written by the transparency log itself when it starts (transparency.repository.ts). */
  | 'instance.created'
  /** Agency verification and jurisdiction request policies (all published to the log). */
  | 'agency.verified'
  | 'agency.suspended'
  | 'agency.reinstated'
  | 'agency.member_added'
  | 'agency.member_removed'
  | 'policy.published'
  /** Clip vault (private to the owner: never published to the log). */
  | 'vault.keys_set'
  | 'vault.rewrapped'
  | 'camera.created'
  | 'camera.updated'
  | 'camera.deleted'
  | 'device.pairing_code_created'
  | 'device.paired'
  | 'device.revoked'
  | 'clip.created'
  | 'clip.deleted'
  | 'clip.expired';

export interface NewEvent {
  type: EventType;
  actorId: number | null;
  subjectType:
    'user' | 'post' | 'comment' | 'appeal' | 'log' | 'camera' | 'device' | 'clip' | 'agency' | 'jurisdiction';
  subjectId: number | string;
  /** Facts about the action. Never an exact location. */
  data?: Record<string, unknown>;
}

/**
 * Appends to the event outbox. Call it with the transaction that makes the change, so the event exists
 * exactly when the change does.
 */
export async function insertEvent(tx: Queryable, event: NewEvent): Promise<number> {
  const res = await tx.query<{ id: number }>(
    `INSERT INTO events (type, actor_id, subject_type, subject_id, data)
     VALUES ($1, $2, $3, $4, $5) RETURNING id`,
    [event.type, event.actorId, event.subjectType, String(event.subjectId), JSON.stringify(event.data ?? {})],
  );
  return res.rows[0]!.id;
}
