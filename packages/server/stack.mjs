// `npm run stack`: the multi-process deployment on one machine, for trying it out or a small city.
//
// Starts N `PORCHLIGHT_ROLE=api` processes on consecutive ports (PORT+1 … PORT+N), one `PORCHLIGHT_ROLE=worker`,
// and a small round-robin HTTP proxy on PORT in front of the API processes (streams, including /api/live, are
// passed through unbuffered). Every process gets this process's environment: DATABASE_URL (required), the blob
// store (PORCHLIGHT_DATA/blobs shared on this disk, or PORCHLIGHT_BLOB_STORE=s3), and the rest. A process that
// dies is started again after a second; SIGINT/SIGTERM stops them all. Production runs the same processes under
// a real supervisor and load balancer: see deploy/server/.
//
//   DATABASE_URL=postgres://… npm run stack                 # 2 API processes + 1 worker, proxy on :8080
//   STACK_API_PROCESSES=4 PORT=9000 DATABASE_URL=… npm run stack
//
// `--no-build` skips the build check `npm start` also does (used by the tests, which build first).
import { spawn, spawnSync } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const MAIN = path.join(here, 'dist/main.js');

function fail(message) {
  process.stderr.write(`stack: ${message}\n`);
  process.exit(1);
}

const env = process.env;
if (!env.DATABASE_URL) {
  fail('DATABASE_URL is required: the processes share one PostgreSQL database (PGlite is one process)');
}
const count = Number(env.STACK_API_PROCESSES ?? '2');
if (!Number.isInteger(count) || count < 1 || count > 32)
  fail('STACK_API_PROCESSES must be an integer from 1 to 32');
const port = Number(env.PORT ?? '8080');
if (!Number.isInteger(port) || port < 1 || port + count > 65535) fail('PORT must be a port number (1–65535)');
const host = env.HOST || '127.0.0.1';

if (!process.argv.includes('--no-build')) {
  const built = spawnSync(process.execPath, [path.join(here, 'start.mjs')], {
    stdio: 'inherit',
    env: { ...env, PORCHLIGHT_BUILD_ONLY: '1' },
  });
  if (built.status !== 0) process.exit(built.status ?? 1);
}

const upstreams = Array.from({ length: count }, (_, i) => port + 1 + i);
// Without PUBLIC_URL each process would name its own port; the proxy's address is the one people use.
const publicUrl = env.PUBLIC_URL || `http://localhost:${port}`;
let stopping = false;
const children = new Map();

/** Starts (and after a crash restarts) one process, its output prefixed with its name. */
function run(name, extra) {
  const child = spawn(process.execPath, [MAIN], {
    env: { ...env, PUBLIC_URL: publicUrl, PORCHLIGHT_DEMO: env.PORCHLIGHT_DEMO ?? 'false', ...extra },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.set(name, child);
  for (const [stream, out] of [
    [child.stdout, process.stdout],
    [child.stderr, process.stderr],
  ]) {
    let rest = '';
    stream.on('data', (chunk) => {
      const lines = (rest + chunk.toString()).split('\n');
      rest = lines.pop();
      for (const line of lines) out.write(`[${name}] ${line}\n`);
    });
  }
  child.once('exit', (code, signal) => {
    children.delete(name);
    if (stopping) return;
    process.stderr.write(`stack: ${name} exited (${signal ?? code}); starting it again in 1 s\n`);
    setTimeout(() => {
      if (!stopping) run(name, extra);
    }, 1000);
  });
  return child;
}

upstreams.forEach((p, i) =>
  run(`api${i + 1}`, { PORCHLIGHT_ROLE: 'api', PORT: String(p), HOST: '127.0.0.1' }),
);
run('worker', { PORCHLIGHT_ROLE: 'worker' });

// The proxy: each request to the next API process in turn; one that refuses the connection is skipped.
let next = 0;
const proxy = http.createServer((req, res) => {
  const attempt = (tries) => {
    const target = upstreams[next++ % upstreams.length];
    const headers = { ...req.headers, 'x-forwarded-for': req.socket.remoteAddress ?? '' };
    const up = http.request(
      { host: '127.0.0.1', port: target, method: req.method, path: req.url, headers },
      (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      },
    );
    up.on('error', () => {
      if (res.headersSent) return res.destroy();
      if (tries > 1 && !req.readableDidRead) return attempt(tries - 1);
      res.writeHead(502, { 'content-type': 'application/problem+json' });
      res.end(JSON.stringify({ title: 'No API process answered', status: 502, code: 'bad_gateway' }));
    });
    res.on('close', () => up.destroy());
    req.pipe(up);
  };
  attempt(upstreams.length);
});
proxy.listen(port, host, () => {
  process.stdout.write(
    `stack: ${count} API processes (${upstreams.map((p) => `http://127.0.0.1:${p}`).join(', ')}) and 1 worker; ` +
      `round-robin proxy at http://${host}:${port}\n`,
  );
});

function stop(signal) {
  if (stopping) return;
  stopping = true;
  process.stdout.write(`stack: ${signal}: stopping ${children.size} processes\n`);
  proxy.close();
  proxy.closeAllConnections();
  const waits = [...children.values()].map((c) => new Promise((resolve) => c.once('exit', resolve)));
  for (const c of children.values()) c.kill('SIGTERM');
  void Promise.all(waits).then(() => process.exit(0));
}
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
