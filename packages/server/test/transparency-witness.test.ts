import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  cosignatureSigner,
  cosignatureVerifier,
  cosignCheckpoint,
  ed25519Signer,
  ed25519Verifier,
  formatAddCheckpoint,
  formatCheckpoint,
  generateSigner,
  parseAddCheckpoint,
  parseNote,
  signNote,
  TREE_SIZE_CONTENT_TYPE,
  verifyCheckpoint,
} from '@porchlight/tlog';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';
import { insertEvent } from '../src/modules/events/events.repository.js';
import { METRICS_AUTH, startTestApp, type TestApp } from './support/app.js';
import { makePost, makeUser } from './support/factories.js';
import { LOG_ORIGIN } from './support/transparency.js';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../../..');
const CLI = path.join(ROOT, 'packages/cli/dist/main.js');
const WITNESS_NAME = 'oversight.test/witness';

let t: TestApp;
let dir: string;
let witnessKeyFile: string;
let witnessVkey: string;
let witnessPort: number;
let logVkey: string;
let logSkey: string;
let witness: { child: ChildProcess; output: () => string } | undefined;
let hostile: { server: http.Server; url: string; vkey: string; requests: number };
let modId: number;
let postId: string;

/** A port nobody listens on yet, so the server can be configured before the witness starts. */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Runs the real `porchlight witness serve` and waits until it listens. */
async function startWitness(): Promise<void> {
  const child = spawn(
    process.execPath,
    [
      CLI,
      'witness',
      'serve',
      '--key',
      witnessKeyFile,
      '--log',
      logVkey,
      '--state-dir',
      path.join(dir, 'witness-state'),
      '--listen',
      `127.0.0.1:${witnessPort}`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('listening on')) resolve();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('exit', (code) => {
      reject(new Error(`witness exited with ${code}:\n${output}`));
    });
  });
  witness = { child, output: () => output };
}

