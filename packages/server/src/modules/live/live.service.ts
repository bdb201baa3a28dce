import type { Deps } from '../../deps.js';
import { AppError } from '../../errors.js';
import { areaCellsCovering } from '../../geo/cells.js';
import type { LiveMessage } from '../../infra/live/bus.js';
import { authorize, type Viewer } from '../../policies.js';
import { presentComment, presentPost } from '../posts/posts.presenter.js';
import { mutersAmong } from '../mutes/mutes.repository.js';
import * as posts from '../posts/posts.repository.js';
import { viewerHome } from '../users/users.presenter.js';
import { findUserById } from '../users/users.repository.js';
import { LiveHub, type LiveArea } from './live.hub.js';

/** The SSE event names of `GET /api/live`; the web app listens for exactly these. */
export type LiveEventName =
  | 'post'
  | 'comment'
  | 'post-hidden'
  | 'post-restored'
  | 'post-deleted'
  | 'post-updated'
  | 'comment-deleted'
  | 'comment-updated'
  | 'inbox'
  | 'notification';

/** A bus message addressed to particular accounts rather than to a place. */
export type UserMessage = Extract<LiveMessage, { kind: 'inbox.request' }>;

/**
 * Turns a user-addressed message into what each of the given accounts (those with a stream open in this
 * process) should receive: account id → event data. Accounts left out receive nothing.
 */
export type UserMessagePreparer = (m: UserMessage, userIds: number[]) => Promise<Map<number, string>>;

/** One open stream: who is watching, where, and how to reach them. */
export interface LiveSubscriber extends LiveArea {
  /** Refreshed when the stream re-checks its session, so a role change applies to later events. */
  viewer: Viewer;
  send(event: LiveEventName, data: string): void;
  close(): void;
}

/** Timings of a stream. Tests shorten them; production uses the defaults. */
export interface LiveSettings {
  /** Comment sent this often so proxies keep the connection open; the session is re-checked at each. */
  pingMs: number;
  /** Reconnect delay suggested to the browser; each stream adds up to as much again as jitter. */
  retryMs: number;
  /** A client this far behind is disconnected (it reconnects and re-reads) rather than buffered forever. */
  maxBufferedBytes: number;
  /**
   * Open streams one account may hold in this process (tabs and devices). Each stream holds a socket and a
   * session check; without a cap one account could exhaust them.
   */
  maxStreamsPerUser: number;
}

interface WarnLogger {
  warn(obj: object, msg: string): void;
}

const noop = (): void => undefined;
/** Keep-alive groups per process: at the default 25 s, one group a second. */
export const PING_SLOTS = 25;

/** A message about something at a place (a post or comment), delivered by the cell-keyed hub. */
type PlaceMessage = Exclude<LiveMessage, UserMessage>;
const sameCentre = (a: number, b: number): boolean => Math.abs(a - b) < 1e-9;

/**
 * Live delivery of changes near each subscriber. Messages arrive from the bus (this process or others),
 * are matched by area cell in the {@link LiveHub}, read from the database once per message, and presented
 * per viewer. Delivery keeps the bus order: reads run concurrently, sends happen in arrival order.
 */
export class LiveService {
  readonly hub = new LiveHub<LiveSubscriber>();
  readonly settings: LiveSettings = {
    pingMs: 25_000,
    retryMs: 3_000,
    maxBufferedBytes: 1 << 20,
    maxStreamsPerUser: 8,
  };
  /** Open streams per account id in this process: the per-user channel beside the cell-keyed hub. */
  private readonly streamsByUser = new Map<number, Set<LiveSubscriber>>();
  private preparers = new Map<UserMessage['kind'], UserMessagePreparer>();
  private log: WarnLogger = { warn: noop };
  private stopListening: (() => void) | undefined;
  private tail: Promise<void> = Promise.resolve();
  /** Keep-alive groups, pinged one after another across each `pingMs` (see {@link everyPing}). */
  private readonly pingSlots = Array.from({ length: PING_SLOTS }, () => new Set<() => void>());
  private pingTimer: { periodMs: number; timer: ReturnType<typeof setInterval> } | undefined;

  constructor(private readonly deps: Deps) {}

  /** Sends delivery failures somewhere an operator can see them. */
  useLogger(log: WarnLogger): void {
    this.log = log;
  }

  /**
   * Lets a module deliver user-addressed messages of one kind (the inbox: a request reached these owners).
   * The preparer runs only in processes where at least one addressee has a stream open.
   */
  useUserMessages(kind: UserMessage['kind'], prepare: UserMessagePreparer): void {
    this.preparers.set(kind, prepare);
  }

