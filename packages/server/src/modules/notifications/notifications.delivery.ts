import type { Deps } from '../../deps.js';
import { distanceMeters } from '../../geo/cells.js';
import { enqueueJob, type JobDefinition } from '../../infra/jobs/index.js';
import type { Mail } from '../mail/mail.service.js';
import type { PushService } from '../push/push.service.js';
import { alertMail, digestMail } from './notifications.mail.js';
import { notificationAlert, postAlert, requestAlert, type Alert } from './messages.js';
import { JOB } from './notifications.derive.js';
import * as repo from './notifications.repository.js';
import { inQuietHours, nextDigest, quietEnd, type QuietHours } from './quiet-hours.js';
import * as settings from './settings.repository.js';

/** The mail transport (modules/mail): only `send` is used. */
export interface Mailer {
  send(mail: Mail): Promise<void>;
}

const DAY_MS = 86_400_000;
/** Degrees of latitude per metre, for bounding boxes. */
const DEG_PER_M = 1 / 111_000;

const quietOf = (r: settings.AlertSettingsRow): QuietHours => ({
  start: r.quiet_start,
  end: r.quiet_end,
  timeZone: r.time_zone,
});

const id = (payload: unknown, field: string): string | number | undefined => {
  const v = (payload as Record<string, unknown> | null)?.[field];
  return typeof v === 'string' || typeof v === 'number' ? v : undefined;
};

/**
 * Push and email delivery. Each method is one job kind's whole work ({@link deliveryJobs} wires them to the
 * job queue); the jobs are enqueued in the transaction of the event that causes them (notifications.derive.ts).
 * Quiet hours hold push and instant mail back: what arrives during them goes into a digest sent when they end.
 */
export class NotificationDelivery {
  constructor(
    private readonly deps: Deps,
    private readonly push: PushService,
    private readonly mail: Mailer,
  ) {}

  /** A personal notification (reply, moderation decision, appeal) to its recipient's devices and mailbox. */
  async notification(notificationId: string): Promise<number> {
    const n = await repo.findNotification(this.deps.db, notificationId);
    if (!n) return 0;
    const r = await settings.findRecipient(this.deps.db, n.user_id);
    if (!r) return 0;
    // A failure throws: the job is retried, and the user gets this one alert late rather than never.
    return this.deliver(r, notificationAlert(n));
  }

  /** A new post to everyone who wants its category within their alert radius of it. */
  async post(ref: string | number): Promise<number> {
    const post = await repo.findPostRef(this.deps.db, ref);
    if (post?.status !== 'visible') return 0;
    const candidates = await settings.recipientsForPost(this.deps.db, {
      category: post.category,
      lat: post.cell_lat,
      lng: post.cell_lng,
      authorId: post.author_id,
    });
    const near = candidates.filter(
      (r) =>
        r.home_lat !== null &&
        r.home_lng !== null &&
        distanceMeters({ lat: r.home_lat, lng: r.home_lng }, { lat: post.cell_lat, lng: post.cell_lng }) <=
          r.radius_m,
    );
    return this.fanOut(near, postAlert(post));
  }

  /** A published footage request to the owners it reached (read from the inbox now; the job names no one). */
  async request(requestId: string): Promise<number> {
    const owners = await settings.recipientsForRequest(this.deps.db, requestId);
    return this.fanOut(owners, requestAlert(requestId));
  }

  /**
   * What came since the account's last alert, as one mail (email on) and one push (push on): personal
   * notifications, nearby posts in its categories, and how many footage requests reached it.
   */
  async digest(userId: number): Promise<number> {
    const r = await settings.findRecipient(this.deps.db, userId);
    if (!r) return 0;
    const now = this.deps.clock.now();
    if (inQuietHours(now, quietOf(r))) {
      await this.scheduleDigest(userId, quietEnd(now, quietOf(r)));
      return 0;
    }
    const since = r.last_digest_at ?? new Date(now.getTime() - DAY_MS);
    const [notifications, posts, requests] = await Promise.all([
      repo.notificationsSince(this.deps.db, userId, since),
      this.nearbyPostsSince(r, since),
      repo.requestsSince(this.deps.db, userId, since),
    ]);
    const personal = notifications.filter((n) => n.kind !== 'reaction');
    const items = personal.length + posts.length + requests;
    if (items > 0) {
      if (r.push) {
        await this.push.sendToUser(userId, {
          title: `While you were away: ${items} alert${items === 1 ? '' : 's'}`,
          body: [...personal.map((n) => notificationAlert(n).title), ...posts.map((p) => p.title)]
            .slice(0, 3)
            .join(' · '),
          url: '/notifications',
          tag: 'digest',
        });
      }
      if (r.email !== 'off') {
        const digest = {
          notifications: personal.map(notificationAlert),
          posts: posts.map(postAlert),
          requests,
        };
        await this.mail.send(digestMail(this.deps.config.publicUrl, r, digest));
      }
    }
    await settings.setLastDigest(this.deps.db, userId, now);
    return items;
  }

