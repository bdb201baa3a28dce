// `npm start`: builds only what changed since the last build, then runs the server in this process.
//
// Each workspace's build leaves a hash of its sources in dist/.source-hash; a workspace whose sources hash the
// same is not rebuilt, so a restart takes seconds instead of rebuilding everything. The build order is the
// root `build` script's, the one place it is written down.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SKIP = new Set(['node_modules', 'dist', 'test', '.turbo']);

/** Files that make up a workspace's build: everything but outputs, dependencies and tests. */
function sourceFiles(dir, rel = '') {
  const out = [];
  for (const entry of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const name = path.join(rel, entry.name);
    if (entry.isDirectory()) {
      if (!SKIP.has(entry.name)) out.push(...sourceFiles(dir, name));
    } else if (!/\.test\.tsx?$/.test(entry.name)) out.push(name);
  }
  return out.sort();
}

function sourceHash(dir) {
  const hash = createHash('sha256');
  for (const file of sourceFiles(dir)) {
    hash
      .update(file)
      .update('\0')
      .update(readFileSync(path.join(dir, file)))
      .update('\0');
  }
  return hash.digest('hex');
}

const rootPackage = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const names = [...rootPackage.scripts.build.matchAll(/-w (\S+)/g)].map((m) => m[1]);
const dirs = new Map(
  rootPackage.workspaces.map((w) => {
    const pkg = JSON.parse(readFileSync(path.join(root, w, 'package.json'), 'utf8'));
    return [pkg.name, path.join(root, w)];
  }),
);

for (const name of names) {
  const dir = dirs.get(name);
  if (!dir) throw new Error(`start: the build script names ${name}, which is not a workspace`);
  const stamp = path.join(dir, 'dist', '.source-hash');
  const hash = sourceHash(dir);
  if (existsSync(stamp) && statSync(stamp).isFile() && readFileSync(stamp, 'utf8') === hash) continue;
  process.stdout.write(`porchlight: building ${name} (its sources changed since the last build)…\n`);
  const started = Date.now();
  const built = spawnSync('npm', ['run', '--silent', 'build', '-w', name], { cwd: root, stdio: 'inherit' });
  if (built.status !== 0) {
    process.stderr.write(`porchlight: building ${name} failed; see the output above\n`);
    process.exit(built.status ?? 1);
  }
  writeFileSync(stamp, hash);
  process.stdout.write(`porchlight: built ${name} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}

// `npm run stack` builds through this file, then starts the processes itself.
if (process.env.PORCHLIGHT_BUILD_ONLY !== '1') {
  await import(pathToFileURL(path.join(root, 'packages/server/dist/main.js')).href);
}
