#!/usr/bin/env node
// The workspace's `porchlight` command. npm links it into node_modules/.bin at `npm ci`, before anything is
// built — so `npx porchlight audit …` finds it here instead of looking the name up on the public registry. It
// runs the built CLI (which runs on import), or says how to build it.
try {
  await import('../dist/main.js');
} catch (err) {
  if (err?.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('main.js')) {
    process.stderr.write('porchlight: not built yet; run `npm run build -w @porchlight/cli` first\n');
    process.exit(1);
  }
  throw err;
}
