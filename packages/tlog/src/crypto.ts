/**
 * The hash and signature primitives tlog uses, behind one small interface so the package runs in browsers:
 * {@link nobleCrypto} (pure JavaScript, `@noble/*`) by default, and Node's native `node:crypto` once the Node
 * entry point (`index.ts`) installs it. Both give identical bytes; only speed differs.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { randomBytes as nobleRandomBytes } from '@noble/hashes/utils.js';

export interface TlogCrypto {
  /** SHA-256 of the concatenation of `parts`. */
  sha256(...parts: Uint8Array[]): Uint8Array;
  /** The Ed25519 public key of a 32-byte seed. */
  ed25519PublicKey(seed: Uint8Array): Uint8Array;
  /** Ed25519 signature (RFC 8032) of `message` by the key with this 32-byte seed. */
  ed25519Sign(seed: Uint8Array, message: Uint8Array): Uint8Array;
  /** Whether `signature` is a valid Ed25519 signature of `message` by the 32-byte `publicKey`. */
  ed25519Verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean;
  randomBytes(length: number): Uint8Array;
}

/** The pure-JavaScript primitives (browsers, service workers, and the default everywhere). */
export const nobleCrypto: TlogCrypto = {
  sha256(...parts) {
    const h = nobleSha256.create();
    for (const p of parts) h.update(p);
    return h.digest();
  },
  ed25519PublicKey: (seed) => ed25519.getPublicKey(seed),
  ed25519Sign: (seed, message) => ed25519.sign(message, seed),
  ed25519Verify(publicKey, message, signature) {
    if (signature.length !== 64 || publicKey.length !== 32) return false;
    try {
      // zip215: false is RFC 8032's strict verification, which is what OpenSSL (the Node build) does.
      return ed25519.verify(signature, message, publicKey, { zip215: false });
    } catch {
      return false;
    }
  },
  randomBytes: (length) => nobleRandomBytes(length),
};

let active: TlogCrypto = nobleCrypto;

/** Installs the primitives every tlog function uses from now on (the Node entry point installs node:crypto). */
export function useCrypto(c: TlogCrypto): void {
  active = c;
}

/** SHA-256 of the concatenation of `parts`, with the installed primitives. */
export const sha256 = (...parts: Uint8Array[]): Uint8Array => active.sha256(...parts);
export const ed25519PublicKey = (seed: Uint8Array): Uint8Array => active.ed25519PublicKey(seed);
export const ed25519Sign = (seed: Uint8Array, message: Uint8Array): Uint8Array =>
  active.ed25519Sign(seed, message);
export const ed25519Verify = (publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean =>
  active.ed25519Verify(publicKey, message, signature);
export const randomBytes = (length: number): Uint8Array => active.randomBytes(length);

const utf8 = new TextEncoder();

/** Lowercase hex SHA-256 of a UTF-8 string. */
export function sha256Hex(text: string): string {
  let out = '';
  for (const b of sha256(utf8.encode(text))) out += b.toString(16).padStart(2, '0');
  return out;
}
