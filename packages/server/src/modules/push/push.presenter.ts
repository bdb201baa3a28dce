import type { PushSubscriptionRow } from './push.repository.js';

/** A device subscription as its owner sees it: never the endpoint's path, which is a bearer capability. */
export function presentSubscription(row: PushSubscriptionRow) {
  return {
    id: row.id,
    label: row.label,
    createdAt: row.created_at.toISOString(),
    lastSentAt: row.last_sent_at?.toISOString() ?? null,
    endpointHost: new URL(row.endpoint).host,
  };
}
