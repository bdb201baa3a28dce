import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  acceptCosignatures,
  consistencyProof,
  cosignatureSigner,
  cosignCheckpoint,
  cosignatureVerifier,
  ed25519Signer,
  ed25519Verifier,
  formatAddCheckpoint,
  formatCheckpoint,
  generateSigner,
  leafHash,
  MemoryTree,
  signNote,
  TREE_SIZE_CONTENT_TYPE,
} from '@porchlight/tlog';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { listenWitness, MAX_REQUEST_BYTES } from './witness-server.js';
import type { RunningWitness, WitnessLogLine } from './witness-server.js';
import { openWitnessState, StateLockedError } from './witness-state.js';
import type { WitnessState } from './witness-state.js';
import { witnessMain } from './witness.js';

const ORIGIN = 'porchlight.test/log';
const log = generateSigner(ORIGIN);
const rogue = generateSigner(ORIGIN);
const witnessKey = generateSigner('witness.test/w1', 0x04);

const tree = new MemoryTree();
const fork = new MemoryTree();
for (let i = 0; i < 64; i++) {
  tree.append(leafHash(new TextEncoder().encode(`entry ${i}`)));
  fork.append(leafHash(new TextEncoder().encode(i < 15 ? `entry ${i}` : `rewritten ${i}`)));
}

let dir: string;
let state: WitnessState;
let witness: RunningWitness;
let requests: WitnessLogLine[];

async function start(): Promise<void> {
  state = await openWitnessState(dir);
  requests = [];
  witness = await listenWitness(
    {
      signers: [cosignatureSigner(witnessKey.skey)],
      logs: new Map([[ORIGIN, { origin: ORIGIN, verifiers: [ed25519Verifier(log.vkey)] }]]),
      state,
      onRequest: (line) => requests.push(line),
    },
    '127.0.0.1',
    0,
  );
}

async function stop(): Promise<void> {
  await witness.close();
  await state.close();
}

async function note(size: number, t = tree, skey = log.skey): Promise<string> {
  const text = formatCheckpoint({ origin: ORIGIN, size, rootHash: await t.root(size), extensions: [] });
  return signNote(text, [ed25519Signer(skey)]);
}

/** Submits the checkpoint of `size` with a proof from `oldSize`, as a log would. */
async function add(oldSize: number, size: number, t = tree, skey = log.skey) {
  const proof = oldSize > 0 && oldSize < size ? await consistencyProof(oldSize, size, t) : [];
  const checkpoint = await note(size, t, skey);
  const res = await fetch(`${witness.url}/add-checkpoint`, {
    method: 'POST',
    body: formatAddCheckpoint({ oldSize, proof, checkpoint }),
  });
  return { status: res.status, type: res.headers.get('content-type'), body: await res.text(), checkpoint };
}

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'porchlight-witness-'));
  await start();
});
afterAll(async () => {
  await stop();
  await fs.rm(dir, { recursive: true, force: true });
});

