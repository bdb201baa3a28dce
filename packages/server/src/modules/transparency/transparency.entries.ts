import { ENTRY_SCHEMA, encodeEntry, type Entry } from '@porchlight/tlog';

/**
 * The outbox event types the transparency log publishes. Everything else in the outbox (sign-ins, posts,
 * comments, homes) is a resident's private activity and never reaches the log.
 */
export const LOGGED_EVENT_TYPES = [
  'instance.created',
  'log.key_rotated',
  'moderation.hidden',
  'moderation.restored',
  'appeal.filed',
  'appeal.decided',
  'user.role_changed',
  'agency.verified',
  'agency.suspended',
  'agency.reinstated',
  'agency.member_added',
  'agency.member_removed',
  'policy.published',
] as const;

/** An outbox row as the sequencer reads it; `time` is already RFC 3339 UTC to the second. */
export interface OutboxEvent {
  id: number;
  type: string;
  actorId: number | null;
  data: Record<string, unknown>;
  time: string;
}

/** Thrown for an outbox event that cannot become a valid entry; the sequencer stops before it. */
export class UnpublishableEventError extends Error {
  constructor(
    readonly eventId: number,
    reason: string,
  ) {
    super(`outbox event ${eventId} cannot be published: ${reason}`);
  }
}

function actor(e: OutboxEvent): number {
  if (e.actorId === null) throw new UnpublishableEventError(e.id, 'it has no actor');
  return e.actorId;
}

/**
 * Maps an accountability event to its log entry. Only named fields are copied, so whatever else an event's
 * data holds (report counts, decision ids, a subject user's id) stays out of the public log: an entry names
 * staff by account id and posts by id, never a resident or a place.
 */
export function entryForEvent(e: OutboxEvent): Entry {
  const d = e.data;
  const base = { schema: ENTRY_SCHEMA, seq: e.id, time: e.time } as const;
  switch (e.type) {
    case 'instance.created':
      return { ...base, type: 'instance.created', data: { origin: d.origin, key: d.key } } as Entry;
    case 'log.key_rotated':
      return { ...base, type: 'log.key_rotated', data: { old: d.old, new: d.new } } as Entry;
    case 'moderation.hidden':
    case 'moderation.restored':
      return {
        ...base,
        type: e.type,
        data: { post: d.postId, moderator: actor(e), reason: d.reason },
      } as Entry;
    case 'appeal.filed':
      return { ...base, type: 'appeal.filed', data: { post: d.postId } } as Entry;
    case 'appeal.decided':
      return {
        ...base,
        type: 'appeal.decided',
        data: { post: d.postId, moderator: actor(e), outcome: d.outcome, reason: d.reason },
      } as Entry;
    case 'user.role_changed':
      return {
        ...base,
        type: 'role.changed',
        data: { admin: actor(e), from: d.from, to: d.to, reason: d.reason },
      } as Entry;
    case 'agency.verified':
    case 'agency.suspended':
    case 'agency.reinstated':
      return {
        ...base,
        type: e.type,
        data: {
          agency: d.agencyId,
          name: d.name,
          jurisdiction: d.jurisdiction,
          admin: actor(e),
          reason: d.reason,
        },
      } as Entry;
    // Which account joined or left stays out: the log shows that an agency's membership changed, and who did it.
    case 'agency.member_added':
    case 'agency.member_removed':
      return { ...base, type: e.type, data: { agency: d.agencyId, admin: actor(e) } } as Entry;
    case 'policy.published':
      return {
        ...base,
        type: 'policy.changed',
        data: {
          jurisdiction: d.jurisdiction,
          name: d.name,
          version: d.version,
          sha256: d.sha256,
          policy: d.policy,
          admin: actor(e),
          reason: d.reason,
        },
      } as Entry;
    default:
      throw new UnpublishableEventError(e.id, `type ${e.type} is not published`);
  }
}

/** The leaf bytes of an event's entry; throws {@link UnpublishableEventError} when the entry is invalid. */
export function encodeEventEntry(e: OutboxEvent): Uint8Array {
  const entry = entryForEvent(e);
  try {
    return encodeEntry(entry);
  } catch (err) {
    throw new UnpublishableEventError(e.id, err instanceof Error ? err.message : String(err));
  }
}
