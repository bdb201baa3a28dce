import { ENTRY_SCHEMA, encodeEntry, type Entry } from '@porchlight/tlog';
import type { EventType, OutboxEvent } from '../events/events.repository.js';

export type { OutboxEvent } from '../events/events.repository.js';

/**
 * The outbox event types the transparency log publishes. Everything else in the outbox (sign-ins, posts,
 * comments, homes) is a resident's private activity and never reaches the log.
 */
export const LOGGED_EVENT_TYPES = [
  'instance.created',
  'log.key_rotated',
  'moderation.hidden',
  'moderation.restored',
  'moderation.dismissed',
  'account.suspended',
  'account.suspension_lifted',
  'appeal.filed',
  'appeal.decided',
  'user.role_changed',
  'agency.verified',
  'agency.suspended',
  'agency.reinstated',
  'agency.member_added',
  'agency.member_removed',
  'policy.published',
  'legal.demand_received',
  'legal.demand_answered',
  'legal.notice_delayed',
  'legal.notice_sent',
  'agency.key_added',
  'agency.key_removed',
  'disclosure.created',
  'disclosure.accessed',
  'disclosure.revoked',
  'disclosure.held',
  'disclosure.expired',
  'request.refused',
  'request.published',
  'request.closed',
  'request.expired',
  'request.justified',
  'request.justification_missed',
  'bystander.answered',
  'report.annotated',
] as const satisfies readonly EventType[];

/** An outbox event type the log publishes. */
export type LoggedEventType = (typeof LOGGED_EVENT_TYPES)[number];

/** Thrown for an outbox event that cannot become a valid entry; the sequencer stops before it. */
export class UnpublishableEventError extends Error {
  constructor(
    readonly eventId: number,
    reason: string,
  ) {
    super(`outbox event ${eventId} cannot be published: ${reason}`);
  }
}