  private async nearbyPostsSince(r: settings.RecipientRow, since: Date): Promise<repo.PostRef[]> {
    if (r.home_lat === null || r.home_lng === null || r.categories.length === 0) return [];
    const home = { lat: r.home_lat, lng: r.home_lng };
    const dLat = r.radius_m * DEG_PER_M;
    const dLng = dLat / Math.max(Math.cos((home.lat * Math.PI) / 180), 0.01);
    const rows = await repo.postsSince(this.deps.db, {
      since,
      categories: r.categories,
      readerId: r.user_id,
      box: [home.lat - dLat, home.lat + dLat, home.lng - dLng, home.lng + dLng],
    });
    return rows.filter((p) => distanceMeters(home, { lat: p.cell_lat, lng: p.cell_lng }) <= r.radius_m);
  }

  /**
   * One alert to many accounts. A failure for one account is logged and the rest still get theirs; the job is
   * not retried, which would alert everyone else twice.
   */
  private async fanOut(recipients: settings.RecipientRow[], alert: Alert): Promise<number> {
    let sent = 0;
    const failures: unknown[] = [];
    for (const r of recipients) {
      try {
        sent += await this.deliver(r, alert);
      } catch (err) {
        failures.push(err);
      }
    }
    if (failures.length > 0 && sent === 0) throw failures[0];
    return sent;
  }

  /** Sends now, or holds it for the digest: during quiet hours, or when the account takes a daily digest. */
  private async deliver(r: settings.RecipientRow, alert: Alert): Promise<number> {
    const now = this.deps.clock.now();
    const quiet = quietOf(r);
    if (inQuietHours(now, quiet)) {
      if (r.push || r.email !== 'off') await this.scheduleDigest(r.user_id, quietEnd(now, quiet));
      return 0;
    }
    let sent = 0;
    if (r.push) sent += await this.push.sendToUser(r.user_id, alert);
    if (r.email === 'instant') {
      await this.mail.send(alertMail(this.deps.config.publicUrl, r, alert));
      sent += 1;
    }
    if (r.email === 'digest') await this.scheduleDigest(r.user_id, nextDigest(now, quiet));
    else if (sent > 0) await settings.setLastDigest(this.deps.db, r.user_id, now);
    return sent;
  }

  /** One pending digest per account (the job key): a second request while it waits adds nothing. */
  private async scheduleDigest(userId: number, runAt: Date): Promise<void> {
    await enqueueJob(this.deps.db, {
      kind: JOB.digest,
      runAt,
      key: `${JOB.digest}:${userId}`,
      payload: { user: userId },
    });
  }
}

/** The delivery job kinds, for the job worker (services.ts). */
export function deliveryJobs(delivery: NotificationDelivery): JobDefinition[] {
  const run =
    (work: (ref: string | number) => Promise<number>, field: string) => async (payload: unknown) => {
      const ref = id(payload, field);
      return ref === undefined ? undefined : { sent: await work(ref) };
    };
  return [
    {
      kind: JOB.notification,
      title: 'notification alerts sent',
      run: run((r) => delivery.notification(String(r)), 'id'),
    },
    { kind: JOB.post, title: 'nearby post alerts sent', run: run((r) => delivery.post(r), 'post') },
    {
      kind: JOB.request,
      title: 'footage request alerts sent',
      run: run((r) => delivery.request(String(r)), 'request'),
    },
    { kind: JOB.digest, title: 'digests sent', run: run((r) => delivery.digest(Number(r)), 'user') },
  ];
}