/** Kills the witness like a power cut: no shutdown code runs. */
async function killWitness(): Promise<void> {
  const child = witness?.child;
  witness = undefined;
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

/** Appends `count` accountability events and sequences them into a new checkpoint. */
async function grow(count: number): Promise<number> {
  for (let i = 0; i < count; i++) {
    await t.database.db.transaction((tx) =>
      insertEvent(tx, {
        type: 'moderation.hidden',
        actorId: modId,
        subjectType: 'post',
        subjectId: postId,
        data: { postId, reason: `witnessed decision ${i}` },
      }),
    );
  }
  return (await t.services.transparency.sequenceNow()).size;
}

/** Kicks the witness client (skipping any backoff) and waits for it to finish. */
async function collect(app: TestApp = t): Promise<void> {
  app.services.transparency.witnesses.submitLatest({ retryNow: true });
  await app.services.transparency.witnesses.settled();
}

async function servedCheckpoint(app: TestApp = t): Promise<string> {
  const res = await app.app.inject({ method: 'GET', url: '/log/checkpoint' });
  expect(res.statusCode).toBe(200);
  return res.body;
}

/** POSTs an add-checkpoint request to the real witness, as a (possibly malicious) log would. */
async function addCheckpoint(oldSize: number, note: string) {
  const res = await fetch(`http://127.0.0.1:${witnessPort}/add-checkpoint`, {
    method: 'POST',
    body: formatAddCheckpoint({ oldSize, proof: [], checkpoint: note }),
  });
  return { status: res.status, type: res.headers.get('content-type'), body: await res.text() };
}

/** A checkpoint validly signed by the log's own key, at `size`, over a root the log never had. */
function forkedCheckpoint(size: number): string {
  const rootHash = new Uint8Array(32).fill(0xf0);
  const text = formatCheckpoint({ origin: LOG_ORIGIN, size, rootHash, extensions: [] });
  return signNote(text, [ed25519Signer(logSkey)]);
}

function cosignatureLines(note: string, name: string): string[] {
  return note.split('\n').filter((line) => line.startsWith(`\u2014 ${name} `));
}

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'porchlight-witness-test-'));
  // The witness under test is the built CLI, exactly as an oversight body would run it.
  const tlogBuilt = await fs.stat(path.join(ROOT, 'packages/tlog/dist/witness.js')).then(
    () => true,
    () => false,
  );
  if (!tlogBuilt) await run('npm', ['run', 'build', '-w', '@porchlight/tlog'], { cwd: ROOT });
  await run('npm', ['run', 'build', '-w', '@porchlight/cli'], { cwd: ROOT });

  witnessKeyFile = path.join(dir, 'witness.key');
  const keygen = await run(process.execPath, [
    CLI,
    'witness',
    'keygen',
    '--name',
    WITNESS_NAME,
    '--out',
    witnessKeyFile,
  ]);
  witnessVkey = keygen.stdout.trim();
  witnessPort = await freePort();

  // A witness that answers 200 with a cosignature by its real key over a different tree.
  const hostileKey = generateSigner('hostile.test/witness', 0x04);
  hostile = { server: http.createServer(), url: '', vkey: hostileKey.vkey, requests: 0 };
  hostile.server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      hostile.requests++;
      const { text } = parseNote(parseAddCheckpoint(body).checkpoint);
      const lie = text.replace(/\n[^\n]+\n$/, `\n${Buffer.alloc(32, 7).toString('base64')}\n`);
      res.writeHead(200).end(cosignCheckpoint(lie, [cosignatureSigner(hostileKey.skey)]));
    });
  });
  await new Promise<void>((resolve) => hostile.server.listen(0, '127.0.0.1', resolve));
  hostile.url = `http://127.0.0.1:${(hostile.server.address() as net.AddressInfo).port}`;

  t = await startTestApp({
    env: {
      PORCHLIGHT_LOG_ORIGIN: LOG_ORIGIN,
      PORCHLIGHT_WITNESSES: `${witnessVkey} http://127.0.0.1:${witnessPort}\n${hostile.vkey} ${hostile.url}/`,
    },
  });
  modId = (await makeUser(t, { role: 'moderator' })).id;
  postId = (await makePost(await makeUser(t))).id;
  // The log starts before the witness is up: sequencing must not wait for it, and must not fail.
  expect(await t.services.transparency.sequenceNow()).toMatchObject({ size: 1, busy: false });
  await t.services.transparency.witnesses.settled();
  const key = await t.database.db.query<{ vkey: string; skey: string }>(
    'SELECT vkey, skey FROM log_keys WHERE active',
  );
  logVkey = key.rows[0]!.vkey;
  logSkey = key.rows[0]!.skey;
  await startWitness();
}, 120_000);

afterAll(async () => {
  await killWitness();
  await t.close();
  await new Promise((resolve) => hostile.server.close(resolve));
  await fs.rm(dir, { recursive: true, force: true });
});

