/**
 * `npm start` (packages/server/start.mjs) on a fresh data directory: it says what it is doing while it builds
 * and creates the embedded database, before "running at"; a restart rebuilds nothing and creates nothing.
 *
 * start.mjs runs from a scratch copy of the repository's shape whose one workspace "builds" by writing a
 * dist/main.js that loads the real built server: the real script, its source hashes and its database
 * progress, without rebuilding the whole monorepo (and other people's work in progress) on every test run.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseKind } from './support/database.js';
import { ensureBuilt, MAIN, SERVER } from './support/processes.js';

const RUNNING = /Porchlight is running at/;

interface Run {
  output: string;
  ms: number;
}

/** Runs `node packages/server/start.mjs` in `root` until it says it is running, then stops it with SIGTERM. */
function start(root: string, dataDir: string): Promise<Run> {
  const began = Date.now();
  const child = spawn(process.execPath, [path.join(root, 'packages/server/start.mjs')], {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      PORCHLIGHT_DATA: dataDir,
      PORT: '0',
      HOST: '127.0.0.1',
      PORCHLIGHT_DEMO: 'false',
      PORCHLIGHT_WEB_DIR: '/nonexistent',
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let ms = 0;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      if (ms === 0 && RUNNING.test(output)) {
        ms = Date.now() - began;
        child.kill('SIGTERM');
      }
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (ms === 0) reject(new Error(`npm start exited (${code}) before it was running:\n${output}`));
      else resolve({ output, ms });
    });
  });
}

describe.runIf(testDatabaseKind() === 'pglite')('npm start', () => {
  let root: string;
  beforeAll(() => {
    ensureBuilt();
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'porchlight-start-'));
    const server = path.join(root, 'packages/server');
    fs.mkdirSync(server, { recursive: true });
    const write = (file: string, content: unknown) => {
      fs.writeFileSync(
        path.join(root, file),
        typeof content === 'string' ? content : JSON.stringify(content, null, 2),
      );
    };
    write('package.json', {
      name: 'porchlight-start-test',
      private: true,
      workspaces: ['packages/server'],
      scripts: { build: 'npm run build -w @porchlight/server' },
    });
    write('packages/server/package.json', {
      name: '@porchlight/server',
      private: true,
      type: 'module',
      scripts: { build: 'node build.mjs' },
    });
    write(
      'packages/server/build.mjs',
      [
        "import fs from 'node:fs';",
        "fs.mkdirSync('dist', { recursive: true });",
        `fs.writeFileSync('dist/main.js', ${JSON.stringify(`import ${JSON.stringify(pathToFileURL(MAIN).href)};\n`)});`,
      ].join('\n'),
    );
    fs.copyFileSync(path.join(SERVER, 'start.mjs'), path.join(server, 'start.mjs'));
  });
  afterAll(() => {
    fs.rmSync(root, { recursive: true, force: true });
  });

  it(
    'says it is building and creating the database before it is running; a restart does neither',
    { timeout: 240_000 },
    async () => {
      const dataDir = path.join(root, 'data');
      const first = await start(root, dataDir);
      const at = (text: string) => first.output.indexOf(text);
      const running = first.output.search(RUNNING);
      expect(at('porchlight: building @porchlight/server'), first.output).toBeGreaterThanOrEqual(0);
      expect(at('porchlight: built @porchlight/server in')).toBeGreaterThan(at('porchlight: building'));
      expect(at(`porchlight: creating the embedded database in ${dataDir}`)).toBeGreaterThan(
        at('porchlight: built'),
      );
      expect(at('porchlight: database ready')).toBeGreaterThan(at('porchlight: creating'));
      expect(running).toBeGreaterThan(at('porchlight: database ready'));
      expect(fs.existsSync(path.join(dataDir, 'pglite', 'PG_VERSION'))).toBe(true);

      const again = await start(root, dataDir);
      expect(again.output, again.output).toMatch(RUNNING);
      expect(again.output).not.toContain('porchlight: building');
      expect(again.output).not.toContain('porchlight: creating');
      // Nothing to build and nothing to create: the restart is the shorter of the two on any machine.
      expect(again.ms, `first start ${first.ms} ms, restart ${again.ms} ms`).toBeLessThan(first.ms);
    },
  );
});
