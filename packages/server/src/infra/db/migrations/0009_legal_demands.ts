export default /* sql */ `
-- Legal process (issue 8 §9). The operator holds no plaintext footage (G1), so its answer to a warrant,
-- subpoena, court order or emergency claim is notice to the affected owner, who decides. Every demand, answer
-- and delay is logged; the affected account is kept here only, never in the log.
CREATE TABLE legal_demands (
  id               text PRIMARY KEY CHECK (id ~ '^ld_[A-Za-z0-9_-]{22}$'),
  kind             text NOT NULL CHECK (kind IN ('court_order', 'emergency', 'subpoena', 'warrant')),
  authority        text NOT NULL,
  docket           text NOT NULL,
  demand_date      date NOT NULL,
  scope_summary    text NOT NULL,
  document_sha256  text NOT NULL CHECK (document_sha256 ~ '^[0-9a-f]{64}$'),
  -- The jurisdiction whose policy caps a non-disclosure order (nonDisclosureMaxDays).
  jurisdiction     text NOT NULL REFERENCES jurisdictions (slug),
  affected_user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  recorded_by      bigint NOT NULL REFERENCES users (id),
  received_at      timestamptz NOT NULL,
  produced         text CHECK (produced IN ('none', 'ciphertext', 'account_metadata')),
  answered_at      timestamptz,
  -- Notice is due at received_at, or at the end of a recorded non-disclosure order.
  notice_due_at    timestamptz NOT NULL,
  notice_sent_at   timestamptz
);
-- The notice job's scan: demands whose notice is due and not yet sent.
CREATE INDEX legal_demands_notice_due ON legal_demands (notice_due_at) WHERE notice_sent_at IS NULL;

-- What the affected owner sees (GET /api/legal-notices): one row per demand, written when notice goes out.
CREATE TABLE legal_notices (
  demand_id  text PRIMARY KEY REFERENCES legal_demands (id) ON DELETE CASCADE,
  user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  sent_at    timestamptz NOT NULL
);
CREATE INDEX legal_notices_user ON legal_notices (user_id, sent_at DESC);
`;
