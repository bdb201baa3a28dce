import { parseCheckpoint } from './checkpoint.js';
import type { NoteSigner, NoteVerifier } from './note.js';
import {
  SIGNATURE_TYPE_COSIGNATURE,
  concat,
  ed25519Sign,
  ed25519Verify,
  parseSignerKey,
  parseVerifierKey,
} from './vkey.js';

/** Options for {@link cosignatureSigner}. */
export interface CosignatureSignerOptions {
  /** The current time as a POSIX timestamp in seconds; defaults to the system clock. */
  readonly now?: () => number;
}

const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const TIMESTAMPED_SIGNATURE_LENGTH = 8 + 64;

/**
 * The message an Ed25519 cosigner signs (cosignature/v1): `cosignature/v1\ntime <timestamp>\n` followed by the
 * checkpoint note text. `timestamp` is a POSIX time in seconds.
 */
export function cosignedMessage(checkpointText: string, timestamp: number): Uint8Array {
  checkTimestamp(timestamp);
  return utf8.encode(`cosignature/v1\ntime ${timestamp}\n${checkpointText}`);
}

/**
 * A note signer for a witness cosigner key (type 0x04) given as a signer key (`PRIVATE+KEY+…`). Each signature
 * is a timestamped_signature: 8-byte big-endian timestamp || Ed25519 signature. Refuses text that is not a
 * checkpoint.
 */
export function cosignatureSigner(skey: string, options: CosignatureSignerOptions = {}): NoteSigner {
  const key = parseSignerKey(skey);
  if (key.signatureType !== SIGNATURE_TYPE_COSIGNATURE) throw new Error('not a cosigner key');
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  return {
    name: key.name,
    keyId: key.keyId,
    sign(text) {
      const checkpointText = strictUtf8.decode(text);
      parseCheckpoint(checkpointText);
      const timestamp = now();
      const signature = ed25519Sign(key.seed, cosignedMessage(checkpointText, timestamp));
      return concat(encodeTimestamp(timestamp), signature);
    },
  };
}

/**
 * A note verifier for a witness cosigner key (type 0x04) given as a vkey. It accepts a signature only if it is
 * a well-formed timestamped_signature over the note text at its stated time; read that time with
 * {@link cosignatureTimestamp}.
 */
export function cosignatureVerifier(vkey: string): NoteVerifier {
  const key = parseVerifierKey(vkey);
  if (key.signatureType !== SIGNATURE_TYPE_COSIGNATURE) throw new Error('not a cosigner key');
  return {
    name: key.name,
    keyId: key.keyId,
    verify(text, signature) {
      if (signature.length !== TIMESTAMPED_SIGNATURE_LENGTH) return false;
      const timestamp = decodeTimestamp(signature);
      if (timestamp === undefined) return false;
      const message = concat(utf8.encode(`cosignature/v1\ntime ${timestamp}\n`), text);
      return ed25519Verify(key.publicKey, message, signature.subarray(8));
    },
  };
}

/** The POSIX timestamp (seconds) of an Ed25519 cosignature's signature bytes (without the key ID). */
export function cosignatureTimestamp(signature: Uint8Array): number {
  if (signature.length !== TIMESTAMPED_SIGNATURE_LENGTH) throw new Error('malformed cosignature');
  const timestamp = decodeTimestamp(signature);
  if (timestamp === undefined) throw new Error('cosignature timestamp out of range');
  return timestamp;
}

function encodeTimestamp(timestamp: number): Uint8Array {
  checkTimestamp(timestamp);
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(timestamp));
  return bytes;
}

function decodeTimestamp(signature: Uint8Array): number | undefined {
  const value = new DataView(signature.buffer, signature.byteOffset, 8).getBigUint64(0);
  // The spec caps timestamps at 2^63 - 1; anything past 2^53 is far in the future and cannot be a number.
  return value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : undefined;
}

function checkTimestamp(timestamp: number): void {
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) throw new Error('invalid cosignature timestamp');
}
