export default /* sql */ `
CREATE TABLE users (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email         text NOT NULL,
  display_name  text NOT NULL,
  password_hash text NOT NULL,
  role          text NOT NULL DEFAULT 'resident'
                CHECK (role IN ('resident', 'agency', 'moderator', 'admin')),
  -- Exact home point: server-side only, for matching. Never returned by the API (G8).
  home_lat      double precision,
  home_lng      double precision,
  home_cell     text,
  radius_m      integer NOT NULL DEFAULT 1600 CHECK (radius_m BETWEEN 500 AND 8000),
  created_at    timestamptz NOT NULL DEFAULT now(),
  CHECK ((home_lat IS NULL) = (home_lng IS NULL) AND (home_lat IS NULL) = (home_cell IS NULL))
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));

CREATE TABLE sessions (
  token_hash   text PRIMARY KEY,
  user_id      bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  csrf_token   text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL
);
CREATE INDEX sessions_user_idx ON sessions (user_id);
CREATE INDEX sessions_expiry_idx ON sessions (expires_at);

CREATE TABLE posts (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  author_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  category     text NOT NULL CHECK (category IN
                 ('crime', 'suspicious_activity', 'safety', 'lost_found_pet', 'community', 'unexpected_activity')),
  title        text NOT NULL,
  body         text NOT NULL,
  -- Only the coarse location is stored for a post: its H3 resolution-9 cell and that cell's centre.
  cell         text NOT NULL,
  cell_lat     double precision NOT NULL,
  cell_lng     double precision NOT NULL,
  -- Resolution-7 parent of cell: the feed's index key and the live fan-out key.
  area_cell    text NOT NULL,
  person       jsonb,
  status       text NOT NULL DEFAULT 'visible' CHECK (status IN ('visible', 'hidden')),
  comment_count integer NOT NULL DEFAULT 0,
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX posts_area_feed_idx ON posts (area_cell, id DESC);
CREATE INDEX posts_author_idx ON posts (author_id, id DESC);

CREATE TABLE comments (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  post_id    bigint NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
  author_id  bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  body       text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX comments_post_idx ON comments (post_id, created_at, id);

CREATE TABLE reactions (
  post_id    bigint NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
  user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  kind       text NOT NULL CHECK (kind IN ('thanks', 'helpful', 'agree', 'sad')),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (post_id, user_id)
);

CREATE TABLE reports (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  post_id     bigint NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
  reporter_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  reason      text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  resolved_at timestamptz,
  UNIQUE (post_id, reporter_id)
);
CREATE INDEX reports_open_idx ON reports (post_id) WHERE resolved_at IS NULL;

CREATE TABLE moderation_decisions (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  post_id      bigint NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
  moderator_id bigint NOT NULL REFERENCES users (id),
  action       text NOT NULL CHECK (action IN ('hide', 'restore')),
  reason       text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX moderation_decisions_post_idx ON moderation_decisions (post_id, created_at DESC);

CREATE TABLE appeals (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- One appeal per post, ever: the author can appeal once.
  post_id         bigint NOT NULL UNIQUE REFERENCES posts (id) ON DELETE CASCADE,
  decision_id     bigint NOT NULL REFERENCES moderation_decisions (id),
  author_id       bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  statement       text NOT NULL,
  status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'upheld', 'overturned')),
  decided_by      bigint REFERENCES users (id),
  decision_reason text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  decided_at      timestamptz
);
CREATE INDEX appeals_pending_idx ON appeals (created_at) WHERE status = 'pending';

-- The outbox: one row per state-changing action, written in the same transaction as the action.
-- The transparency log publishes from here.
CREATE TABLE events (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  type         text NOT NULL,
  actor_id     bigint REFERENCES users (id) ON DELETE SET NULL,
  subject_type text NOT NULL,
  subject_id   text NOT NULL,
  data         jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX events_type_idx ON events (type, id);
`;
