/**
 * Notifications (issue 10): the in-app centre, alert settings and Web Push subscriptions.
 * Notification rows are written in the transaction of the event that causes them (notifications.derive.ts);
 * push and email go out from the job queue (infra/jobs), enqueued in that same transaction.
 * Footage-request inbox items are never copied here: the inbox is their only record (G7).
 */
export default /* sql */ `
CREATE TABLE notifications (
  id         text PRIMARY KEY,
  seq        bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  kind       text NOT NULL CHECK (kind IN ('reply', 'reaction', 'moderation', 'appeal')),
  post_id    bigint NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
  -- What the item says beyond its kind: a reply excerpt, reaction counts, a moderation action and reason.
  data       jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  read_at    timestamptz
);
CREATE INDEX notifications_user_idx ON notifications (user_id, seq DESC);
CREATE INDEX notifications_unread_idx ON notifications (user_id) WHERE read_at IS NULL;
-- Reactions to one post collapse into one unread item ("3 neighbours reacted").
CREATE UNIQUE INDEX notifications_unread_reactions_key ON notifications (user_id, post_id)
  WHERE kind = 'reaction' AND read_at IS NULL;

CREATE TABLE alert_settings (
  user_id       bigint PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  -- Categories of new nearby posts that are pushed or mailed; empty means none.
  categories    text[] NOT NULL DEFAULT '{}',
  radius_m      integer NOT NULL DEFAULT 1600 CHECK (radius_m BETWEEN 200 AND 8000),
  -- Minutes after local midnight in time_zone; both null means no quiet hours.
  quiet_start   smallint CHECK (quiet_start BETWEEN 0 AND 1439),
  quiet_end     smallint CHECK (quiet_end BETWEEN 0 AND 1439),
  time_zone     text NOT NULL DEFAULT 'UTC',
  in_app        boolean NOT NULL DEFAULT true,
  push          boolean NOT NULL DEFAULT false,
  email         text NOT NULL DEFAULT 'off' CHECK (email IN ('off', 'instant', 'digest')),
  -- Capability in each mail's unsubscribe link: it can only turn email off.
  unsubscribe_token text NOT NULL UNIQUE,
  last_digest_at timestamptz,
  CHECK ((quiet_start IS NULL) = (quiet_end IS NULL))
);

CREATE TABLE push_subscriptions (
  id          text PRIMARY KEY,
  user_id     bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  endpoint    text NOT NULL UNIQUE,
  p256dh      text NOT NULL,
  auth        text NOT NULL,
  label       text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  last_sent_at timestamptz
);
CREATE INDEX push_subscriptions_user_idx ON push_subscriptions (user_id);
`;
