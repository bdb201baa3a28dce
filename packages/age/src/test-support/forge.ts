import { nodeBackend } from '../backend-node.js';
import { concat, encodeBase64, utf8 } from '../bytes.js';
import { encodeHeader, type Stanza } from '../header.js';
import { CHUNK_SIZE, chunkNonce, payloadKey } from '../stream.js';
import { parseRecipient, wrapX25519 } from '../x25519.js';

/** A fixed file key and nonce, so forged files are reproducible. */
export const FILE_KEY = new Uint8Array(16).fill(7);
export const NONCE = new Uint8Array(16).fill(9);

/** An X25519 stanza wrapping {@link FILE_KEY} to `recipient`. */
export function x25519Stanza(recipient: string): Stanza {
  return wrapX25519(nodeBackend, FILE_KEY, parseRecipient(recipient));
}

/** Header text with a valid MAC over `stanzas` (the MAC is right even if the stanzas are not). */
export function headerText(stanzas: Stanza[], fileKey = FILE_KEY): string {
  return new TextDecoder().decode(encodeHeader(stanzas, fileKey));
}

/** One chunk sealed with any flag and counter, bypassing the size rules the real encryptor enforces. */
export function rawChunk(index: number, plaintext: Uint8Array, last: boolean): Uint8Array {
  return nodeBackend.seal(payloadKey(FILE_KEY, NONCE), chunkNonce(index, last), plaintext);
}

/** The regular STREAM chunks for `plaintext`. */
export function chunksOf(plaintext: Uint8Array): Uint8Array[] {
  const count = plaintext.length === 0 ? 1 : Math.ceil(plaintext.length / CHUNK_SIZE);
  return [...Array(count).keys()].map((i) =>
    rawChunk(i, plaintext.subarray(i * CHUNK_SIZE, (i + 1) * CHUNK_SIZE), i === count - 1),
  );
}

/** Header text + nonce + chunks. */
export function assemble(header: string, chunks: Uint8Array[], nonce = NONCE): Uint8Array {
  return concat(utf8(header), nonce, ...chunks);
}

/** Re-encodes a base64 string so it decodes to the same bytes but with non-zero trailing bits. */
export function nonCanonical(b64: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const last = alphabet.indexOf(b64[b64.length - 1]!);
  return b64.slice(0, -1) + alphabet.charAt(last ^ 1);
}

export { encodeBase64 };
