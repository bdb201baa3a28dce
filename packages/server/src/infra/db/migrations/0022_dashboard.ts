import { decodeEntry, DashboardTotals } from '@porchlight/tlog';
import type { Queryable } from '../database.js';

export default /* sql */ `
-- The transparency dashboard's counters (packages/tlog/src/dashboard.ts defines each figure). Updated in the
-- sequencer's transaction with the entries they count, so they always match the latest checkpoint; the
-- backfill below folds the entries already logged with the same function.
CREATE TABLE dashboard_counters (
  figure       text   NOT NULL,
  month        text   NOT NULL CHECK (month ~ '^[0-9]{4}-[0-9]{2}$'),
  -- '' and 0 when the entry names no jurisdiction or agency (moderation, legal demands, staff).
  jurisdiction text   NOT NULL,
  agency       bigint NOT NULL,
  -- '' for the figure's total, else dimension=value.
  breakdown    text   NOT NULL,
  amount       bigint NOT NULL CHECK (amount >= 0),
  PRIMARY KEY (figure, month, jurisdiction, agency, breakdown)
);
CREATE INDEX dashboard_counters_agency ON dashboard_counters (agency, month) WHERE agency <> 0;
CREATE INDEX dashboard_counters_jurisdiction ON dashboard_counters (jurisdiction, month) WHERE jurisdiction <> '';

-- The agency and jurisdiction of each request and disclosure, from its request.published entry: later
-- entries about it (a share, a download, an expiry) name only the request or disclosure.
CREATE TABLE dashboard_attributions (
  id           text   PRIMARY KEY,
  agency       bigint NOT NULL,
  jurisdiction text   NOT NULL
);
`;

const BATCH = 10_000;

/** Counts the entries logged before migration 22 into the dashboard's counters. */
export async function backfill(tx: Queryable): Promise<void> {
  const totals = new DashboardTotals();
  for (let after = -1; ;) {
    const res = await tx.query<{ index: string | number; data: Uint8Array }>(
      'SELECT index, data FROM log_entries WHERE index > $1 ORDER BY index LIMIT $2',
      [after, BATCH],
    );
    for (const row of res.rows) totals.add(decodeEntry(new Uint8Array(row.data)));
    if (res.rows.length < BATCH) break;
    after = Number(res.rows.at(-1)!.index);
  }
  const counters = totals.counters();
  const attributions = totals.attributions();
  for (let i = 0; i < counters.length; i += BATCH) {
    const part = counters.slice(i, i + BATCH);
    await tx.query(
      `INSERT INTO dashboard_counters (figure, month, jurisdiction, agency, breakdown, amount)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::bigint[])`,
      [
        part.map((c) => c.figure),
        part.map((c) => c.month),
        part.map((c) => c.jurisdiction),
        part.map((c) => c.agency),
        part.map((c) => c.breakdown),
        part.map((c) => c.amount),
      ],
    );
  }
  for (let i = 0; i < attributions.length; i += BATCH) {
    const part = attributions.slice(i, i + BATCH);
    await tx.query(
      `INSERT INTO dashboard_attributions (id, agency, jurisdiction)
       SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[])`,
      [part.map(([id]) => id), part.map(([, a]) => a.agency), part.map(([, a]) => a.jurisdiction)],
    );
  }
}
