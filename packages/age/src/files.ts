import { open, rm, type FileHandle } from 'node:fs/promises';
import type { Backend } from './backend.js';
import { nodeBackend } from './backend-node.js';
import { AgeError } from './errors.js';
import { parseHeaderBytes } from './header.js';
import { openSession, sealToRecipients, unlockWithIdentities } from './keys.js';
import { CHUNK_SIZE, SEALED_CHUNK_SIZE, openChunk, sealChunkParts } from './stream.js';

/**
 * Chunks per block. 512 KiB blocks stay in the CPU cache between the read, the cipher and the write; 4 MiB
 * blocks measured 1.5-3x slower end to end (bench/results/age-encrypt.md), and memory stays small and bounded.
 */
const CHUNKS_PER_BLOCK = 8;

/** Turns one piece of input into the buffers to write for it. */
type Transform = (chunk: Uint8Array, index: number, last: boolean) => Uint8Array[];

/** Fills `buffer` from `from` on with file bytes at `position`; reports how much is filled and whether EOF came. */
async function fill(
  file: FileHandle,
  buffer: Uint8Array,
  from: number,
  position: number,
): Promise<{ filled: number; eof: boolean }> {
  let filled = from;
  while (filled < buffer.length) {
    const { bytesRead } = await file.read(buffer, filled, buffer.length - filled, position + filled - from);
    if (bytesRead === 0) return { filled, eof: true };
    filled += bytesRead;
  }
  return { filled, eof: false };
}

async function writeAll(file: FileHandle, parts: Uint8Array[]): Promise<void> {
  const total = parts.reduce((sum, part) => sum + part.length, 0);
  const { bytesWritten } = await file.writev(parts);
  if (bytesWritten < total) await file.write(Buffer.concat(parts).subarray(bytesWritten));
}

/**
 * Transforms the file from `position` on in `chunkSize` pieces, flagging the file's final piece, and appends the
 * results to `output`. Two buffers alternate so the next block is read, and the previous one written, while
 * this one is transformed. The last piece of each block is carried into the next, because only a later byte
 * proves a piece is not the final one.
 */
async function pump(
  input: FileHandle,
  output: FileHandle,
  position: number,
  chunkSize: number,
  transform: Transform,
): Promise<void> {
  const buffers = [
    new Uint8Array(chunkSize * CHUNKS_PER_BLOCK),
    new Uint8Array(chunkSize * CHUNKS_PER_BLOCK),
  ];
  let current = 0;
  let carried = 0;
  let reading = fill(input, buffers[0]!, 0, position);
  let writing: Promise<void> = Promise.resolve();
  let index = 0;
  try {
    for (;;) {
      const buffer = buffers[current]!;
      const { filled, eof } = await reading;
      position += filled - carried;
      const count = eof ? Math.max(1, Math.ceil(filled / chunkSize)) : CHUNKS_PER_BLOCK - 1;
      if (!eof) {
        const next = buffers[1 - current]!;
        next.set(buffer.subarray(count * chunkSize, filled));
        carried = filled - count * chunkSize;
        reading = fill(input, next, carried, position);
      }
      const results: Uint8Array[] = [];
      for (let i = 0; i < count; i++) {
        const piece = buffer.subarray(i * chunkSize, Math.min((i + 1) * chunkSize, filled));
        results.push(...transform(piece, index++, eof && i === count - 1));
      }
      await writing;
      writing = writeAll(output, results);
      if (eof) break;
      current = 1 - current;
    }
  } catch (error) {
    // Let in-flight I/O settle so it neither races the caller's cleanup nor rejects unobserved.
    await Promise.allSettled([reading, writing]);
    throw error;
  }
  await writing;
}

async function withFiles(
  inPath: string,
  outPath: string,
  work: (input: FileHandle, output: FileHandle) => Promise<void>,
): Promise<void> {
  const input = await open(inPath, 'r');
  try {
    const output = await open(outPath, 'w');
    try {
      await work(input, output);
    } catch (error) {
      await output.close();
      // A half-written file must not look like a result.
      await rm(outPath, { force: true });
      throw error;
    }
    await output.close();
  } finally {
    await input.close();
  }
}

/**
 * Encrypts the file at `inPath` to `recipients`, writing the age file to `outPath`. Streams in 512 KiB blocks
 * (memory stays bounded for any size) with OpenSSL's ChaCha20-Poly1305; on failure `outPath` is removed.
 */
export function encryptFile(inPath: string, outPath: string, recipients: string[]): Promise<void> {
  return encryptFileWith(nodeBackend, inPath, outPath, recipients);
}

/** {@link encryptFile} on a given backend (tests fix its randomness to compare output bytes). */
export async function encryptFileWith(
  backend: Backend,
  inPath: string,
  outPath: string,
  recipients: string[],
): Promise<void> {
  const session = sealToRecipients(backend, recipients);
  await withFiles(inPath, outPath, async (input, output) => {
    await output.write(session.head);
    await pump(input, output, 0, CHUNK_SIZE, (chunk, index, last) =>
      sealChunkParts(backend, session.key, index, chunk, last),
    );
  });
}

async function readHead(input: FileHandle): Promise<Uint8Array> {
  for (let size = 4096; ; size *= 2) {
    const buffer = new Uint8Array(size);
    const { bytesRead } = await input.read(buffer, 0, size, 0);
    const bytes = buffer.subarray(0, bytesRead);
    const header = parseHeaderBytes(bytes);
    if (header) return bytes;
    if (bytesRead < size) throw new AgeError('truncated header');
  }
}

/**
 * Decrypts the age file at `inPath` with any of `identities` into `outPath`, streamed in 512 KiB blocks. Any fault
 * (wrong key, tampering, truncation) throws {@link AgeError} and removes `outPath`, so no unauthenticated
 * plaintext is left behind.
 */
export function decryptFile(inPath: string, outPath: string, identities: string[]): Promise<void> {
  return decryptFileWith(nodeBackend, inPath, outPath, identities);
}

/** {@link decryptFile} on a given backend (the benchmark compares backends through the same file path). */
export async function decryptFileWith(
  backend: Backend,
  inPath: string,
  outPath: string,
  identities: string[],
): Promise<void> {
  await withFiles(inPath, outPath, async (input, output) => {
    const bytes = await readHead(input);
    const header = parseHeaderBytes(bytes)!;
    const session = openSession(header, bytes, unlockWithIdentities(backend, header, identities));
    await pump(input, output, session.head.length, SEALED_CHUNK_SIZE, (chunk, index, last) => {
      if (chunk.length === 0) throw new AgeError('missing final chunk');
      return [openChunk(backend, session.key, index, chunk, last)];
    });
  });
}
