import { existsSync } from 'node:fs';
import path from 'node:path';
import { buildApp } from './app.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { seedDemo } from './demo.js';
import { loggerOptions } from './http/logging.js';
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

  // Creating the embedded database takes 6–10 s; say so rather than sit silent on the first start.
  const creating = !config.databaseUrl && !existsSync(path.join(config.dataDir, 'pglite', 'PG_VERSION'));
  if (creating) process.stdout.write(`porchlight: creating the embedded database in ${config.dataDir} …\n`);
  const db = await openDatabase(config);
  await migrate(db);
  if (creating) process.stdout.write('porchlight: database ready\n');
  const live = config.liveBus === 'postgres' ? await postgresBus(db) : memoryBus();
  const deps = { config, db, live, clock: systemClock };
  // A person at a terminal gets pretty, quieter logs; a service manager or collector gets JSON lines.
  const tty = process.stdout.isTTY;
  const { app, services } = await buildApp(deps, { logger: loggerOptions(config, tty), quietRequests: tty });

  if (config.demo && config.role !== 'worker') {
    const seeded = await seedDemo(services, db);
    if (seeded) app.log.info('seeded the demo neighbourhood; see README for the demo accounts');
  }

  // Without SMTP_URL, mail is logged and kept as .eml files (docs: README "Email").
  if (!config.smtpUrl) services.mail.saveTo(path.join(config.dataDir, 'mail'));

  if (config.role !== 'api') {
    // Publishes accountability events to the transparency log now (creating the log on first start) and then
    // every PORCHLIGHT_LOG_INTERVAL_MS. A loop rather than a job: it runs every second and a run that finds
    // another process sequencing returns at once. Stopped by app.close() (an onClose hook) before the database
    // closes.
    services.transparency.start(app.log);
    // The job queue (infra/jobs): retention, disclosure expiry, legal notices, request expiry, session pruning,
    // each when its job comes due and as a periodic sweep. Stopped by app.close().
    services.jobs.start(app.log);
  }

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

  if (config.role === 'worker') {
    // No HTTP listener: the API processes serve /metrics, job queue gauges included (read from the database).
    // The job and sequencer loops run on unref'd timers, so with no listener nothing but open database
    // connections keeps this process alive; when PostgreSQL restarts they all drop and the worker would exit 0
    // (quietly stopping the log and the jobs). Keep it alive until a signal ends it.
    setInterval(() => undefined, 3_600_000);
    await app.ready();
    app.log.info({ database: db.kind, jobs: services.jobs.kinds }, 'Porchlight worker is running');
    return;
  }
  await app.listen({ port: config.port, host: config.host });
  app.log.info(
    {
      database: db.kind,
      live: config.liveBus,
      role: config.role,
      dataDir: config.databaseUrl ? undefined : config.dataDir,
    },
    `Porchlight is running at ${config.publicUrl}`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(
    `porchlight: failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
