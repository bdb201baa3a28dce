import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import type { Backend } from './backend.js';
import { utf8 } from './bytes.js';
import { AgeError } from './errors.js';

/** Plaintext bytes per STREAM chunk (age v1). */
export const CHUNK_SIZE = 64 * 1024;
/** Poly1305 tag bytes appended to every chunk. */
export const TAG_SIZE = 16;
/** Ciphertext bytes of every chunk but the last. */
export const SEALED_CHUNK_SIZE = CHUNK_SIZE + TAG_SIZE;
/** Random nonce between the header and the first chunk, salt of the payload key. */
export const PAYLOAD_NONCE_SIZE = 16;

const PAYLOAD_INFO = utf8('payload');

/** HKDF-SHA-256(ikm = file key, salt = payload nonce, info = "payload"). */
export function payloadKey(fileKey: Uint8Array, nonce: Uint8Array): Uint8Array {
  return hkdf(sha256, fileKey, nonce, PAYLOAD_INFO, 32);
}

/** 11-byte big-endian chunk counter followed by the last-chunk flag. */
export function chunkNonce(index: number, last: boolean): Uint8Array {
  if (!Number.isSafeInteger(index) || index < 0) throw new AgeError('invalid chunk index');
  const nonce = new Uint8Array(12);
  let n = index;
  for (let i = 10; n > 0; i--) {
    nonce[i] = n % 256;
    n = Math.floor(n / 256);
  }
  nonce[11] = last ? 1 : 0;
  return nonce;
}

/** Number of chunks a plaintext of `size` bytes takes: an empty plaintext is still one (empty) chunk. */
export function chunkCount(size: number): number {
  return size === 0 ? 1 : Math.ceil(size / CHUNK_SIZE);
}

/** Payload ciphertext bytes (after the nonce) for a plaintext of `size` bytes. */
export function sealedSize(size: number): number {
  if (!Number.isSafeInteger(size) || size < 0) throw new AgeError('invalid plaintext size');
  return size + TAG_SIZE * chunkCount(size);
}

/**
 * Plaintext bytes in `size` bytes of payload chunks (after the nonce). Throws when no well-formed age payload has
 * that length: a final chunk shorter than a tag, or an empty final chunk after full ones.
 */
export function openedSize(size: number): number {
  if (!Number.isSafeInteger(size) || size < 0) throw new AgeError('invalid payload size');
  if (size === 0) throw new AgeError('missing final chunk');
  if (size < TAG_SIZE) throw new AgeError('truncated chunk');
  const chunks = Math.ceil(size / SEALED_CHUNK_SIZE);
  const last = size - (chunks - 1) * SEALED_CHUNK_SIZE;
  if (last < TAG_SIZE) throw new AgeError('truncated chunk');
  if (last === TAG_SIZE && chunks > 1) throw new AgeError('empty final chunk');
  return size - TAG_SIZE * chunks;
}

function checkPlainChunk(index: number, plaintext: Uint8Array, last: boolean): void {
  if (!last && plaintext.length !== CHUNK_SIZE) throw new AgeError('non-final chunk must be 65536 bytes');
  if (plaintext.length > CHUNK_SIZE) throw new AgeError('chunk too large');
  if (last && plaintext.length === 0 && index > 0) throw new AgeError('empty final chunk');
}

/** Encrypts chunk `index`, checking the STREAM size rules a decryptor will enforce. */
export function sealChunk(
  backend: Backend,
  key: Uint8Array,
  index: number,
  plaintext: Uint8Array,
  last: boolean,
): Uint8Array {
  checkPlainChunk(index, plaintext, last);
  return backend.seal(key, chunkNonce(index, last), plaintext);
}

/** {@link sealChunk} as `[ciphertext, tag]`, so a file writer can gather them without a copy. */
export function sealChunkParts(
  backend: Backend,
  key: Uint8Array,
  index: number,
  plaintext: Uint8Array,
  last: boolean,
): Uint8Array[] {
  checkPlainChunk(index, plaintext, last);
  return backend.sealParts(key, chunkNonce(index, last), plaintext);
}

/** Decrypts and authenticates chunk `index`; a chunk decrypted with the wrong `last` flag fails its tag. */
export function openChunk(
  backend: Backend,
  key: Uint8Array,
  index: number,
  sealed: Uint8Array,
  last: boolean,
): Uint8Array {
  if (sealed.length > SEALED_CHUNK_SIZE) throw new AgeError('chunk too large');
  if (!last && sealed.length !== SEALED_CHUNK_SIZE) throw new AgeError('truncated chunk');
  if (sealed.length < TAG_SIZE) throw new AgeError('truncated chunk');
  if (last && sealed.length === TAG_SIZE && index > 0) throw new AgeError('empty final chunk');
  const plaintext = backend.open(key, chunkNonce(index, last), sealed);
  if (plaintext) return plaintext;
  // Retrying with the other flag costs nothing on the success path and turns "bad tag" into the actual fault.
  if (sealed.length === SEALED_CHUNK_SIZE && backend.open(key, chunkNonce(index, !last), sealed)) {
    throw new AgeError(last ? 'missing final chunk' : 'trailing data after final chunk');
  }
  throw new AgeError('payload authentication failed');
}