  /**
   * The area a new stream covers: the viewer's home and radius now. Throws `unauthenticated` or
   * `home_required` before any byte of the stream is written, so they reach the client as problem documents.
   */
  async area(viewer: Viewer | null): Promise<LiveArea & { viewer: Viewer }> {
    const v = authorize(viewer, 'feed.read');
    const place = v.home !== undefined ? v.home : viewerHome(await findUserById(this.deps.db, v.id));
    if (!place) throw new AppError('home_required');
    // Checked last, after the only await, so the count is as fresh as it can be when the stream attaches.
    const open = this.streamsByUser.get(v.id)?.size ?? 0;
    if (open >= this.settings.maxStreamsPerUser) {
      throw new AppError(
        'rate_limited',
        `you already have ${open} live streams open (the limit is ${this.settings.maxStreamsPerUser}); close a tab or device first`,
      );
    }
    const home = { lat: place.lat, lng: place.lng };
    return { viewer: v, home, radiusM: place.radiusM, areaCells: areaCellsCovering(home, place.radiusM) };
  }

  /**
   * Registers a stream. The bus is listened to only while at least one stream is open, so an idle process
   * does no work per message. Returns the function that unregisters it.
   */
  attach(subscriber: LiveSubscriber): () => void {
    const remove = this.hub.add(subscriber);
    const userId = subscriber.viewer.id;
    let mine = this.streamsByUser.get(userId);
    if (!mine) {
      mine = new Set();
      this.streamsByUser.set(userId, mine);
    }
    mine.add(subscriber);
    this.stopListening ??= this.deps.live.subscribe((m) => {
      this.receive(m);
    });
    let detached = false;
    return () => {
      if (detached) return;
      detached = true;
      remove();
      const streams = this.streamsByUser.get(userId);
      streams?.delete(subscriber);
      if (streams?.size === 0) this.streamsByUser.delete(userId);
      if (this.hub.subscriberCount === 0 && this.stopListening) {
        this.stopListening();
        this.stopListening = undefined;
      }
    };
  }

  /**
   * Calls `tick` every `settings.pingMs` until the returned function is called. The streams of a process are
   * split into {@link PING_SLOTS} groups pinged in turn, one group every `pingMs / PING_SLOTS`: each group's
   * session re-checks still arrive together (one batched query), but 10,000 streams no longer write 10,000
   * pings in one turn of the event loop, which held every post delivered meanwhile back by up to a second.
   */
  everyPing(tick: () => void): () => void {
    const slot = this.pingSlots.reduce((least, s) => (s.size < least.size ? s : least));
    slot.add(tick);
    if (this.pingTimer?.periodMs !== this.settings.pingMs) this.startPinging();
    return () => {
      slot.delete(tick);
      if (this.pingTimer && this.pingSlots.every((s) => s.size === 0)) {
        clearInterval(this.pingTimer.timer);
        this.pingTimer = undefined;
      }
    };
  }

  private startPinging(): void {
    if (this.pingTimer) clearInterval(this.pingTimer.timer);
    const periodMs = this.settings.pingMs;
    let next = 0;
    const timer = setInterval(() => {
      const slot = this.pingSlots[next]!;
      next = (next + 1) % PING_SLOTS;
      for (const t of [...slot]) t();
    }, periodMs / PING_SLOTS);
    this.pingTimer = { periodMs, timer };
  }

  /** Accounts with at least one stream open in this process. */
  onlineUserIds(): number[] {
    return [...this.streamsByUser.keys()];
  }

  /** Sends an event on every stream `userId` holds in this process; returns how many streams got it. */
  sendToUser(userId: number, event: LiveEventName, data: string): number {
    const streams = this.streamsByUser.get(userId) ?? new Set<LiveSubscriber>();
    for (const s of streams) s.send(event, data);
    return streams.size;
  }

  /** Closes every open stream (on shutdown, so the server can stop without waiting for clients). */
  closeAll(): void {
    for (const s of this.hub.all()) s.close();
  }

  /** Resolves once every message received so far has been sent. */
  settled(): Promise<void> {
    return this.tail;
  }

  private receive(m: LiveMessage): void {
    if (m.kind === 'inbox.request') {
      this.receiveForUsers(m);
      return;
    }
    // Recipients are chosen as the message arrives; only then is the database read, and only if anyone is near.
    const recipients = this.hub.near(m);
    if (recipients.length === 0) return;
    this.enqueue(m, this.prepare(m, recipients));
  }

  /**
   * A user-addressed message: the preparer is asked only about accounts with a stream open here, and each gets
   * their own payload on every stream they hold. The message itself names no one, so the bus carries no
   * account ids and one NOTIFY serves any number of addressees.
   */
  private receiveForUsers(m: UserMessage): void {
    const prepare = this.preparers.get(m.kind);
    if (!prepare || this.streamsByUser.size === 0) return;
    const userIds = [...this.streamsByUser.keys()];
    const prepared = prepare(m, userIds).then((payloads) => () => {
      for (const [userId, data] of payloads) {
        for (const s of this.streamsByUser.get(userId) ?? []) s.send('inbox', data);
      }
    });
    this.enqueue(m, prepared);
  }

