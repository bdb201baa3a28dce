import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config.js';
import { systemClock } from '../infra/clock.js';
import { migrate, openDatabase } from '../infra/db/index.js';
import { memoryBus } from '../infra/live/bus.js';
import { generateKeyFile, LogKeyError, nextKey } from '../modules/transparency/transparency.keys.js';
import { TransparencyService } from '../modules/transparency/transparency.service.js';

const HELP = `usage: node packages/server/dist/cli/rotate-log-key.js [--new-key-file <file>]
       node packages/server/dist/cli/rotate-log-key.js --generate <file>

Rotates the transparency log's signing key, with the same environment as the
server (DATABASE_URL or PORCHLIGHT_DATA, PORCHLIGHT_LOG_ORIGIN,
PORCHLIGHT_LOG_KEY_FILE). Running servers keep serving; the log gets a
log.key_rotated entry naming the old and the new key, and the checkpoint ending
with it is signed by both keys. Later checkpoints are signed by the new key
only; the old key's private half is erased from the database. With the embedded
database (PGlite, one process at a time) stop the server first.

  --new-key-file <file>  switch to the key in <file> (a signed-note private key
                         named after the log's origin). Required when the
                         current key is in PORCHLIGHT_LOG_KEY_FILE; afterwards
                         put the new key at that path (servers sign again as
                         soon as they read it). Without it, a new key is
                         generated and kept in the database.
  --generate <file>      write a fresh private key for this log to <file>
                         (mode 0600; the file must not exist) and print its
                         verifier key. Touches no database.
`;

async function main(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        'new-key-file': { type: 'string' },
        generate: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (err) {
    process.stderr.write(`rotate-log-key: ${(err as Error).message}\n\n${HELP}`);
    return 64;
  }
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const config = loadConfig();
  if (values.generate !== undefined) {
    const pair = await generateKeyFile(values.generate, config.logOrigin);
    process.stdout.write(`wrote a new log key to ${values.generate}\nverifier key: ${pair.vkey}\n`);
    return 0;
  }

  const db = await openDatabase(config);
  try {
    await migrate(db);
    const deps = { config, db, live: memoryBus(), clock: systemClock };
    const next = await nextKey(deps, values['new-key-file']);
    const rotation = await new TransparencyService(deps).rotateKey(next);
    process.stdout.write(
      `rotated the log key of ${config.logOrigin}\n` +
        `  old key     ${rotation.old}\n` +
        `  new key     ${rotation.new}${next.storeInDb ? ' (kept in the database)' : ''}\n` +
        `  log entry   ${rotation.index} (log.key_rotated), in checkpoint ${rotation.size} signed by both keys\n` +
        (config.logKeyFile !== undefined
          ? `Now put the new key at ${config.logKeyFile}: servers stop signing until they can read it.\n`
          : ''),
    );
    return 0;
  } finally {
    await db.close();
  }
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (err) {
  const known = err instanceof ConfigError || err instanceof LogKeyError;
  process.stderr.write(`rotate-log-key: ${known ? err.message : ((err as Error).stack ?? String(err))}\n`);
  process.exitCode = 1;
}
