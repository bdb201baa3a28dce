import { randomBytes } from 'node:crypto';
import type { PostCategory } from '@porchlight/policy';
import type { Deps } from '../../deps.js';
import { AppError, invalid, notFound } from '../../errors.js';
import { authorize, type Viewer } from '../../policies.js';
import type { LiveService } from '../live/live.service.js';
import { NOTIFY_CHANNEL } from './notifications.derive.js';
import { presentNotification, presentSettings } from './notifications.presenter.js';
import * as repo from './notifications.repository.js';
import { isTimeZone } from './quiet-hours.js';
import * as settings from './settings.repository.js';

/** Items the centre lists: the newest; older ones stay stored but are not paged through (yet). */
const LIST_LIMIT = 50;

export interface AlertSettingsInput {
  categories: PostCategory[];
  radiusM: number;
  quietHours: { start: string; end: string } | null;
  timeZone: string;
  channels: { inApp: boolean; push: boolean; email: settings.EmailMode };
}

const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

interface WarnLogger {
  warn(obj: object, msg: string): void;
}

/**
 * The notification centre: what happened to the viewer's posts (replies, reactions, moderation decisions,
 * appeals), written with the event that caused it (notifications.derive.ts), read and marked read only by its
 * recipient, and sent live on the recipient's open streams. Also the account's alert settings.
 */
export class NotificationsService {
  private unlisten: (() => Promise<void>) | undefined;
  private log: WarnLogger = { warn: () => undefined };

  constructor(
    private readonly deps: Deps,
    private readonly live: LiveService,
  ) {}

  async list(viewer: Viewer | null) {
    const v = authorize(viewer, 'feed.read');
    const [rows, unread] = await Promise.all([
      repo.notificationsOf(this.deps.db, v.id, LIST_LIMIT),
      repo.unreadCount(this.deps.db, v.id),
    ]);
    return { items: rows.map(presentNotification), unread };
  }

  async count(viewer: Viewer | null) {
    const v = authorize(viewer, 'feed.read');
    return { unread: await repo.unreadCount(this.deps.db, v.id) };
  }

  /** Marks one read. Another account's id is not found, exactly like one that does not exist. */
  async markRead(viewer: Viewer | null, id: string): Promise<void> {
    const v = authorize(viewer, 'feed.read');
    if (!(await repo.markRead(this.deps.db, v.id, id))) throw notFound('notification');
  }

  async markAllRead(viewer: Viewer | null) {
    const v = authorize(viewer, 'feed.read');
    return { marked: await repo.markAllRead(this.deps.db, v.id) };
  }

  async settings(viewer: Viewer | null) {
    const v = authorize(viewer, 'feed.read');
    const row = await settings.findSettings(this.deps.db, v.id);
    return presentSettings(row);
  }

  async saveSettings(viewer: Viewer | null, input: AlertSettingsInput) {
    const v = authorize(viewer, 'feed.read');
    if (!isTimeZone(input.timeZone))
      throw invalid('/body/timeZone', 'must be an IANA time zone, e.g. Europe/Berlin');
    const quiet = input.quietHours;
    if (quiet && quiet.start === quiet.end)
      throw invalid('/body/quietHours/end', 'must differ from the start (or turn quiet hours off)');
    const existing = await settings.findSettings(this.deps.db, v.id);
    const row = await settings.saveSettings(this.deps.db, {
      user_id: v.id,
      categories: [...new Set(input.categories)],
      radius_m: input.radiusM,
      quiet_start: quiet ? minutes(quiet.start) : null,
      quiet_end: quiet ? minutes(quiet.end) : null,
      time_zone: input.timeZone,
      in_app: input.channels.inApp,
      push: input.channels.push,
      email: input.channels.email,
      unsubscribe_token: existing?.unsubscribe_token ?? randomBytes(24).toString('base64url'),
    });
    return presentSettings(row);
  }

  /** The one-click unsubscribe from a mail: no session, the token is the credential and only turns email off. */
  async unsubscribe(token: string) {
    if (!(await settings.unsubscribe(this.deps.db, token)))
      throw new AppError('not_found', 'this unsubscribe link is not valid (it may be from an older account)');
    return { unsubscribed: true as const };
  }

  /**
   * Listens for new notifications (from any process) to send them live. Stopped by {@link stop}. Never throws:
   * without the listener the centre still works, only the bell waits for the next page load.
   */
  async start(log?: WarnLogger): Promise<void> {
    if (log) this.log = log;
    if (this.unlisten) return;
    try {
      this.unlisten = await this.deps.db.listen(NOTIFY_CHANNEL, (id) => {
        this.sendLive(id).catch((err: unknown) => {
          this.log.warn({ err }, 'live notification not sent');
        });
      });
    } catch (err) {
      this.log.warn({ err }, 'live notifications unavailable: cannot LISTEN');
    }
  }

  async stop(): Promise<void> {
    const unlisten = this.unlisten;
    this.unlisten = undefined;
    await unlisten?.();
  }

  /** The `notification` event: the item and the new unread count, to its recipient's streams in this process. */
  private async sendLive(id: string): Promise<void> {
    if (this.live.onlineUserIds().length === 0) return;
    const n = await repo.findNotification(this.deps.db, id);
    if (!n || !this.live.onlineUserIds().includes(n.user_id)) return;
    const unread = await repo.unreadCount(this.deps.db, n.user_id);
    this.live.sendToUser(n.user_id, 'notification', JSON.stringify({ item: presentNotification(n), unread }));
  }
}
