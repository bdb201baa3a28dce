import { x25519 } from '@noble/curves/ed25519.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bech32 } from '@scure/base';
import type { Backend } from './backend.js';
import { concat, decodeBase64, encodeBase64, utf8 } from './bytes.js';
import { AgeError } from './errors.js';
import type { Stanza } from './header.js';

const RECIPIENT_PREFIX = 'age';
const IDENTITY_PREFIX = 'AGE-SECRET-KEY-';
const WRAP_INFO = utf8('age-encryption.org/v1/X25519');
const ZERO_NONCE = new Uint8Array(12);

function decodeBech32(s: string, prefix: string): Uint8Array | null {
  try {
    const { prefix: actual, words } = bech32.decode(s as `${string}1${string}`, 100);
    if (actual.toLowerCase() !== prefix.toLowerCase()) return null;
    const bytes = bech32.fromWords(words);
    return bytes.length === 32 ? bytes : null;
  } catch {
    return null;
  }
}

/** The 32-byte public key of an `age1…` recipient; throws for anything else. */
export function parseRecipient(recipient: string): Uint8Array {
  const key = recipient === recipient.toLowerCase() ? decodeBech32(recipient, RECIPIENT_PREFIX) : null;
  if (!key) throw new AgeError('invalid recipient');
  return key;
}

/** The 32-byte scalar of an `AGE-SECRET-KEY-1…` identity; throws for anything else. */
export function parseIdentity(identity: string): Uint8Array {
  const key = identity === identity.toUpperCase() ? decodeBech32(identity, IDENTITY_PREFIX) : null;
  if (!key) throw new AgeError('invalid identity');
  return key;
}

/** `AGE-SECRET-KEY-1…` for a 32-byte scalar. */
export function encodeIdentity(secret: Uint8Array): string {
  return bech32.encode(IDENTITY_PREFIX, bech32.toWords(secret), false).toUpperCase();
}

/** `age1…` for a 32-byte X25519 public key. */
export function encodeRecipient(publicKey: Uint8Array): string {
  return bech32.encode(RECIPIENT_PREFIX, bech32.toWords(publicKey), false);
}

/** The recipient of an identity: its X25519 public key. */
export function recipientOf(secret: Uint8Array): Uint8Array {
  return x25519.getPublicKey(secret);
}

function sharedSecret(secret: Uint8Array, publicKey: Uint8Array): Uint8Array {
  let shared: Uint8Array;
  try {
    shared = x25519.getSharedSecret(secret, publicKey);
  } catch {
    throw new AgeError('invalid X25519 share');
  }
  // A low-order share gives an all-zero secret that anyone could compute; the spec makes it fatal.
  if (shared.every((b) => b === 0)) throw new AgeError('invalid X25519 share');
  return shared;
}

function wrapKey(shared: Uint8Array, share: Uint8Array, recipient: Uint8Array): Uint8Array {
  return hkdf(sha256, shared, concat(share, recipient), WRAP_INFO, 32);
}

/** An `X25519` stanza carrying `fileKey` to `recipient` via a fresh ephemeral key. */
export function wrapX25519(backend: Backend, fileKey: Uint8Array, recipient: Uint8Array): Stanza {
  const ephemeral = backend.randomBytes(32);
  const share = x25519.getPublicKey(ephemeral);
  const key = wrapKey(sharedSecret(ephemeral, recipient), share, recipient);
  return { type: 'X25519', args: [encodeBase64(share)], body: backend.seal(key, ZERO_NONCE, fileKey) };
}

/**
 * The file key from an `X25519` stanza, or `null` when it was made for another recipient. A malformed stanza
 * throws: the spec makes a broken stanza of a known type fatal rather than skippable.
 */
export function unwrapX25519(backend: Backend, stanza: Stanza, secret: Uint8Array): Uint8Array | null {
  const [arg, ...rest] = stanza.args;
  if (arg === undefined || rest.length > 0) throw new AgeError('invalid X25519 stanza');
  const share = decodeBase64(arg);
  if (share.length !== 32 || stanza.body.length !== 32) throw new AgeError('invalid X25519 stanza');
  const recipient = x25519.getPublicKey(secret);
  const fileKey = backend.open(
    wrapKey(sharedSecret(secret, share), share, recipient),
    ZERO_NONCE,
    stanza.body,
  );
  return fileKey;
}
