import type { Backend } from './backend.js';
import { AgeError } from './errors.js';
import {
  CHUNK_SIZE,
  SEALED_CHUNK_SIZE,
  chunkCount,
  openChunk,
  openedSize,
  sealChunk,
  sealedSize,
} from './stream.js';

/** Bytes of an age file to fetch for a plaintext range: `[start, end)` absolute offsets, whole chunks. */
export interface CiphertextRange {
  /** First byte (absolute offset in the file; HTTP `Range: bytes=start-(end-1)`). */
  start: number;
  /** One past the last byte. */
  end: number;
  /** Index of the chunk that begins at `start`. */
  firstChunk: number;
  /** Index of the chunk that ends at `end`. */
  lastChunk: number;
}

/**
 * Decrypts any chunk of one age file independently, so a player can fetch only the ranges it needs. Sizes are of
 * the whole file (header, nonce and chunks), as a blob store or `Content-Length` reports them.
 */
export interface PayloadReader {
  /** Bytes before the first chunk: header plus the 16-byte payload nonce. */
  readonly headLength: number;
  /** Plaintext size of a file of `ciphertextSize` bytes; throws if no valid age file has that size. */
  plaintextSize(ciphertextSize: number): number;
  /** Number of chunks in a file of `ciphertextSize` bytes (the last has index `chunkCount - 1`). */
  chunkCount(ciphertextSize: number): number;
  /** Whole chunks covering plaintext bytes `[plainStart, plainEndExclusive)`. */
  ciphertextRange(plainStart: number, plainEndExclusive: number, ciphertextSize: number): CiphertextRange;
  /**
   * Plaintext of chunk `index` (65,552 ciphertext bytes, or fewer for the last). `isLast` must be true exactly for
   * the file's final chunk; a wrong flag, a moved chunk or any flipped bit fails with {@link AgeError}.
   */
  decryptChunk(index: number, chunkCiphertext: Uint8Array, isLast: boolean): Promise<Uint8Array>;
}

/** Encrypts any chunk of one age file on demand, e.g. to resume an upload at an arbitrary offset. */
export interface PayloadWriter {
  /** Header plus payload nonce: the first bytes of the file. */
  readonly head: Uint8Array;
  /** Total file size for `plaintextSize` bytes of plaintext. */
  ciphertextSize(plaintextSize: number): number;
  /** Number of chunks for `plaintextSize` bytes (at least one, even when empty). */
  chunkCount(plaintextSize: number): number;
  /**
   * Ciphertext of chunk `index`, which goes at offset `head.length + index * 65552`. Every chunk but the last holds
   * exactly 65,536 plaintext bytes; the same inputs always give the same bytes.
   */
  encryptChunk(index: number, plaintextChunk: Uint8Array, isLast: boolean): Promise<Uint8Array>;
}

function checkSize(n: number, what: string): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new AgeError(`invalid ${what}`);
}

/** A {@link PayloadReader} for a file whose head is `headLength` bytes and payload key is `key`. */
export function payloadReader(backend: Backend, key: Uint8Array, headLength: number): PayloadReader {
  const payloadSize = (ciphertextSize: number): number => {
    checkSize(ciphertextSize, 'ciphertext size');
    if (ciphertextSize < headLength) throw new AgeError('truncated payload');
    return ciphertextSize - headLength;
  };
  const plaintextSize = (ciphertextSize: number): number => openedSize(payloadSize(ciphertextSize));
  return {
    headLength,
    plaintextSize,
    chunkCount(ciphertextSize) {
      return chunkCount(plaintextSize(ciphertextSize));
    },
    ciphertextRange(plainStart, plainEndExclusive, ciphertextSize) {
      const size = plaintextSize(ciphertextSize);
      checkSize(plainStart, 'range');
      checkSize(plainEndExclusive, 'range');
      if (plainStart > plainEndExclusive || plainEndExclusive > size)
        throw new AgeError('range out of bounds');
      // An empty range at the very end still maps to the final chunk: reading it proves the file is complete.
      const final = chunkCount(size) - 1;
      const firstChunk = Math.min(Math.floor(plainStart / CHUNK_SIZE), final);
      const lastChunk = Math.min(Math.max(firstChunk, Math.ceil(plainEndExclusive / CHUNK_SIZE) - 1), final);
      const start = headLength + firstChunk * SEALED_CHUNK_SIZE;
      const end = Math.min(headLength + (lastChunk + 1) * SEALED_CHUNK_SIZE, ciphertextSize);
      return { start, end, firstChunk, lastChunk };
    },
    decryptChunk(index, chunkCiphertext, isLast) {
      return Promise.resolve().then(() => openChunk(backend, key, index, chunkCiphertext, isLast));
    },
  };
}

/** A {@link PayloadWriter} for a file that starts with `head` and whose payload key is `key`. */
export function payloadWriter(backend: Backend, key: Uint8Array, head: Uint8Array): PayloadWriter {
  return {
    head,
    ciphertextSize(plaintextSize) {
      return head.length + sealedSize(plaintextSize);
    },
    chunkCount(plaintextSize) {
      checkSize(plaintextSize, 'plaintext size');
      return chunkCount(plaintextSize);
    },
    encryptChunk(index, plaintextChunk, isLast) {
      return Promise.resolve().then(() => sealChunk(backend, key, index, plaintextChunk, isLast));
    },
  };
}
