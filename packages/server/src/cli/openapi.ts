import fs from 'node:fs/promises';
import { buildApp } from '../app.js';
import { loadConfig } from '../config.js';
import { systemClock } from '../infra/clock.js';
import type { Database } from '../infra/db/index.js';
import { memoryBus } from '../infra/live/bus.js';

/** Writes the OpenAPI document generated from the route schemas. No database is opened. */
async function main(): Promise<void> {
  const out = process.argv[2];
  if (!out) throw new Error('usage: openapi <output.json>');
  const unused = (): never => {
    throw new Error('the OpenAPI generator does not touch the database');
  };
  const db: Database = {
    kind: 'pglite',
    query: unused,
    exec: unused,
    transaction: unused,
    listen: unused,
    close: () => Promise.resolve(),
  };
  const { app } = await buildApp(
    { config: loadConfig({ PORCHLIGHT_WEB_DIR: '/nonexistent' }), db, live: memoryBus(), clock: systemClock },
    { logger: false },
  );
  await app.ready();
  await fs.writeFile(out, `${JSON.stringify(app.swagger(), null, 2)}\n`);
  await app.close();
}

await main();
