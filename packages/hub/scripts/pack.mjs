#!/usr/bin/env node
/*
 * Packs a Porchlight command as a self-contained npm tarball. esbuild bundles the entry and every dependency —
 * workspace packages included — into one ESM file beside a package.json with no dependencies, so
 * `npm install -g ./<name>-<version>.tgz` works offline and needs nothing but Node. Workspace packages are not
 * on the public registry (and must never be fetched from it: someone else could own those names), which is why
 * the tarball carries them rather than declaring them.
 *
 * Usage: node pack.mjs <package dir> <entry> <command> [destination dir, default: the package dir]
 */
import { execFileSync } from 'node:child_process';
import { copyFile, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { build } from 'esbuild';

const [pkgDir, entry, command, dest] = process.argv.slice(2);
if (!pkgDir || !entry || !command) {
  process.stderr.write('usage: node pack.mjs <package dir> <entry> <command> [destination dir]\n');
  process.exit(64);
}
const root = path.resolve(pkgDir);
const pkg = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8'));
const stage = path.join(root, 'dist', 'pack');
await rm(stage, { recursive: true, force: true });
await mkdir(stage, { recursive: true });

await build({
  entryPoints: [path.join(root, entry)],
  outfile: path.join(stage, `${command}.mjs`),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // Bundled CommonJS dependencies (mqtt, tus-js-client) call require() for Node built-ins. esbuild keeps the
  // entry's `#!` line above the banner; one is added below if the entry has none.
  banner: {
    js: [
      "import { createRequire as __porchlightCreateRequire } from 'node:module';",
      'const require = __porchlightCreateRequire(import.meta.url);',
    ].join('\n'),
  },
  // Third-party licence notices go in a file of their own inside the package.
  legalComments: 'linked',
  logLevel: 'warning',
});

const bundle = path.join(stage, `${command}.mjs`);
const code = await readFile(bundle, 'utf8');
if (!code.startsWith('#!')) await writeFile(bundle, `#!/usr/bin/env node\n${code}`);

// The hub's face detector (auto-blur at ingest) loads Human's WebAssembly build, BlazeFace's weights and
// TensorFlow.js's .wasm files at run time from a folder beside the bundle (packages/hub/src/redact/faces.ts).
const extraFiles = [];
if (pkg.name === '@porchlight/hub') {
  const detector = path.join(stage, 'redact-detector');
  await mkdir(detector, { recursive: true });
  const require = createRequire(path.join(root, 'package.json'));
  const humanDist = path.dirname(require.resolve('@vladmandic/human'));
  await build({
    entryPoints: [path.join(humanDist, 'human.node-wasm.js')],
    outfile: path.join(detector, 'human.cjs'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    legalComments: 'linked',
    logLevel: 'error',
  });
  for (const f of ['blazeface.json', 'blazeface.bin'])
    await copyFile(path.join(humanDist, '..', 'models', f), path.join(detector, f));
  const wasmDir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
  for (const f of await readdir(wasmDir))
    if (f.endsWith('.wasm')) await copyFile(path.join(wasmDir, f), path.join(detector, f));
  extraFiles.push('redact-detector');
}

const manifest = {
  name: command,
  version: pkg.version,
  description: pkg.description,
  type: 'module',
  bin: { [command]: `${command}.mjs` },
  engines: { node: '>=20.19' },
  files: [`${command}.mjs`, `${command}.mjs.LEGAL.txt`, 'README.md', ...extraFiles],
};
await writeFile(path.join(stage, 'package.json'), JSON.stringify(manifest, null, 2) + '\n');
await copyFile(path.join(root, 'README.md'), path.join(stage, 'README.md'));

const out = path.resolve(dest ?? root);
await mkdir(out, { recursive: true });
const packed = JSON.parse(
  execFileSync('npm', ['pack', stage, '--pack-destination', out, '--json'], { encoding: 'utf8' }),
);
process.stdout.write(`${path.join(out, packed[0].filename)}\n`);
