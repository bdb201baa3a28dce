import { buildApp } from './app.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { seedDemo } from './demo.js';
import { systemClock } from './infra/clock.js';
import { migrate, openDatabase } from './infra/db/index.js';
import { memoryBus, postgresBus } from './infra/live/bus.js';

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`porchlight: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }

  const db = await openDatabase(config);
  await migrate(db);
  const live = config.liveBus === 'postgres' ? await postgresBus(db) : memoryBus();
  const deps = { config, db, live, clock: systemClock };
  const { app, services } = await buildApp(deps);

  if (config.demo) {
    const seeded = await seedDemo(services, db);
    if (seeded) app.log.info('seeded the demo neighbourhood; see README for the demo accounts');
  }

  const pruner = setInterval(() => {
    services.auth.pruneExpired().catch((err: unknown) => {
      app.log.warn({ err }, 'session pruning failed');
    });
  }, 3_600_000);
  pruner.unref();

  // Publishes accountability events to the transparency log now (creating the log on first start) and then
  // on an interval. Stopped by app.close() (an onClose hook) before the database closes.
  services.transparency.start(app.log);
  // Deletes expired clips and abandoned uploads every PORCHLIGHT_RETENTION_INTERVAL_MS; stopped by app.close().
  services.retention.start(app.log);

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    // An idle keep-alive connection can hold server.close() for its whole timeout; don't wait that long.
    setTimeout(() => {
      app.log.warn('shutdown took over 10 s; exiting');
      process.exit(1);
    }, 10_000).unref();
    app.server.closeIdleConnections();
    await app.close();
    await live.close();
    await db.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  await app.listen({ port: config.port, host: config.host });
  app.log.info(
    { database: db.kind, live: config.liveBus, dataDir: config.databaseUrl ? undefined : config.dataDir },
    `Porchlight is running at ${config.publicUrl}`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(
    `porchlight: failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
