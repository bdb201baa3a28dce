import { DashboardRecords } from '@porchlight/tlog';
import type { Queryable } from '../../infra/db/index.js';
import * as repo from './dashboard.repository.js';

/**
 * The dashboard's lists (legal holds, delayed notices) folded from the log's entries up to a checkpoint, as
 * `porchlight audit` folds them. The log only grows, so the fold is kept and a newer checkpoint adds only the
 * entries since the kept one: folding a million-entry log anew took ~340 ms a view (bench/results/dashboard.md).
 * A request for an older checkpoint than the kept one (a race with the sequencer) folds anew. One fold runs at
 * a time; the records returned must be read before the caller's next await.
 */
export class RecordsFold {
  #kept: { size: number; records: DashboardRecords } | undefined;
  #running: Promise<unknown> = Promise.resolve();

  constructor(private readonly db: Queryable) {}

  at(size: number): Promise<DashboardRecords> {
    const run = this.#running.then(async () => {
      const kept = this.#kept;
      if (kept?.size === size) return kept.records;
      const base = kept && kept.size < size ? kept : { size: 0, records: new DashboardRecords() };
      const { entries, attributions } = await repo.listRecordEntries(this.db, size, base.size);
      for (const { index, entry } of entries) base.records.add(entry, index, (id) => attributions.get(id));
      if (!kept || size > kept.size) this.#kept = { size, records: base.records };
      return base.records;
    });
    this.#running = run.catch(() => undefined);
    return run;
  }
}