function isLogged(e: OutboxEvent): e is OutboxEvent<LoggedEventType> {
  return (LOGGED_EVENT_TYPES as readonly string[]).includes(e.type);
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
export function entryForEvent(e: OutboxEvent<LoggedEventType>): Entry {
  const base = { schema: ENTRY_SCHEMA, seq: e.id, time: e.time } as const;
  switch (e.type) {
    // Legal process: the demand by its opaque id and the admin by account id; the affected owner never.
    case 'legal.demand_received':
      return { ...base, type: e.type, data: { ...e.data, admin: actor(e) } };
    case 'legal.demand_answered':
      return {
        ...base,
        type: e.type,
        data: { demand: e.data.demand, produced: e.data.produced, admin: actor(e) },
      };
    case 'legal.notice_delayed':
      return {
        ...base,
        type: e.type,
        data: { demand: e.data.demand, until: e.data.until, reason: e.data.reason, admin: actor(e) },
      };
    case 'legal.notice_sent':
      return { ...base, type: e.type, data: { demand: e.data.demand } };
    case 'instance.created':
      return { ...base, type: 'instance.created', data: { origin: e.data.origin, key: e.data.key } };
    case 'log.key_rotated':
      return { ...base, type: 'log.key_rotated', data: { old: e.data.old, new: e.data.new } };
    case 'moderation.dismissed':
      return {
        ...base,
        type: e.type,
        data: {
          post: e.data.postId,
          moderator: actor(e),
          reason: e.data.reason,
          reports: e.data.reportsResolved,
        },
      };
    case 'moderation.hidden':
    case 'moderation.restored':
      return {
        ...base,
        type: e.type,
        data: { post: e.data.postId, moderator: actor(e), reason: e.data.reason },
      };
    // The suspended account never appears: the suspension by its opaque id, the moderator, the rule and reason.
    case 'account.suspended':
      return {
        ...base,
        type: e.type,
        data: {
          suspension: e.data.suspension,
          moderator: actor(e),
          rule: e.data.rule,
          reason: e.data.reason,
          ...(e.data.until !== undefined ? { until: e.data.until } : {}),
        },
      };
    case 'account.suspension_lifted':
      return {
        ...base,
        type: e.type,
        data: { suspension: e.data.suspension, moderator: actor(e), reason: e.data.reason },
      };
    case 'appeal.filed':
      return { ...base, type: 'appeal.filed', data: { post: e.data.postId } };
    case 'appeal.decided':
      return {
        ...base,
        type: 'appeal.decided',
        data: { post: e.data.postId, moderator: actor(e), outcome: e.data.outcome, reason: e.data.reason },
      };
    case 'user.role_changed':
      return {
        ...base,
        type: 'role.changed',
        data: { admin: actor(e), from: e.data.from, to: e.data.to, reason: e.data.reason },
      };
    case 'agency.verified':
    case 'agency.suspended':
    case 'agency.reinstated':
      return {
        ...base,
        type: e.type,
        data: {
          agency: e.data.agencyId,
          name: e.data.name,
          jurisdiction: e.data.jurisdiction,
          admin: actor(e),
          reason: e.data.reason,
        },
      };
    // Which account joined or left stays out: the log shows that an agency's membership changed, and who did it.
    case 'agency.member_added':
    case 'agency.member_removed':
      return { ...base, type: e.type, data: { agency: e.data.agencyId, admin: actor(e) } };
    case 'policy.published':
      return {
        ...base,
        type: 'policy.changed',
        data: {
          jurisdiction: e.data.jurisdiction,
          name: e.data.name,
          version: e.data.version,
          sha256: e.data.sha256,
          policy: e.data.policy,
          boundarySha256: e.data.boundarySha256,
          admin: actor(e),
          reason: e.data.reason,
        },
      };
    // The member whose key it is, and the owner who shared, never appear: the agency, the recipient, the hashes.
    case 'agency.key_added':
    case 'agency.key_removed':
      return { ...base, type: e.type, data: { agency: e.data.agencyId, recipient: e.data.recipient } };
    case 'disclosure.created': {
      const d = e.data;
      return {
        ...base,
        type: e.type,
        data: {
          disclosure: d.disclosure,
          request: d.request,
          plaintextSha256: d.plaintextSha256,
          ciphertextSha256: d.ciphertextSha256,
          plaintextBytes: d.plaintextBytes,
          ciphertextBytes: d.ciphertextBytes,
          captureStart: d.captureStart,
          captureEnd: d.captureEnd,
        },
      };
    }
    case 'disclosure.revoked':
    case 'disclosure.expired':
      return { ...base, type: e.type, data: { disclosure: e.data.disclosure, request: e.data.request } };
    case 'disclosure.held': {
      const d = e.data;
      return {
        ...base,
        type: e.type,
        data: {
          disclosure: d.disclosure,
          request: d.request,
          caseNumber: d.caseNumber,
          justification: d.justification,
          until: d.until,
        },
      };
    }
    case 'disclosure.accessed':
      return { ...base, type: e.type, data: { disclosure: e.data.disclosure, agency: e.data.agencyId } };
    // Footage requests: the agency by id, the area only as cells; never the filing member, an owner or a match.
    case 'request.refused': {
      const d = e.data;
      return {
        ...base,
        type: e.type,
        data: {
          agency: d.agencyId,
          jurisdiction: d.jurisdiction,
          policyVersion: d.policyVersion,
          policySha256: d.policySha256,
          rules: d.rules,
          category: d.category,
          areaM2: d.areaM2,
          windowHours: d.windowHours,
        },
      };
    }
    case 'request.published': {
      const d = e.data;
      return {
        ...base,
        type: e.type,
        data: {
          request: d.requestId,
          agency: d.agencyId,
          jurisdiction: d.jurisdiction,
          caseNumber: d.caseNumber,
          category: d.category,
          legalBasis: d.legalBasis,
          narrative: d.narrative,
          windowStart: d.windowStart,
          windowEnd: d.windowEnd,
          responseDeadline: d.responseDeadline,
          exigent: d.exigent,
          policyVersion: d.policyVersion,
          policySha256: d.policySha256,
          cells: d.cells,
        },
      };
    }
    case 'request.closed':
      return {
        ...base,
        type: e.type,
        data: { request: e.data.requestId, agency: e.data.agencyId, reason: e.data.reason },
      };
    case 'request.justified':
      return {
        ...base,
        type: e.type,
        data: { request: e.data.requestId, justification: e.data.justification },
      };
    case 'request.expired':
    case 'request.justification_missed':
      return { ...base, type: e.type, data: { request: e.data.requestId } };
    // Outcome counts only: the requester, the post and its owner never appear; a moderator by account id.
    case 'bystander.answered':
      return {
        ...base,
        type: e.type,
        data: {
          kind: e.data.kind,
          outcome: e.data.outcome,
          answeredBy: e.data.answeredBy,
          ...(e.data.answeredBy === 'moderator' ? { moderator: actor(e) } : {}),
        },
      };
    // The author by role only: the report speaks for the office, never for a named person.
    case 'report.annotated': {
      const d = e.data;
      return {
        ...base,
        type: e.type,
        data: { agency: d.agency, year: d.year, section: d.section, text: d.text, author: d.author },
      };
    }
  }
}

/** The leaf bytes of an event's entry; throws {@link UnpublishableEventError} when the entry is invalid. */
export function encodeEventEntry(e: OutboxEvent): Uint8Array {
  if (!isLogged(e)) throw new UnpublishableEventError(e.id, `type ${e.type} is not published`);
  const entry = entryForEvent(e);
  try {
    return encodeEntry(entry);
  } catch (err) {
    throw new UnpublishableEventError(e.id, err instanceof Error ? err.message : String(err));
  }
}