describe('a log with an independent witness', () => {
  it('served the newest checkpoint before any witness answered, and counted the failures', async () => {
    const note = await servedCheckpoint();
    expect(note.startsWith(`${LOG_ORIGIN}\n1\n`)).toBe(true);
    expect(cosignatureLines(note, WITNESS_NAME)).toEqual([]);
    const metrics = (await t.app.inject({ method: 'GET', url: '/metrics', headers: METRICS_AUTH })).body;
    expect(metrics).toMatch(
      new RegExp(`porchlight_log_witness_failures_total\\{witness="${WITNESS_NAME}"\\} [1-9]`),
    );
  });

  it('gets the checkpoint cosigned once the witness is up, and serves the cosignature on it', async () => {
    await collect();
    const note = await servedCheckpoint();
    const [line] = cosignatureLines(note, WITNESS_NAME);
    expect(line).toBeDefined();
    const checked = verifyCheckpoint(note, LOG_ORIGIN, [
      ed25519Verifier(logVkey),
      cosignatureVerifier(witnessVkey),
    ]);
    expect(checked.verified.map((s) => s.name).sort()).toEqual([LOG_ORIGIN, WITNESS_NAME].sort());
  });

  it('gets each new checkpoint cosigned, on its own, with a consistency proof from the last one', async () => {
    const size = await grow(5);
    expect(size).toBe(6);
    // No kick: sequencing a new checkpoint is what sends it to the witness.
    await expect
      .poll(async () => cosignatureLines(await servedCheckpoint(), WITNESS_NAME), { timeout: 5000 })
      .toHaveLength(1);
    const note = await servedCheckpoint();
    expect(note.startsWith(`${LOG_ORIGIN}\n6\n`)).toBe(true);
    verifyCheckpoint(note, LOG_ORIGIN, [cosignatureVerifier(witnessVkey)]);
    const saved = await fs.readdir(path.join(dir, 'witness-state', 'logs'));
    expect(await fs.readFile(path.join(dir, 'witness-state', 'logs', saved[0]!), 'utf8')).toMatch(
      new RegExp(`^${LOG_ORIGIN.replace('.', '\\.')}\\n6\\n`),
    );
    const metrics = (await t.app.inject({ method: 'GET', url: '/metrics', headers: METRICS_AUTH })).body;
    expect(metrics).toContain(`porchlight_log_witness_cosigned_size{witness="${WITNESS_NAME}"} 6`);
  });

  it('never serves a cosignature that does not verify (a lying witness)', async () => {
    expect(hostile.requests).toBeGreaterThan(0);
    const note = await servedCheckpoint();
    expect(cosignatureLines(note, 'hostile.test/witness')).toEqual([]);
    const rows = await t.database.db.query(
      "SELECT 1 FROM log_cosignatures WHERE witness = 'hostile.test/witness'",
    );
    expect(rows.rowCount).toBe(0);
    const metrics = (await t.app.inject({ method: 'GET', url: '/metrics', headers: METRICS_AUTH })).body;
    expect(metrics).toMatch(
      /porchlight_log_witness_failures_total\{witness="hostile\.test\/witness"\} [1-9]/,
    );
  });

  it('backs off from a failing witness instead of calling it on every sequencer run', async () => {
    await collect();
    const calls = hostile.requests;
    for (let i = 0; i < 3; i++) await t.services.transparency.sequenceNow();
    await t.services.transparency.witnesses.settled();
    expect(hostile.requests).toBe(calls);
  });

  it('passes `porchlight audit --witness` against the served log', async () => {
    const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const result = await run(process.execPath, [
      CLI,
      'audit',
      `${address}/log`,
      '--key',
      logVkey,
      '--witness',
      witnessVkey,
      '--state-dir',
      path.join(dir, 'audit'),
      '--json',
    ]);
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: true, size: 6, witnesses: [WITNESS_NAME] });
  });

  it('is refused by the witness: a fork at the same size, validly signed by the log key', async () => {
    const res = await addCheckpoint(6, forkedCheckpoint(6));
    expect(res).toEqual({ status: 409, type: TREE_SIZE_CONTENT_TYPE, body: '6\n' });
    const evidence = await fs.readdir(path.join(dir, 'witness-state', 'evidence'));
    expect(evidence.length).toBeGreaterThan(0);
  });

  it('is refused by the witness: a rollback to an older checkpoint the log really signed', async () => {
    const first = await t.database.db.query<{ note: string }>(
      'SELECT note FROM log_checkpoints WHERE size = 1',
    );
    expect(await addCheckpoint(1, first.rows[0]!.note)).toMatchObject({ status: 409, body: '6\n' });
    expect((await addCheckpoint(6, first.rows[0]!.note)).status).toBe(400);
  });

  it('keeps refusing the fork and the rollback after the witness is killed and restarted', async () => {
    await killWitness();
    await startWitness();
    expect(witness!.output()).toContain(`${LOG_ORIGIN}: last cosigned size 6`);
    expect(await addCheckpoint(6, forkedCheckpoint(6))).toMatchObject({ status: 409, body: '6\n' });
    expect(await addCheckpoint(0, forkedCheckpoint(3))).toMatchObject({ status: 409, body: '6\n' });
    // …and still cosigns the log's real next checkpoint.
    expect(await grow(3)).toBe(9);
    await collect();
    expect(cosignatureLines(await servedCheckpoint(), WITNESS_NAME)).toHaveLength(1);
  });

  it('recovers from a witness that knows more than the server remembers (409, then retry from its size)', async () => {
    // A server that lost its record of the witness's answers (restored backup, new process) starts from 0.
    await t.database.db.query('DELETE FROM log_cosignatures');
    const fresh = await startTestApp({
      database: t.database,
      env: {
        PORCHLIGHT_LOG_ORIGIN: LOG_ORIGIN,
        PORCHLIGHT_WITNESSES: `${witnessVkey} http://127.0.0.1:${witnessPort}`,
      },
    });
    try {
      // The first app may still be finishing a submission of its own; let it, so its request is not counted.
      await t.services.transparency.witnesses.settled();
      const before = witness!.output().length;
      await collect(fresh);
      // The witness logs each request just after answering it; give its stderr a moment to arrive.
      const requests = () =>
        witness!
          .output()
          .slice(before)
          .split('\n')
          .filter((line) => line.startsWith('{'))
          .map((line) => JSON.parse(line) as { status: number; oldSize: number });
      // The fresh server starts from 0, is told the witness's size, and retries from it. (A log line of the
      // first app's last request can still arrive late, so look for the pair rather than count lines.)
      const recovery = () => {
        const seen = requests();
        const conflict = seen.findIndex((r) => r.status === 409 && r.oldSize === 0);
        return conflict < 0 ? [] : seen.slice(conflict, conflict + 2);
      };
      await expect.poll(() => recovery().length).toBe(2);
      expect(recovery()).toEqual([
        expect.objectContaining({ status: 409, oldSize: 0 }),
        expect.objectContaining({ status: 200, oldSize: 9, size: 9 }),
      ]);
      const note = await servedCheckpoint(fresh);
      expect(note.startsWith(`${LOG_ORIGIN}\n9\n`)).toBe(true);
      verifyCheckpoint(note, LOG_ORIGIN, [cosignatureVerifier(witnessVkey)]);
      expect(fresh.services.transparency.witnesses.status()).toEqual([
        expect.objectContaining({ name: WITNESS_NAME, cosignedSize: 9, failures: 0 }),
      ]);
    } finally {
      await fresh.close();
    }
  });
});

