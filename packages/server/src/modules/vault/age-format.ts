/**
 * Syntax checks for the age v1 format, on top of `@porchlight/age`. The server never decrypts anything; it only
 * refuses what cannot be age: a recipient that is not an `age1…` X25519 key, a wrapped identity that is not an
 * armored file with a single scrypt stanza of enough work, an upload that is not age for X25519 recipients.
 */
import * as age from '@porchlight/age';

export { isRecipient } from '@porchlight/age';

export interface Stanza {
  type: string;
  args: string[];
}

export type HeaderParse =
  { ok: true; headerLength: number; stanzas: Stanza[] } | { ok: false; reason: string; incomplete?: boolean };

/**
 * Parses an age header from the start of `bytes`. `incomplete` means more bytes could still make it valid;
 * any other failure is final. The MAC is not (cannot be) verified without the file key.
 */
export function parseHeader(bytes: Uint8Array): HeaderParse {
  try {
    const header = age.parseHeader(bytes);
    if (!header) return { ok: false, reason: 'header not finished', incomplete: true };
    return { ok: true, headerLength: header.headerLength, stanzas: header.stanzas };
  } catch (err) {
    if (err instanceof age.AgeError) return { ok: false, reason: err.message };
    throw err;
  }
}

/** Decodes ASCII armor (age's strict PEM: 64-column padded base64). Returns undefined when it is not armor. */
export function dearmor(armored: string): Uint8Array | undefined {
  try {
    return age.dearmor(armored);
  } catch (err) {
    if (err instanceof age.AgeError) return undefined;
    throw err;
  }
}

/** age refuses to decrypt above 2^22 (4 GiB of memory), so a wrapping above it could never be unwrapped. */
export const MAX_SCRYPT_WORK_FACTOR = 22;

/**
 * Why `armored` is not a passphrase-wrapped identity, or undefined when it is one: an armored age file whose
 * only stanza is `scrypt` (salt, work factor from 2^`minWorkFactor` to 2^22), followed by a payload. The work
 * factor is the one thing about the wrapping the server can check, and the only brake on an offline guess at
 * the passphrase by whoever holds a copy of the database. Callers storing a wrapping pass
 * `config.vaultMinWorkFactor`; the default (no minimum) is for reading what is already stored.
 */
export function wrappedIdentityProblem(armored: string, minWorkFactor = 1): string | undefined {
  const bytes = dearmor(armored);
  if (!bytes) return 'is not an ASCII-armored age file';
  const header = parseHeader(bytes);
  if (!header.ok) return `is not an age file (${header.reason})`;
  const [stanza, ...rest] = header.stanzas;
  if (rest.length > 0 || stanza?.type !== 'scrypt') return 'must have exactly one stanza, of type scrypt';
  const [salt, logN] = stanza.args;
  if (stanza.args.length !== 2 || salt?.length !== 22 || !/^[1-9][0-9]?$/.test(logN ?? '')) {
    return 'has a malformed scrypt stanza';
  }
  const workFactor = Number(logN);
  if (workFactor < minWorkFactor) {
    return `is wrapped with scrypt work factor 2^${workFactor}; at least 2^${minWorkFactor} is required`;
  }
  if (workFactor > MAX_SCRYPT_WORK_FACTOR) {
    return `is wrapped with scrypt work factor 2^${workFactor}; age cannot unwrap above 2^${MAX_SCRYPT_WORK_FACTOR}`;
  }
  // A payload is a 16-byte nonce and at least one 16-byte tag; an identity adds ~74 bytes of plaintext.
  if (bytes.length - header.headerLength < 32) return 'has no encrypted payload';
  return undefined;
}

/** age's payload: a 16-byte nonce, then chunks of 64 KiB plaintext, each sealed with a 16-byte tag. */
const NONCE_BYTES = 16;
const TAG_BYTES = 16;
const CHUNK_BYTES = 64 * 1024 + TAG_BYTES;

/**
 * Why an uploaded file is not a clip encrypted to a vault recipient, or undefined when it may be one. A clip
 * must be for X25519 recipients only (a scrypt or unknown stanza means it was not encrypted to the owner's
 * key: a passphrase file, or plaintext dressed in an age header), and its size must fit age's chunk layout:
 * full 64 KiB chunks, then one last chunk holding at least one byte (or the only, empty, chunk).
 */
export function clipCiphertextProblem(
  header: { headerLength: number; stanzas: Stanza[] },
  size: number,
): string | undefined {
  if (header.stanzas.length === 0) return 'it has no recipient stanza';
  const other = header.stanzas.find((s) => s.type !== 'X25519' || s.args.length !== 1);
  if (other) {
    return `it has a "${other.type}" stanza; clips must be encrypted to X25519 recipients (age1…) only`;
  }
  const payload = size - header.headerLength - NONCE_BYTES;
  if (payload < TAG_BYTES) return 'it has no encrypted payload';
  const last = payload % CHUNK_BYTES;
  if ((last > 0 && last < TAG_BYTES) || (last === TAG_BYTES && payload > TAG_BYTES)) {
    return `its payload of ${payload} bytes does not fit age's 64 KiB chunk layout (truncated or padded)`;
  }
  return undefined;
}
