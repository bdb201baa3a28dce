import type { PostCategory, ReactionKind, Role } from '@porchlight/policy';
import type { EntryData } from '@porchlight/tlog';

/**
 * A published event's data when it is the log entry's data itself, less the staff actor field the sequencer
 * fills in from `actorId` (`admin`): declared once, in tlog's `EntryData`.
 */
type Logged<T extends keyof EntryData, Actor extends string = never> = Omit<EntryData[T], Actor>;

/** What an event's data holds when the action has no facts beyond its type, actor and subject. */
type NoData = Record<string, never>;

/** The agency fields verification, suspension and reinstatement record (all published to the log). */
interface AgencyStatusData {
  agencyId: number;
  name: string;
  jurisdiction: string;
  reason: string;
}

/**
 * The one catalogue of outbox events: each type and the data it carries, mirroring tlog's `EntryData` for the
 * types the log publishes (`transparency.entries.ts` maps one to the other). `insertEvent` accepts only the
 * data its type declares, so an event whose data would not make a valid entry fails to compile instead of
 * halting the public log when it is sequenced. Data never holds an exact location.
 */
export interface EventData {
  'user.signed_up': NoData;
  'user.signed_in': NoData;
  'user.signed_out': NoData;
  /** A home set (no data) or a feed radius changed. The home itself stays in `users`, never in an event. */
  'user.home_set': { radiusM?: number };
  'user.role_changed': { from: Role; to: Role; reason: string };
  /** Account self-service (modules/account): private, never published to the log. */
  'user.email_verified': NoData;
  'user.password_reset': { sessionsEnded: number };
  'user.sessions_ended': { sessions: number };
  'user.deleted': { cameras: number; clips: number };
  /** `cell` is the post's coarse H3 cell (G8), never the point the author picked. */
  'post.created': { category: PostCategory; cell: string };
  'post.reported': { reportId: number };
  /** Its author changed these fields; the replaced version is in `post_revisions`. */
  'post.edited': { fields: ('category' | 'title' | 'body' | 'person')[] };
  'post.resolved': { resolved: boolean };
  /** Post ids in event data are public ids (po_…) from migration 16 on; older rows hold the row id. */
  'comment.created': { postId: string };
  'comment.edited': { postId: string };
  'reaction.set': { kind: ReactionKind };
  'reaction.removed': NoData;
  'moderation.hidden': { postId: string; reason: string; decisionId?: number; reportsResolved?: number };
  'moderation.restored': { postId: string; reason: string; decisionId?: number };
  /** A moderator found a post's open reports unfounded and left it visible. */
  'moderation.dismissed': { postId: string; reason: string; decisionId: number; reportsResolved: number };
  /** A moderator suspended an account; `subjectId` (the account) stays in the outbox, never in the log. */
  'account.suspended': Logged<'account.suspended', 'moderator'>;
  'account.suspension_lifted': Logged<'account.suspension_lifted', 'moderator'>;
  /** The appellant's statement stays out: it is the author's own words, not an accountability fact. */
  'appeal.filed': { postId: string; decisionId: number };
  'appeal.decided': {
    postId: string;
    outcome: 'upheld' | 'overturned';
    reason: string;
    restoreDecisionId: number | null;
  };
  /** Written by the transparency log itself when it starts (transparency.repository.ts). */
  'instance.created': Logged<'instance.created'>;
  /** Written by the transparency log when its key is rotated (transparency.repository.ts). */
  'log.key_rotated': Logged<'log.key_rotated'>;
  'agency.verified': AgencyStatusData;
  'agency.suspended': AgencyStatusData;
  'agency.reinstated': AgencyStatusData;
  /** `userId` stays in the outbox: the log shows that membership changed, never whose. */
  'agency.member_added': { agencyId: number; userId: number };
  'agency.member_removed': { agencyId: number; userId: number };
  'policy.published': Logged<'policy.changed', 'admin'>;
  /** Legal process (issue 8 §9; all published). The affected account never appears: it stays in legal_demands. */
  'legal.demand_received': Logged<'legal.demand_received', 'admin'>;
  'legal.demand_answered': Logged<'legal.demand_answered', 'admin'>;
  'legal.notice_delayed': Logged<'legal.notice_delayed', 'admin'>;
  'legal.notice_sent': Logged<'legal.notice_sent'>;
  /** Clip vault: private to the owner, never published to the log. */
  'vault.keys_set': NoData;
  'vault.rewrapped': NoData;
  /** A new vault identity; `generation` counts rotations (1 is the key made at setup). */
  'vault.keys_rotated': { generation: number };
  'camera.created': { retentionDays: number; acceptAgencyRequests: boolean };
  'camera.updated': { changed: string[] };
  'camera.deleted': { clips: number };
  'device.pairing_code_created': NoData;
  'device.paired': NoData;
  'device.revoked': NoData;
  'clip.created': { cameraId: number; sizeBytes: number; deviceId: number | null };
  'clip.deleted': NoData;
  'clip.expired': { cameraId: number };
  /** Agency keys and disclosures (issue 8; all published to the log). The member's and owner's ids stay out. */
  'agency.key_added': { agencyId: number; recipient: string };
  'agency.key_removed': { agencyId: number; recipient: string };
  'disclosure.created': Logged<'disclosure.created'>;
  'disclosure.accessed': { disclosure: string; agencyId: number };
  'disclosure.revoked': Logged<'disclosure.revoked'>;
  'disclosure.held': Logged<'disclosure.held'>;
  'disclosure.expired': Logged<'disclosure.expired'>;
  /** Footage requests (issue 8; all published to the log). Never the polygon, an owner or a match count. */
  'request.refused': {
    agencyId: number;
    jurisdiction: string;
    policyVersion: number;
    policySha256: string;
    rules: string[];
    category: string;
    areaM2: number;
    windowHours: number;
  };
  'request.published': {
    requestId: string;
    agencyId: number;
    jurisdiction: string;
    caseNumber: string;
    category: string;
    legalBasis: string;
    narrative: string;
    windowStart: string;
    windowEnd: string;
    responseDeadline: string;
    exigent: boolean;
    policyVersion: number;
    policySha256: string;
    cells: string[];
  };
  'request.closed': { requestId: string; agencyId: number; reason: string };
  'request.expired': { requestId: string };
  'request.justified': { requestId: string; justification: string };
  'request.justification_missed': { requestId: string };
  /** Bystander requests (issue 11): filing is private; an answer is published without requester, post or owner. */
  'bystander.requested': NoData;
  'bystander.answered': Logged<'bystander.answered', 'moderator'>;
  /** Text written into an agency's annual report (all published); the author's account stays in the outbox. */
  'report.annotated': Logged<'report.annotated'>;
}

export type EventType = keyof EventData;

/** What an event is about; with `subjectId`, it lets the outbox be read per resource. */
export type SubjectType =
  | 'user'
  | 'post'
  | 'comment'
  | 'appeal'
  | 'log'
  | 'camera'
  | 'device'
  | 'clip'
  | 'agency'
  | 'jurisdiction'
  | 'request'
  | 'disclosure'
  | 'legal_demand'
  | 'bystander_request';

/** An event to append. `data` may be left out only for types whose data has no required field. */
export type NewEvent<T extends EventType = EventType> = T extends EventType
  ? {
      type: T;
      actorId: number | null;
      subjectType: SubjectType;
      subjectId: number | string;
    } & (NoData extends EventData[T] ? { data?: EventData[T] } : { data: EventData[T] })
  : never;

/** An outbox row as the sequencer reads it; `time` is already RFC 3339 UTC to the second. */
export type OutboxEvent<T extends EventType = EventType> = T extends EventType
  ? { id: number; type: T; actorId: number | null; data: EventData[T]; time: string }
  : never;