describe('PORCHLIGHT_WITNESSES', () => {
  const witnessKey = generateSigner('w.test/one', 0x04).vkey;
  const logKey = generateSigner('log.test/log').vkey;

  it('reads entries separated by semicolons or newlines, exposing name, vkey and url', () => {
    const other = generateSigner('w.test/two', 0x04).vkey;
    const config = loadConfig({
      PORCHLIGHT_WITNESSES: `${witnessKey} https://w.test/one/;\n ${other}  http://10.0.0.2:7380 \n`,
    });
    expect(config.witnesses).toEqual([
      { name: 'w.test/one', vkey: witnessKey, url: 'https://w.test/one' },
      { name: 'w.test/two', vkey: other, url: 'http://10.0.0.2:7380' },
    ]);
    expect(loadConfig({}).witnesses).toEqual([]);
  });

  it('names every bad entry at once', () => {
    let problems: string[] = [];
    try {
      loadConfig({
        PORCHLIGHT_WITNESSES: [
          witnessKey,
          `not-a-key https://w.test`,
          `${logKey} https://w.test`,
          `${witnessKey} ftp://w.test`,
          `${witnessKey} https://w.test/a`,
          `${witnessKey} https://w.test/b`,
        ].join(';'),
      });
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      problems = (err as ConfigError).problems;
    }
    expect(problems).toEqual([
      expect.stringMatching(/entry 1 .* must be "<vkey> <url>"/),
      expect.stringMatching(/entry 2 .* invalid verifier key/),
      expect.stringMatching(/entry 3 .* not a cosignature\/v1/),
      expect.stringMatching(/entry 4 .* not http\(s\)/),
      expect.stringMatching(/entry 6 .* repeats the witness "w\.test\/one"/),
    ]);
  });
});