describe('porchlight witness serve: add-checkpoint', () => {
  it('cosigns a first checkpoint, then only consistent extensions, and tells a stale client its size', async () => {
    const first = await add(0, 10);
    expect(first.status).toBe(200);
    const [cosignature] = acceptCosignatures(
      first.checkpoint,
      first.body,
      cosignatureVerifier(witnessKey.vkey),
    );
    expect(cosignature?.name).toBe('witness.test/w1');

    const stale = await add(0, 20);
    expect(stale).toMatchObject({ status: 409, type: TREE_SIZE_CONTENT_TYPE, body: '10\n' });
    expect((await add(10, 20)).status).toBe(200);
    // Asking again for the same checkpoint is how a log recovers a lost response.
    expect((await add(20, 20)).status).toBe(200);
  });

  it('answers 404 for an unknown log, 403 for a checkpoint the log did not sign, 400 for garbage', async () => {
    const stranger = generateSigner('elsewhere.test/log');
    const text = formatCheckpoint({
      origin: 'elsewhere.test/log',
      size: 1,
      rootHash: await tree.root(1),
      extensions: [],
    });
    const unknown = await fetch(`${witness.url}/add-checkpoint`, {
      method: 'POST',
      body: `old 0\n\n${signNote(text, [ed25519Signer(stranger.skey)])}`,
    });
    expect(unknown.status).toBe(404);
    expect((await add(20, 30, tree, rogue.skey)).status).toBe(403);
    const garbage = await fetch(`${witness.url}/add-checkpoint`, { method: 'POST', body: 'hello\n' });
    expect(garbage.status).toBe(400);
    expect(await garbage.text()).toMatch(/old <size>/);
    // None of these moved the witness.
    expect(state.latest(ORIGIN)?.size).toBe(20);
  });

  it('refuses a fork at the same size (409) and keeps the signed fork as evidence', async () => {
    const forked = await add(20, 20, fork);
    expect(forked).toMatchObject({ status: 409, body: '20\n' });
    const evidence = await fs.readdir(path.join(dir, 'evidence'));
    expect(evidence).toHaveLength(1);
    const kept = await fs.readFile(path.join(dir, 'evidence', evidence[0]!), 'utf8');
    expect(kept).toContain(forked.checkpoint);
    expect(requests.at(-1)?.status).toBe(409);
    expect(requests.at(-1)?.evidence).toContain(path.join(dir, 'evidence'));
  });

  it('refuses a fork that grows (422: the consistency proof cannot verify)', async () => {
    expect((await add(20, 30, fork)).status).toBe(422);
    expect(state.latest(ORIGIN)?.size).toBe(20);
  });

  it('refuses a rollback whatever old size the log claims', async () => {
    expect(await add(15, 15)).toMatchObject({ status: 409, body: '20\n' });
    expect((await add(20, 15)).status).toBe(400);
    expect((await add(0, 15)).status).toBe(409);
  });

  it('remembers across a restart: no rollback, no fork, but the next extension is cosigned', async () => {
    await stop();
    await start();
    expect(await add(0, 15)).toMatchObject({ status: 409, body: '20\n' });
    expect(await add(20, 20, fork)).toMatchObject({ status: 409, body: '20\n' });
    expect((await add(20, 30, fork)).status).toBe(422);
    expect((await add(20, 30)).status).toBe(200);
    const saved = await fs.readdir(path.join(dir, 'logs'));
    expect(saved).toHaveLength(1);
    expect(await fs.readFile(path.join(dir, 'logs', saved[0]!), 'utf8')).toMatch(
      /^porchlight\.test\/log\n30\n/,
    );
  });

  it('never rolls back under concurrent requests: each old size is checked against the stored one', async () => {
    // Every request claims old size 30; exactly one per distinct new size can win, and the stored size
    // ends at the largest size that was cosigned, never below it.
    const sizes = [31, 40, 33, 64, 35];
    const results = await Promise.all(sizes.map((size) => add(30, size)));
    const cosigned = sizes.filter((_, i) => results[i]!.status === 200);
    expect(cosigned).toHaveLength(1);
    expect(results.filter((r) => r.status === 409)).toHaveLength(sizes.length - 1);
    expect(state.latest(ORIGIN)?.size).toBe(cosigned[0]);
  });

  it('refuses a second witness process on the same state directory', async () => {
    await expect(openWitnessState(dir)).rejects.toBeInstanceOf(StateLockedError);
  });

  it('answers 404 elsewhere, 405 for GET, 413 for an oversized body', async () => {
    expect((await fetch(`${witness.url}/`)).status).toBe(404);
    const get = await fetch(`${witness.url}/add-checkpoint`);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    const big = await fetch(`${witness.url}/add-checkpoint`, {
      method: 'POST',
      body: 'x'.repeat(MAX_REQUEST_BYTES + 1),
    });
    expect(big.status).toBe(413);
  });
});

