export default /* sql */ `
-- The background job queue (infra/jobs). A job is inserted in the same transaction as the change that needs it,
-- with run_at = when it is due; a worker claims it (FOR UPDATE SKIP LOCKED plus a lease, so N worker processes run
-- each job once and a job whose worker died runs again when its lease ends), deletes it when done, and on an error
-- pushes run_at back (exponential backoff) until max_attempts, when failed_at keeps it for the operator.
CREATE TABLE jobs (
  id           bigserial PRIMARY KEY,
  kind         text NOT NULL,
  -- Deduplicates pending jobs: a second enqueue with the same key while one waits does nothing.
  key          text,
  payload      jsonb NOT NULL DEFAULT '{}',
  run_at       timestamptz NOT NULL,
  attempts     integer NOT NULL DEFAULT 0,
  max_attempts integer NOT NULL CHECK (max_attempts >= 1),
  -- Set while a worker runs the job; another worker may take it once this has passed.
  locked_until timestamptz,
  -- The claim's random token, so a worker whose lease lapsed cannot finish or fail a later claim.
  locked_by    text,
  last_error   text,
  failed_at    timestamptz,
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX jobs_pending_key ON jobs (key) WHERE failed_at IS NULL;
CREATE INDEX jobs_due ON jobs (run_at, id) WHERE failed_at IS NULL;

-- Safety-net sweeps: each job kind with an interval is enqueued when next_run_at has passed; whichever process
-- moves next_run_at forward (one UPDATE) enqueues it, so N processes enqueue each sweep once.
CREATE TABLE job_schedules (
  kind        text PRIMARY KEY,
  next_run_at timestamptz NOT NULL
);

-- Failed attempts per kind since the database was created (the /metrics counter, the same from every process).
CREATE TABLE job_failures (
  kind            text PRIMARY KEY,
  failures        bigint NOT NULL DEFAULT 0,
  last_failed_at  timestamptz NOT NULL,
  last_error      text NOT NULL
);
`;
