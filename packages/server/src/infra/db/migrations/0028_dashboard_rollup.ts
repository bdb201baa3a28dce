import { decodeEntry, DashboardTotals } from '@porchlight/tlog';
import type { Queryable } from '../database.js';

export default /* sql */ `
-- The dashboard's instance rollup and daily counters (packages/tlog/src/dashboard.ts defines each figure),
-- kept in the same statement as dashboard_counters (migration 22) in the sequencer's transaction.
-- An instance view sums the rollup (figure, month, breakdown) instead of every agency's rows.
CREATE TABLE dashboard_instance_counters (
  figure    text   NOT NULL,
  month     text   NOT NULL CHECK (month ~ '^[0-9]{4}-[0-9]{2}$'),
  breakdown text   NOT NULL,
  amount    bigint NOT NULL CHECK (amount >= 0),
  PRIMARY KEY (figure, month, breakdown)
);
CREATE INDEX dashboard_instance_counters_month ON dashboard_instance_counters (month);

-- The same counters per UTC day, so a range of days ("the last 30 days") is exact, not a month's count.
CREATE TABLE dashboard_daily_counters (
  figure       text   NOT NULL,
  day          text   NOT NULL CHECK (day ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'),
  jurisdiction text   NOT NULL,
  agency       bigint NOT NULL,
  breakdown    text   NOT NULL,
  amount       bigint NOT NULL CHECK (amount >= 0),
  PRIMARY KEY (figure, day, jurisdiction, agency, breakdown)
);
CREATE INDEX dashboard_daily_counters_agency ON dashboard_daily_counters (agency, day) WHERE agency <> 0;
CREATE INDEX dashboard_daily_counters_jurisdiction ON dashboard_daily_counters (jurisdiction, day)
  WHERE jurisdiction <> '';
CREATE INDEX dashboard_daily_counters_day ON dashboard_daily_counters (day);

CREATE TABLE dashboard_instance_daily (
  figure    text   NOT NULL,
  day       text   NOT NULL CHECK (day ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'),
  breakdown text   NOT NULL,
  amount    bigint NOT NULL CHECK (amount >= 0),
  PRIMARY KEY (figure, day, breakdown)
);
CREATE INDEX dashboard_instance_daily_day ON dashboard_instance_daily (day);
`;

const BATCH = 10_000;

/**
 * Rolls up what migration 22 counted for the instance, and counts the entries logged before migration 28 per
 * day (folded again with the same function).
 */
export async function backfill(tx: Queryable): Promise<void> {
  await tx.query(
    `INSERT INTO dashboard_instance_counters (figure, month, breakdown, amount)
     SELECT figure, month, breakdown, sum(amount)::bigint FROM dashboard_counters
      GROUP BY figure, month, breakdown`,
  );
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
  const daily = totals.dailyCounters();
  for (let i = 0; i < daily.length; i += BATCH) {
    const part = daily.slice(i, i + BATCH);
    await tx.query(
      `INSERT INTO dashboard_daily_counters (figure, day, jurisdiction, agency, breakdown, amount)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::bigint[])`,
      [
        part.map((c) => c.figure),
        part.map((c) => c.day),
        part.map((c) => c.jurisdiction),
        part.map((c) => c.agency),
        part.map((c) => c.breakdown),
        part.map((c) => c.amount),
      ],
    );
  }
  await tx.query(
    `INSERT INTO dashboard_instance_daily (figure, day, breakdown, amount)
     SELECT figure, day, breakdown, sum(amount)::bigint FROM dashboard_daily_counters
      GROUP BY figure, day, breakdown`,
  );
}