describe('porchlight witness: state and keys', () => {
  const output = { stdout: '', stderr: '' };
  afterEach(() => vi.restoreAllMocks());
  function capture(): void {
    output.stdout = '';
    output.stderr = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((output.stdout += String(chunk)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((output.stderr += String(chunk)), true));
  }

  it('keygen writes a private 0600 secret key, prints its vkey, and never overwrites a key', async () => {
    const file = path.join(dir, 'new.key');
    capture();
    expect(await witnessMain(['keygen', '--name', 'oversight.example/witness', '--out', file])).toBe(0);
    const vkey = output.stdout.trim();
    expect(vkey).toMatch(/^oversight\.example\/witness\+[0-9a-f]{8}\+/);
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
    const skey = (await fs.readFile(file, 'utf8')).trim();
    // The printed vkey verifies cosignatures made with the written key.
    const body = cosignCheckpoint(
      formatCheckpoint({ origin: ORIGIN, size: 1, rootHash: await tree.root(1), extensions: [] }),
      [cosignatureSigner(skey)],
    );
    expect(acceptCosignatures(await note(1), body, cosignatureVerifier(vkey))).toHaveLength(1);

    capture();
    expect(await witnessMain(['vkey', '--key', file])).toBe(0);
    expect(output.stdout.trim()).toBe(vkey);
    capture();
    expect(await witnessMain(['keygen', '--name', 'other', '--out', file])).toBe(1);
    expect(output.stderr).toContain('not overwriting');
    expect((await fs.readFile(file, 'utf8')).trim()).toBe(skey);
  });

  it('serve refuses bad keys and bad command lines, naming the problem', async () => {
    const logKeyFile = path.join(dir, 'log.key');
    await fs.writeFile(logKeyFile, log.skey, { mode: 0o600 });
    const cases: [string[], number, RegExp][] = [
      [['serve', '--key', logKeyFile, '--log', log.vkey, '--state-dir', dir], 1, /not a witness/],
      [['serve', '--key', path.join(dir, 'missing'), '--log', log.vkey, '--state-dir', dir], 1, /ENOENT/],
      [['serve', '--key', logKeyFile, '--state-dir', dir], 64, /--log/],
      [['serve', '--key', logKeyFile, '--log', 'nonsense', '--state-dir', dir], 64, /not a verifier key/],
      [
        ['serve', '--key', logKeyFile, '--log', witnessKey.vkey, '--state-dir', dir],
        64,
        /not an Ed25519 log/,
      ],
      [
        ['serve', '--key', logKeyFile, '--log', log.vkey, '--state-dir', dir, '--listen', 'nohost'],
        64,
        /--listen/,
      ],
      [['frobnicate'], 64, /unknown witness command/],
    ];
    for (const [args, code, message] of cases) {
      capture();
      expect(await witnessMain(args), args.join(' ')).toBe(code);
      expect(output.stderr, args.join(' ')).toMatch(message);
    }
    capture();
    expect(await witnessMain(['--help'])).toBe(0);
    expect(output.stdout).toContain('serve --key <file> --log <vkey>');
  });

  it('refuses to start from a corrupt state file rather than forget a log', async () => {
    const other = await fs.mkdtemp(path.join(os.tmpdir(), 'porchlight-witness-'));
    try {
      const first = await openWitnessState(other);
      await first.save(
        formatCheckpoint({ origin: ORIGIN, size: 5, rootHash: await tree.root(5), extensions: [] }),
      );
      await first.close();
      const [file] = await fs.readdir(path.join(other, 'logs'));
      await fs.writeFile(path.join(other, 'logs', file!), 'porchlight.test/log\n5\n');
      await expect(openWitnessState(other)).rejects.toThrow(/corrupt witness state/);
      // A failed start must not leave the directory locked.
      await fs.rm(path.join(other, 'logs', file!));
      await (await openWitnessState(other)).close();
    } finally {
      await fs.rm(other, { recursive: true, force: true });
    }
  });
});