  /** Sends in arrival order: reads run concurrently, sends wait for every earlier message's sends. */
  private enqueue(m: LiveMessage, ready: Promise<() => void>): void {
    const prepared = ready.catch((err: unknown) => {
      this.log.warn({ err, message: m }, 'live delivery failed');
      return noop;
    });
    this.tail = this.tail.then(async () => {
      try {
        (await prepared)();
      } catch (err) {
        // One bad send must not break the chain every later message waits on.
        this.log.warn({ err, message: m }, 'live delivery failed');
      }
    });
  }

  /** Reads what `m` is about and returns the function that sends it to `recipients`. */
  private async prepare(m: PlaceMessage, recipients: LiveSubscriber[]): Promise<() => void> {
    switch (m.kind) {
      case 'post.created':
        return this.preparePost('post', m, recipients);
      case 'post.restored':
        return this.preparePost('post-restored', m, recipients);
      case 'post.updated':
        return this.preparePost('post-updated', m, recipients);
      case 'post.hidden':
      case 'post.deleted': {
        const event = m.kind === 'post.hidden' ? 'post-hidden' : 'post-deleted';
        const data = JSON.stringify({ postId: m.postId });
        return () => {
          for (const s of recipients) s.send(event, data);
        };
      }
      case 'comment.created':
        return this.prepareComment('comment', m, recipients);
      case 'comment.updated':
        return this.prepareComment('comment-updated', m, recipients);
      case 'comment.deleted': {
        const data = JSON.stringify({ postId: m.postId, commentId: m.commentId });
        return () => {
          for (const s of recipients) s.send('comment-deleted', data);
        };
      }
    }
  }

  private async preparePost(
    event: 'post' | 'post-restored' | 'post-updated',
    m: PlaceMessage,
    recipients: LiveSubscriber[],
  ): Promise<() => void> {
    const row = await this.visiblePostAt(m);
    if (!row) return noop;
    const ids = recipients.map((s) => s.viewer.id);
    const [notices, reactions, muters] = await Promise.all([
      posts.moderationNotices(this.deps.db, [row.id]),
      posts.reactionsOf(this.deps.db, row.id, ids),
      mutersAmong(this.deps.db, row.author_id, ids),
    ]);
    const notice = notices.get(row.id);
    return () => {
      // presentPost depends on the viewer only through isMine, their reaction and their role, so most
      // neighbours share one serialised payload.
      const payloads = new Map<string, string>();
      for (const s of recipients) {
        // Someone who muted the author does not see their posts, live or in the feed.
        if (muters.has(s.viewer.id)) continue;
        const myReaction = reactions.get(s.viewer.id) ?? null;
        const key = `${row.author_id === s.viewer.id}:${myReaction}:${s.viewer.role}`;
        let data = payloads.get(key);
        if (data === undefined) {
          data = JSON.stringify(presentPost({ ...row, my_reaction: myReaction }, s.viewer, notice));
          payloads.set(key, data);
        }
        s.send(event, data);
      }
    };
  }

  private async prepareComment(
    event: 'comment' | 'comment-updated',
    m: Extract<LiveMessage, { commentId: string }>,
    recipients: LiveSubscriber[],
  ): Promise<() => void> {
    const [post, comment] = await Promise.all([
      this.visiblePostAt(m),
      posts.findComment(this.deps.db, m.commentId),
    ]);
    if (!post || comment?.post_id !== post.id) return noop;
    const muters = await mutersAmong(
      this.deps.db,
      comment.author_id,
      recipients.map((s) => s.viewer.id),
    );
    const data = JSON.stringify(presentComment(comment));
    return () => {
      for (const s of recipients) if (!muters.has(s.viewer.id)) s.send(event, data);
    };
  }

  /**
   * The post a message names, if it is visible (the feed shows no hidden post, so neither does live) and
   * really is where the message says. Recipients were chosen by the message's place; a publisher that got
   * the place wrong must not send a post to another neighbourhood.
   */
  private async visiblePostAt(m: PlaceMessage): Promise<posts.PostRow | undefined> {
    // Viewer 0 is nobody, so the row carries no one's reaction; callers add each recipient's.
    const row = await posts.findPost(this.deps.db, 0, m.postId);
    if (row?.status !== 'visible') return undefined;
    if (
      row.area_cell !== m.areaCell ||
      !sameCentre(row.cell_lat, m.lat) ||
      !sameCentre(row.cell_lng, m.lng)
    ) {
      this.log.warn({ message: m }, 'live message place does not match the post; not sent');
      return undefined;
    }
    return row;
  }
}
