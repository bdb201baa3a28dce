/**
 * The live bus alone (issue 13): how long a message takes from `publish` in one API process to the handler in
 * another, over PostgreSQL LISTEN/NOTIFY, and how many messages a second it carries. Two separate database
 * pools on one scratch database stand in for two processes (each `postgresBus` holds its own LISTEN
 * connection, as each API process does).
 *
 *   npx tsx bench/live-bus.ts [messages=2000]
 *
 * Paced: one message every 5 ms, latency per message. Burst: every message at once (20 publishing at a
 * time), messages per second until the last arrives.
 */
import { openPostgres } from '../packages/server/src/infra/db/postgres.js';
import { postgresBus, type LiveMessage } from '../packages/server/src/infra/live/bus.js';
import { currentDatabaseUrl, loadLine, pct } from './support/city.js';
import { withScratchPostgres } from './support/databases.js';

const MESSAGES = Number(process.argv[2] ?? 2000);

const message = (i: number): LiveMessage => ({
  kind: 'post.created',
  postId: `po_${String(i).padStart(22, '0')}`,
  areaCell: '8728f01a1ffffff',
  lat: 45.5152,
  lng: -122.6784,
});

await withScratchPostgres({ max: 2 }, async (scratch) => {
  const url = await currentDatabaseUrl(scratch);
  const a = openPostgres(url, { max: 20 });
  const b = openPostgres(url, { max: 2 });
  const sender = await postgresBus(a);
  const receiver = await postgresBus(b);
  const arrived = new Map<string, number>();
  receiver.subscribe((m) => {
    if (m.kind === 'post.created') arrived.set(m.postId, performance.now());
  });
  const waitFor = async (n: number) => {
    const deadline = Date.now() + 60_000;
    while (arrived.size < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 2));
  };

  const sentAt = new Map<string, number>();
  for (let i = 0; i < MESSAGES; i++) {
    const m = message(i);
    sentAt.set((m as { postId: string }).postId, performance.now());
    await sender.publish(m);
    await new Promise((r) => setTimeout(r, 5));
  }
  await waitFor(MESSAGES);
  const hops = [...sentAt].map(([id, t]) => (arrived.get(id) ?? NaN) - t);
  const lost = hops.filter((x) => Number.isNaN(x)).length;

  arrived.clear();
  const t0 = performance.now();
  let next = MESSAGES;
  const end = 2 * MESSAGES;
  await Promise.all(
    Array.from({ length: 20 }, async () => {
      while (next < end) await sender.publish(message(next++));
    }),
  );
  await waitFor(MESSAGES);
  const burstS = (performance.now() - t0) / 1000;

  const f = (x: number) => x.toFixed(2);
  console.log(
    [
      '| bus | paced messages | lost | hop p50 ms | p99 ms | max ms | burst messages | burst msg/s (received) |',
      '| --- | --- | --- | --- | --- | --- | --- | --- |',
      `| PostgreSQL LISTEN/NOTIFY | ${MESSAGES} | ${lost} | ${f(pct(hops, 0.5))} | ${f(pct(hops, 0.99))} | ${f(Math.max(...hops.filter((x) => !Number.isNaN(x))))} | ${arrived.size}/${MESSAGES} | ${(arrived.size / burstS).toFixed(0)} |`,
      '',
      loadLine(),
    ].join('\n'),
  );
  await sender.close();
  await receiver.close();
  await a.close();
  await b.close();
});
