#!/usr/bin/env node
// The workspace's `porchlight-hub` command. npm links it into node_modules/.bin at `npm ci`, before anything is
// built — so `npx porchlight-hub` finds it here instead of looking the name up on the public registry. It runs
// the built hub, or says how to build it. The installable package is the bundle `npm run pack` makes.
let hub;
try {
  hub = await import('../dist/main.js');
} catch (err) {
  if (err?.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('main.js')) {
    process.stderr.write('porchlight-hub: not built yet; run `npm run build -w @porchlight/hub` first\n');
    process.exit(1);
  }
  throw err;
}
const stop = new AbortController();
process.once('SIGINT', () => stop.abort());
process.once('SIGTERM', () => stop.abort());
process.exitCode = await hub.main(process.argv.slice(2), process.stdout, stop.signal);
