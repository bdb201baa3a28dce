/**
 * Syntax checks for the age v1 format, on top of `@porchlight/age`. The server never decrypts anything; it only
 * refuses what cannot be age: a recipient that is not an `age1…` X25519 key, a wrapped identity that is not an
 * armored file with a single scrypt stanza, an upload whose header is not an age header.
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

/**
 * Why `armored` is not a passphrase-wrapped identity, or undefined when it is one: an armored age file whose
 * only stanza is `scrypt` (salt, work factor), followed by a payload.
 */
export function wrappedIdentityProblem(armored: string): string | undefined {
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
  // A payload is a 16-byte nonce and at least one 16-byte tag; an identity adds ~74 bytes of plaintext.
  if (bytes.length - header.headerLength < 32) return 'has no encrypted payload';
  return undefined;
}
