import webpush from 'web-push';
import type { Deps } from '../../deps.js';
import { invalid, notFound, AppError } from '../../errors.js';
import { authorize, type Viewer } from '../../policies.js';
import { opaqueId } from '../requests/requests.ids.js';
import { endpointProblem, endpointResolvesPublic } from './endpoint.js';
import { presentSubscription } from './push.presenter.js';
import * as repo from './push.repository.js';
import { loadVapidKeys, type VapidKeys } from './vapid.js';

/** What a device shows: the service worker turns it into a notification (packages/web/src/notifications/sw). */
export interface PushMessage {
  title: string;
  body: string;
  /** Path in the web app the notification opens. */
  url: string;
  /** Notifications with the same tag replace each other on the device. */
  tag: string;
}

/** A push service answered with an error status. */
class PushRefused extends Error {
  constructor(
    readonly status: number,
    body: string,
  ) {
    super(`push service answered ${status}: ${body.slice(0, 200)}`);
  }
}

/** Devices one account may subscribe; each push is one request per device. */
const MAX_SUBSCRIPTIONS = 20;
/** How long a push service keeps trying an offline device: an alert older than a day is noise. */
const TTL_SECONDS = 24 * 3600;

/**
 * Web Push (RFC 8030) with VAPID (RFC 8292): devices subscribe, and {@link PushService.sendToUser} delivers a
 * message to every device of an account, encrypted to each (RFC 8291 aes128gcm, done by `web-push`), so the
 * push service relays ciphertext only.
 */
export class PushService {
  private keys: VapidKeys | undefined;

  constructor(private readonly deps: Deps) {}

  /** The VAPID public key browsers subscribe with. Loaded (or generated) on first use. */
  publicKey(): { publicKey: string } {
    return { publicKey: this.vapid().publicKey };
  }

  async subscribe(
    viewer: Viewer | null,
    input: { endpoint: string; keys: { p256dh: string; auth: string }; label?: string | undefined },
  ) {
    const v = authorize(viewer, 'feed.read');
    const problem = endpointProblem(input.endpoint, this.deps.config.pushAllowPrivateEndpoints);
    if (problem) throw invalid('/body/endpoint', problem);
    if (Buffer.from(input.keys.p256dh, 'base64url').length !== 65)
      throw invalid('/body/keys/p256dh', 'must be a 65-byte uncompressed P-256 public key');
    if (Buffer.from(input.keys.auth, 'base64url').length !== 16)
      throw invalid('/body/keys/auth', 'must be a 16-byte secret');
    const existing = await repo.subscriptionsOf(this.deps.db, v.id);
    if (existing.length >= MAX_SUBSCRIPTIONS && !existing.some((s) => s.endpoint === input.endpoint))
      throw new AppError('conflict', `you already have ${MAX_SUBSCRIPTIONS} devices; remove one first`);
    const row = await repo.upsertSubscription(this.deps.db, {
      id: opaqueId('ps'),
      userId: v.id,
      endpoint: input.endpoint,
      p256dh: input.keys.p256dh,
      auth: input.keys.auth,
      label: input.label?.trim() || 'A browser',
    });
    return presentSubscription(row);
  }

  async list(viewer: Viewer | null) {
    const v = authorize(viewer, 'feed.read');
    return { items: (await repo.subscriptionsOf(this.deps.db, v.id)).map(presentSubscription) };
  }

  async remove(viewer: Viewer | null, id: string): Promise<void> {
    const v = authorize(viewer, 'feed.read');
    if (!(await repo.deleteSubscription(this.deps.db, v.id, id))) throw notFound('push subscription');
  }

  /**
   * Sends `message` to every device of `userId`; returns how many accepted it. A device the push service
   * reports gone (404/410) is forgotten; other failures throw after trying every device, so the delivery job
   * retries.
   */
  async sendToUser(userId: number, message: PushMessage): Promise<number> {
    const subs = await repo.subscriptionsOf(this.deps.db, userId);
    const payload = JSON.stringify(message);
    let delivered = 0;
    let failure: Error | undefined;
    for (const s of subs) {
      try {
        if (!(await endpointResolvesPublic(s.endpoint, this.deps.config.pushAllowPrivateEndpoints))) {
          await repo.deleteEndpoint(this.deps.db, s.endpoint);
          continue;
        }
        await this.post(s, payload);
        await repo.markSent(this.deps.db, s.id, this.deps.clock.now());
        delivered += 1;
      } catch (err) {
        if (err instanceof PushRefused && (err.status === 404 || err.status === 410))
          await repo.deleteEndpoint(this.deps.db, s.endpoint);
        else failure = err instanceof Error ? err : new Error('push failed', { cause: err });
      }
    }
    if (failure && delivered === 0) throw failure;
    return delivered;
  }

  /**
   * One push (RFC 8030): `web-push` encrypts the payload and signs the VAPID header; the request itself goes
   * through fetch, which (unlike web-push's own sender) also speaks http: to a push service on the LAN.
   */
  private async post(s: repo.PushSubscriptionRow, payload: string): Promise<void> {
    const request = webpush.generateRequestDetails(
      { endpoint: s.endpoint, keys: { p256dh: s.p256dh, auth: s.auth } },
      payload,
      {
        vapidDetails: { subject: this.deps.config.vapidSubject, ...this.vapid() },
        TTL: TTL_SECONDS,
        contentEncoding: 'aes128gcm',
      },
    );
    const res = await fetch(request.endpoint, {
      method: request.method,
      headers: request.headers as Record<string, string>,
      body: new Uint8Array(request.body),
      redirect: 'error',
      signal: AbortSignal.timeout(10_000),
    });
    if (!res.ok) throw new PushRefused(res.status, await res.text().catch(() => ''));
  }

  private vapid(): VapidKeys {
    this.keys ??= loadVapidKeys(this.deps.config);
    return this.keys;
  }
}
