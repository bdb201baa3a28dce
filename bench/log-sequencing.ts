/**
 * Transparency-log sequencing benchmark: sustained, durable sequencing throughput (entries/s) and
 * time-to-checkpoint (from an outbox event's commit to the first signed checkpoint that covers it), on PGlite
 * and on PostgreSQL. Writers commit `moderation.hidden` outbox events as fast as they can (several
 * concurrent transactions of 50 events on PostgreSQL; PGlite runs one transaction at a time) while the
 * sequencer runs back to back, as it would under load. Every checkpoint is durable when counted: entries,
 * tiles and the signed checkpoint commit in one transaction.
 *
 *   npx tsx bench/log-sequencing.ts [seconds=10] [writers=4]
 */
import { pathToFileURL } from 'node:url';
import { loadConfig } from '../packages/server/src/config.js';
import type { Database } from '../packages/server/src/infra/db/index.js';
import { withPglite, withScratchPostgres } from './support/databases.js';
import { migrate } from '../packages/server/src/infra/db/migrate.js';
import { memoryBus } from '../packages/server/src/infra/live/bus.js';
import { insertEvent } from '../packages/server/src/modules/events/events.repository.js';
import { TransparencyService } from '../packages/server/src/modules/transparency/transparency.service.js';

const SECONDS = Number(process.argv[2] ?? 10);
const WRITERS = Number(process.argv[3] ?? 4);
const BATCH = 50;

const quantile = (xs: number[], q: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))] ?? NaN;

/**
 * Sustained run with `writers` Node writer connections; returns one Markdown table row. Exported so
 * bench/log-sequencing-pgbench.ts can run it as its baseline.
 */
export async function run(kind: string, db: Database, writers: number, seconds = SECONDS): Promise<string> {
  await migrate(db);
  const user = await db.query<{ id: number }>(
    `INSERT INTO users (email, display_name, password_hash, role) VALUES ('m@example.test', 'M', 'x', 'moderator') RETURNING id`,
  );
  const moderator = user.rows[0]!.id;
  const log = new TransparencyService({
    config: loadConfig({ PORCHLIGHT_WEB_DIR: '/nonexistent' }),
    db,
    live: memoryBus(),
    clock: { now: () => new Date() },
  });
  await log.sequenceNow(); // key + instance.created

  // Commit time of each event id, in ms since the start.
  const committedAt = new Map<number, number>();
  const start = performance.now();
  const deadline = start + seconds * 1000;
  let stop = false;

  const writer = async () => {
    while (!stop && performance.now() < deadline) {
      const ids = await db.transaction(async (tx) => {
        const out: number[] = [];
        for (let i = 0; i < BATCH; i++) {
          out.push(
            await insertEvent(tx, {
              type: 'moderation.hidden',
              actorId: moderator,
              subjectType: 'post',
              subjectId: 'po_benchmarkAAAAAAAAAAAAA',
              data: { postId: 'po_benchmarkAAAAAAAAAAAAA', reason: 'benchmark' },
            }),
          );
        }
        return out;
      });
      const t = performance.now() - start;
      for (const id of ids) committedAt.set(id, t);
    }
  };

  const latencies: number[] = [];
  let published = 0;
  const sequencer = async () => {
    let lastSeq = 0;
    while (!stop) {
      await log.sequenceNow();
      const t = performance.now() - start;
      const rows = await db.query<{ seq: number }>(
        `SELECT (convert_from(data, 'UTF8')::jsonb->>'seq')::bigint AS seq FROM log_entries WHERE (convert_from(data, 'UTF8')::jsonb->>'seq')::bigint > $1`,
        [lastSeq],
      );
      for (const r of rows.rows) {
        const c = committedAt.get(r.seq);
        if (c !== undefined) latencies.push(t - c);
        lastSeq = Math.max(lastSeq, r.seq);
      }
      published += rows.rowCount;
      if (performance.now() > deadline && rows.rowCount === 0) stop = true;
    }
  };

  await Promise.all([sequencer(), ...Array.from({ length: writers }, writer)]);
  const elapsed = (performance.now() - start) / 1000;
  await log.stop();
  return (
    `| ${kind} | ${writers} | ${committedAt.size} | ${published} | ${(published / elapsed).toFixed(0)} | ` +
    `${quantile(latencies, 0.5).toFixed(0)} | ${quantile(latencies, 0.99).toFixed(0)} | ${quantile(latencies, 1).toFixed(0)} |`
  );
}

/** Drains a backlog of `n` committed events: the sequencer's own ceiling, without writers competing. */
async function drain(kind: string, db: Database, n: number): Promise<string> {
  const log = new TransparencyService({
    config: loadConfig({ PORCHLIGHT_WEB_DIR: '/nonexistent' }),
    db,
    live: memoryBus(),
    clock: { now: () => new Date() },
  });
  await log.sequenceNow();
  const moderator = (await db.query<{ id: number }>('SELECT id FROM users LIMIT 1')).rows[0]!.id;
  await db.query(
    `INSERT INTO events (type, actor_id, subject_type, subject_id, data)
     SELECT 'moderation.hidden', $1, 'post', '1', '{"postId":1,"reason":"benchmark"}'::jsonb FROM generate_series(1, $2)`,
    [moderator, n],
  );
  const t = performance.now();
  const result = await log.sequenceNow();
  const s = (performance.now() - t) / 1000;
  await log.stop();
  return `| ${kind} | ${result.appended} | ${s.toFixed(2)} | ${(result.appended / s).toFixed(0)} |`;
}

async function main(): Promise<void> {
  const rows: string[] = [];
  const drains: string[] = [];
  await withPglite(async (db) => {
    rows.push(await run('PGlite', db, 1));
    drains.push(await drain('PGlite', db, 50_000));
  });
  await withScratchPostgres({ max: WRITERS + 4 }, async (db) => {
    rows.push(await run('PostgreSQL 15', db, WRITERS));
    drains.push(await drain('PostgreSQL 15', db, 50_000));
  });

  process.stdout.write(
    `${SECONDS} s of writes per database; outbox transactions of ${BATCH} events; sequencer back to back\n\n` +
      '| database | writers | events committed | entries published | entries/s | time-to-checkpoint p50 ms | p99 ms | max ms |\n' +
      '| --- | --- | --- | --- | --- | --- | --- | --- |\n' +
      `${rows.join('\n')}\n\n` +
      'Backlog drain (50,000 committed events, no writers):\n\n' +
      '| database | entries | seconds | entries/s |\n| --- | --- | --- | --- |\n' +
      `${drains.join('\n')}\n`,
  );
}

// Run only as a script, not when log-sequencing-pgbench.ts imports `run` for its baseline.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
