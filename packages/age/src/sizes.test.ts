import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAge } from './age.js';
import { encryptFileWith } from './files.js';
import {
  createEncryptor,
  decrypt,
  decryptStream,
  encrypt,
  encryptStream,
  generateIdentity,
  openPayload,
} from './index.js';
import { decryptFile, encryptFile } from './node.js';
import {
  BOUNDARY_SIZES,
  join8,
  pipe,
  plaintextOf,
  scratchDir,
  seededBackends,
} from './test-support/fixtures.js';

const { identity, recipient } = await generateIdentity();
const dir = await scratchDir();
const CHUNK = 65536;
const SEALED = CHUNK + 16;

/** Writes of awkward sizes: single bytes, primes, and more than a chunk at once. */
const ODD_WRITES = [1, 7, 4093, 65537, 3, 100_003];

/** Assembles a file chunk by chunk through the random-access writer, as the browser's resumable upload does. */
async function encryptByChunks(plaintext: Uint8Array, recipients: string[]): Promise<Uint8Array> {
  const writer = await createEncryptor(recipients);
  const count = writer.chunkCount(plaintext.length);
  const out = new Uint8Array(writer.ciphertextSize(plaintext.length));
  out.set(writer.head, 0);
  // Out of order on purpose: any chunk can be produced at any time.
  const order = [...Array(count).keys()].reverse();
  for (const i of order) {
    const chunk = plaintext.subarray(i * CHUNK, (i + 1) * CHUNK);
    out.set(await writer.encryptChunk(i, chunk, i === count - 1), writer.head.length + i * SEALED);
  }
  return out;
}

/** Decrypts plaintext bytes [start, end) fetching only the ciphertext range the reader asks for. */
async function readRange(ciphertext: Uint8Array, start: number, end: number): Promise<Uint8Array> {
  const head = ciphertext.subarray(0, 4096);
  const reader = await openPayload(head, [identity]);
  const range = reader.ciphertextRange(start, end, ciphertext.length);
  const fetched = ciphertext.slice(range.start, range.end);
  const last = reader.chunkCount(ciphertext.length) - 1;
  const parts: Uint8Array[] = [];
  for (let i = range.firstChunk; i <= range.lastChunk; i++) {
    const offset = (i - range.firstChunk) * SEALED;
    parts.push(await reader.decryptChunk(i, fetched.subarray(offset, offset + SEALED), i === last));
  }
  const plain = join8(parts);
  const skip = start - range.firstChunk * CHUNK;
  return plain.subarray(skip, skip + (end - start));
}

describe.each(BOUNDARY_SIZES)('a %i-byte plaintext', { timeout: 60_000 }, (size) => {
  const plaintext = plaintextOf(size);

  it('round-trips one-shot, and its ciphertext has the size the random-access API predicts', async () => {
    const ciphertext = await encrypt(plaintext, [recipient]);
    expect(await decrypt(ciphertext, [identity])).toEqual(plaintext);
    const reader = await openPayload(ciphertext, [identity]);
    expect(reader.plaintextSize(ciphertext.length)).toBe(size);
    expect(reader.chunkCount(ciphertext.length)).toBe(Math.max(1, Math.ceil(size / CHUNK)));
    const writer = await createEncryptor([recipient]);
    expect(writer.ciphertextSize(size) - writer.head.length).toBe(ciphertext.length - reader.headLength);
  });

  it('round-trips through the streams with odd write sizes', async () => {
    const ciphertext = await pipe(plaintext, encryptStream([recipient]), ODD_WRITES);
    expect(await decrypt(ciphertext, [identity])).toEqual(plaintext);
    expect(await pipe(ciphertext, decryptStream([identity]), [...ODD_WRITES].reverse())).toEqual(plaintext);
    // Byte-at-a-time costs ~10 µs per write in WHATWG streams; one chunk boundary is enough to cover it.
    if (size <= CHUNK + 1) expect(await pipe(ciphertext, decryptStream([identity]), [1])).toEqual(plaintext);
  });

  it('round-trips chunk by chunk through the random-access writer and reader', async () => {
    const ciphertext = await encryptByChunks(plaintext, [recipient]);
    expect(await decrypt(ciphertext, [identity])).toEqual(plaintext);
    const ranges: [number, number][] = [
      [0, size],
      [0, Math.min(size, 1)],
      [Math.floor(size / 2), size],
      [Math.max(0, size - 1), size],
      [Math.min(size, CHUNK - 1), Math.min(size, CHUNK + 1)],
      [Math.min(size, CHUNK), Math.min(size, 2 * CHUNK)],
    ];
    for (const [start, end] of ranges) {
      expect(await readRange(ciphertext, start, end), `range ${start}-${end}`).toEqual(
        plaintext.subarray(start, end),
      );
    }
  });

  it('round-trips through encryptFile and decryptFile', async () => {
    const plainPath = join(dir, `plain-${size}`);
    const agePath = join(dir, `plain-${size}.age`);
    const outPath = join(dir, `out-${size}`);
    await writeFile(plainPath, plaintext);
    await encryptFile(plainPath, agePath, [recipient]);
    expect(await decrypt(await readFile(agePath), [identity])).toEqual(plaintext);
    await decryptFile(agePath, outPath, [identity]);
    expect(new Uint8Array(await readFile(outPath))).toEqual(plaintext);
  });

  it('gives byte-identical files from every API and both backends when randomness is fixed', async () => {
    const seed = `size-${size}`;
    const outputs: Record<string, Uint8Array> = {};
    for (const [name, backend] of Object.entries(seededBackends(seed))) {
      const age = createAge(backend);
      outputs[`${name} one-shot`] = await age.encrypt(plaintext, [recipient]);
    }
    for (const [name, backend] of Object.entries(seededBackends(seed))) {
      outputs[`${name} stream`] = await pipe(
        plaintext,
        createAge(backend).encryptStream([recipient]),
        ODD_WRITES,
      );
    }
    const plainPath = join(dir, `fixed-${size}`);
    await writeFile(plainPath, plaintext);
    await encryptFileWith(seededBackends(seed).node, plainPath, `${plainPath}.age`, [recipient]);
    outputs['node file'] = new Uint8Array(await readFile(`${plainPath}.age`));
    const writer = await createAge(seededBackends(seed).noble).createEncryptor([recipient]);
    const count = writer.chunkCount(size);
    const chunks = [writer.head];
    for (let i = 0; i < count; i++) {
      chunks.push(
        await writer.encryptChunk(i, plaintext.subarray(i * CHUNK, (i + 1) * CHUNK), i === count - 1),
      );
    }
    outputs['noble random access'] = Buffer.concat(chunks);

    const reference = Buffer.from(outputs['node one-shot']!);
    for (const [name, bytes] of Object.entries(outputs)) {
      expect(Buffer.from(bytes).equals(reference), name).toBe(true);
    }
    expect(await decrypt(reference, [identity])).toEqual(plaintext);
  });
});
