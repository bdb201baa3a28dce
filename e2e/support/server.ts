import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SERVER_ENTRY = path.join(ROOT, 'packages/server/dist/main.js');
const WEB_INDEX = path.join(ROOT, 'packages/web/dist/index.html');

export interface RunningServer {
  url: string;
  /** The server's PORCHLIGHT_DATA directory (database, blobs), for tests that inspect what was stored. */
  dataDir: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      s.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('no port'));
      });
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else
      child.once('exit', () => {
        resolve();
      });
  });
}

/**
 * Starts the real, built server (`packages/server/dist/main.js`) on a free port with a fresh embedded database
 * seeded with the demo accounts, and waits until `/readyz` answers. The web app must be built too: the server
 * serves `packages/web/dist`.
 */
export async function startServer(
  timeoutMs = 120_000,
  /** `localhost` for WebAuthn, which refuses IP addresses as a relying party id. */
  host: '127.0.0.1' | 'localhost' = '127.0.0.1',
): Promise<RunningServer> {
  const missing = [SERVER_ENTRY, WEB_INDEX].filter((f) => !existsSync(f));
  if (missing.length > 0) {
    throw new Error(
      `end-to-end tests need the built app; run \`npm run build\` first (missing: ${missing
        .map((f) => path.relative(ROOT, f))
        .join(', ')})`,
    );
  }
  const port = await freePort();
  const dataDir = await mkdtemp(path.join(tmpdir(), 'porchlight-e2e-data-'));
  const child = spawn(process.execPath, [SERVER_ENTRY], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      PORCHLIGHT_DATA: dataDir,
      PORCHLIGHT_DEMO: 'true',
      PUBLIC_URL: `http://${host}:${port}`,
      LOG_LEVEL: 'warn',
      // Three browsers sign in at once from one address.
      AUTH_RATE_LIMIT: '1000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-8000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);

  const url = `http://${host}:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited(child);
      clearTimeout(timer);
    }
    await rm(dataDir, { recursive: true, force: true });
  };

  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`the server exited with code ${child.exitCode} before it was ready:\n${output}`);
    }
    try {
      const res = await fetch(`${url}/readyz`);
      if (res.ok) return { url, dataDir, stop };
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  await stop();
  throw new Error(`the server was not ready within ${timeoutMs / 1000} s:\n${output}`);
}
