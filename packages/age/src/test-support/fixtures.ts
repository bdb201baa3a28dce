import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sha256 } from '@noble/hashes/sha2.js';
import { afterAll } from 'vitest';
import type { Backend } from '../backend.js';
import { nobleBackend } from '../backend-noble.js';
import { nodeBackend } from '../backend-node.js';

/** Plaintext sizes around the 64 KiB chunk boundaries, where STREAM implementations go wrong. */
export const BOUNDARY_SIZES = [
  0,
  1,
  100,
  65535,
  65536,
  65537,
  2 * 65536 - 1,
  2 * 65536,
  2 * 65536 + 1,
  3 * 65536 + 12345,
];

/** Deterministic, distinct-per-size plaintext. */
export function plaintextOf(size: number, seed = 1): Uint8Array {
  const out = new Uint8Array(size);
  let x = (seed * 2654435761 + size) >>> 0;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** A stream of SHA-256 blocks of `seed ‖ counter`: fixed "randomness" so two encryptions can be compared. */
export function seededRandom(seed: string): (length: number) => Uint8Array {
  let counter = 0;
  return (length) => {
    const out = new Uint8Array(length);
    for (let filled = 0; filled < length; filled += 32) {
      const block = sha256(new TextEncoder().encode(`${seed}/${counter++}`));
      out.set(block.subarray(0, Math.min(32, length - filled)), filled);
    }
    return out;
  };
}

/** The Node and browser backends with the same fixed randomness. */
export function seededBackends(seed: string): { node: Backend; noble: Backend } {
  return {
    node: { ...nodeBackend, randomBytes: seededRandom(seed) },
    noble: { ...nobleBackend, randomBytes: seededRandom(seed) },
  };
}

/** Writes `bytes` into a readable stream in pieces of the given sizes (cycled), then pipes it through `transform`. */
export async function pipe(
  bytes: Uint8Array,
  transform: TransformStream<Uint8Array, Uint8Array>,
  pieceSizes: number[] = [bytes.length || 1],
): Promise<Uint8Array> {
  let offset = 0;
  let turn = 0;
  const source = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= bytes.length) {
        controller.close();
        return;
      }
      const size = pieceSizes[turn++ % pieceSizes.length]!;
      // Copies, so a transform that keeps views of its input cannot see the source change.
      controller.enqueue(bytes.slice(offset, offset + size));
      offset += size;
    },
  });
  const chunks: Uint8Array[] = [];
  await source.pipeThrough(transform).pipeTo(
    new WritableStream({
      write(chunk) {
        chunks.push(chunk);
      },
    }),
  );
  return join8(chunks);
}

/** Everything a stream released before it failed, and the error. */
export async function pipeUntilError(
  bytes: Uint8Array,
  transform: TransformStream<Uint8Array, Uint8Array>,
): Promise<{ released: Uint8Array; error: unknown }> {
  const chunks: Uint8Array[] = [];
  let error: unknown;
  try {
    await new Blob([bytes])
      .stream()
      .pipeThrough(transform)
      .pipeTo(
        new WritableStream({
          write(chunk) {
            chunks.push(chunk);
          },
        }),
      );
  } catch (caught) {
    error = caught;
  }
  return { released: join8(chunks), error };
}

/** Concatenation as a plain Uint8Array (a Buffer would not compare equal to one). */
export function join8(parts: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}

/** A temporary directory removed after the test file. */
export async function scratchDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'porchlight-age-'));
  afterAll(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Result of running Debian's `age` CLI. */
export interface CliResult {
  code: number;
  stdout: Buffer;
  stderr: string;
}

/** Runs `age` (or `age-keygen`) with `input` on stdin; never throws for a non-zero exit. */
export function runAge(args: string[], input?: Uint8Array, command = 'age'): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      command,
      args,
      { encoding: 'buffer', maxBuffer: 1 << 30 },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number')
          reject(new Error(`cannot run ${command}`, { cause: error }));
        else resolve({ code: error ? Number(error.code) : 0, stdout, stderr: stderr.toString() });
      },
    );
    // age may exit (e.g. on a bad header) before reading all of stdin; that EPIPE is not a test failure.
    child.stdin!.on('error', () => undefined);
    child.stdin!.end(input ?? new Uint8Array(0));
  });
}

/** Decrypts `ciphertext` with `age -d -i <identity file>`. */
export async function ageDecrypt(dir: string, ciphertext: Uint8Array, identity: string): Promise<CliResult> {
  const name = join(dir, `cli-${Math.random().toString(36).slice(2)}`);
  await writeFile(`${name}.key`, `${identity}\n`, { mode: 0o600 });
  await writeFile(`${name}.age`, ciphertext);
  return runAge(['-d', '-i', `${name}.key`, `${name}.age`]);
}

/** Encrypts `plaintext` with `age -r <recipient>`. */
export async function ageEncrypt(plaintext: Uint8Array, recipients: string[]): Promise<Uint8Array> {
  const result = await runAge(
    recipients.flatMap((r) => ['-r', r]),
    plaintext,
  );
  if (result.code !== 0) throw new Error(`age -r failed: ${result.stderr}`);
  return new Uint8Array(result.stdout);
}

/**
 * Runs `age` under a pseudo-terminal (util-linux `script`), answering each passphrase prompt, because `age -p` and
 * passphrase decryption read from /dev/tty only.
 */
export function ageWithPassphrase(args: string[], passphrase: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const command = ['age', ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
    const child = spawn('script', ['-q', '-e', '-c', command, '/dev/null'], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let seen = '';
    let answered = 0;
    child.stdout.on('data', (data: Buffer) => {
      seen += data.toString();
      // One answer per prompt: "Enter passphrase…" and, when encrypting, "Confirm passphrase:".
      const prompts = (seen.match(/passphrase[^:]*:/gi) ?? []).length;
      for (; answered < prompts; answered++) child.stdin.write(`${passphrase}\n`);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      resolve({ code: code ?? -1, stdout: Buffer.from(seen), stderr: seen });
    });
  });
}

export { readFile, writeFile };
