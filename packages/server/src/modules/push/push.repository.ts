import type { Queryable } from '../../infra/db/index.js';

export interface PushSubscriptionRow {
  id: string;
  user_id: number;
  endpoint: string;
  p256dh: string;
  auth: string;
  label: string;
  created_at: Date;
  last_sent_at: Date | null;
}

/**
 * Stores a device's subscription. An endpoint is one browser profile's, so subscribing again (another account
 * signed in on the same browser) moves it: pushes for the previous account stop reaching that device.
 */
export async function upsertSubscription(
  q: Queryable,
  s: { id: string; userId: number; endpoint: string; p256dh: string; auth: string; label: string },
): Promise<PushSubscriptionRow> {
  const res = await q.query<PushSubscriptionRow>(
    `INSERT INTO push_subscriptions (id, user_id, endpoint, p256dh, auth, label)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (endpoint) DO UPDATE
       SET user_id = EXCLUDED.user_id, p256dh = EXCLUDED.p256dh, auth = EXCLUDED.auth, label = EXCLUDED.label,
           created_at = CASE WHEN push_subscriptions.user_id = EXCLUDED.user_id
                             THEN push_subscriptions.created_at ELSE now() END
     RETURNING *`,
    [s.id, s.userId, s.endpoint, s.p256dh, s.auth, s.label],
  );
  return res.rows[0]!;
}

export async function subscriptionsOf(q: Queryable, userId: number): Promise<PushSubscriptionRow[]> {
  const res = await q.query<PushSubscriptionRow>(
    'SELECT * FROM push_subscriptions WHERE user_id = $1 ORDER BY created_at, id',
    [userId],
  );
  return res.rows;
}

/** Deletes one of the user's subscriptions; another account's id deletes nothing. */
export async function deleteSubscription(q: Queryable, userId: number, id: string): Promise<boolean> {
  const res = await q.query('DELETE FROM push_subscriptions WHERE id = $1 AND user_id = $2', [id, userId]);
  return res.rowCount > 0;
}

/** The push service said the subscription is gone (404/410): stop sending to it. */
export async function deleteEndpoint(q: Queryable, endpoint: string): Promise<void> {
  await q.query('DELETE FROM push_subscriptions WHERE endpoint = $1', [endpoint]);
}

export async function markSent(q: Queryable, id: string, at: Date): Promise<void> {
  await q.query('UPDATE push_subscriptions SET last_sent_at = $2 WHERE id = $1', [id, at]);
}
