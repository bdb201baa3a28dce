import * as crypto from './crypto.js';

/** Signature type byte for plain Ed25519 note signatures (c2sp.org/signed-note). */
export const SIGNATURE_TYPE_ED25519 = 0x01;
/** Signature type byte for timestamped Ed25519 cosignatures (c2sp.org/tlog-cosignature). */
export const SIGNATURE_TYPE_COSIGNATURE = 0x04;

/** A parsed verifier key: everything a vkey string states, already checked against itself. */
export interface VerifierKey {
  readonly name: string;
  readonly keyId: number;
  readonly signatureType: number;
  /** The 32-byte Ed25519 public key. */
  readonly publicKey: Uint8Array;
}

/** A parsed signer key. The seed is secret. */
export interface SignerKey extends VerifierKey {
  /** The 32-byte Ed25519 seed (RFC 8032 private key). */
  readonly seed: Uint8Array;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const KEY_ID_HEX = /^[0-9a-fA-F]{8}$/;
const WHITE_SPACE = /\p{White_Space}/u;
const LONE_SURROGATE = /\p{Surrogate}/u;

/** Whether `name` is a valid key name: non-empty, well-formed, no Unicode spaces and no `+`. */
export function isValidKeyName(name: string): boolean {
  return name !== '' && !name.includes('+') && !WHITE_SPACE.test(name) && !LONE_SURROGATE.test(name);
}

/** Key ID = SHA-256(name || 0x0A || signature type || public key)[:4], as a big-endian uint32. */
export function keyId(name: string, signatureType: number, publicKey: Uint8Array): number {
  const digest = crypto.sha256(
    new TextEncoder().encode(`${name}\n`),
    Uint8Array.of(signatureType),
    publicKey,
  );
  return new DataView(digest.buffer, digest.byteOffset, 4).getUint32(0);
}

/**
 * Parses a vkey `<name>+<key id hex>+<base64(type || public key)>` for an Ed25519 note key (type 0x01) or an
 * Ed25519 cosigner key (type 0x04). Throws unless the stated key ID is the one derived from the name and key.
 */
export function parseVerifierKey(vkey: string): VerifierKey {
  const [name, id, key] = chop(vkey, 2);
  if (name === undefined || id === undefined || key === undefined) throw new Error('malformed verifier key');
  return parseKeyParts(name, id, key, 'verifier');
}

/** Formats a vkey for an Ed25519 public key, deriving its key ID. */
export function formatVerifierKey(name: string, signatureType: number, publicKey: Uint8Array): string {
  checkKey(name, signatureType, publicKey, 'public');
  const id = hex32(keyId(name, signatureType, publicKey));
  return `${name}+${id}+${encodeBase64(concat(Uint8Array.of(signatureType), publicKey))}`;
}

/**
 * Parses a Go sumdb signer key `PRIVATE+KEY+<name>+<key id hex>+<base64(type || seed)>`. Throws unless the
 * stated key ID is the one derived from the name and the public key of the seed.
 */
export function parseSignerKey(skey: string): SignerKey {
  const [private_, key_, name, id, key] = chop(skey, 4);
  if (
    private_ !== 'PRIVATE' ||
    key_ !== 'KEY' ||
    name === undefined ||
    id === undefined ||
    key === undefined
  ) {
    throw new Error('malformed signer key');
  }
  const { signatureType, publicKey: seed } = parseKeyParts(name, id, key, 'signer', false);
  const publicKey = ed25519PublicKey(seed);
  if (keyId(name, signatureType, publicKey) !== Number.parseInt(id, 16)) {
    throw new Error('signer key id mismatch');
  }
  return { name, keyId: Number.parseInt(id, 16), signatureType, publicKey, seed };
}

/** Formats a Go sumdb signer key for an Ed25519 seed, deriving its key ID from the seed's public key. */
export function formatSignerKey(name: string, signatureType: number, seed: Uint8Array): string {
  checkKey(name, signatureType, seed, 'private');
  const id = hex32(keyId(name, signatureType, ed25519PublicKey(seed)));
  return `PRIVATE+KEY+${name}+${id}+${encodeBase64(concat(Uint8Array.of(signatureType), seed))}`;
}

/**
 * Generates a fresh Ed25519 key pair named `name`, returned as a secret signer key and a public verifier key.
 * `signatureType` is 0x01 for a log (note) key, 0x04 for a witness cosigner key.
 */
export function generateSigner(
  name: string,
  signatureType: number = SIGNATURE_TYPE_ED25519,
): { skey: string; vkey: string } {
  const seed = crypto.randomBytes(32);
  return {
    skey: formatSignerKey(name, signatureType, seed),
    vkey: formatVerifierKey(name, signatureType, ed25519PublicKey(seed)),
  };
}

/** @internal Ed25519 signature (RFC 8032) of `message` by the key with this 32-byte seed. */
export function ed25519Sign(seed: Uint8Array, message: Uint8Array): Uint8Array {
  return crypto.ed25519Sign(seed, message);
}

/** @internal Whether `signature` is a valid 64-byte Ed25519 signature of `message` by `publicKey`. */
export function ed25519Verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  return crypto.ed25519Verify(publicKey, message, signature);
}

/** @internal Strict standard base64 (RFC 4648 §4): padded, canonical, nothing else. */
export function decodeBase64(text: string): Uint8Array | undefined {
  if (!BASE64.test(text)) return undefined;
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  // Non-zero trailing bits would let one byte string have several encodings.
  if (encodeBase64(bytes) !== text) return undefined;
  return bytes;
}

/** @internal */
export function encodeBase64(bytes: Uint8Array): string {
  let binary = '';
  // In slices: String.fromCharCode takes its bytes as arguments, and arguments are limited.
  for (let i = 0; i < bytes.length; i += 0x8000)
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** @internal */
export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function parseKeyParts(
  name: string,
  id: string,
  key: string,
  kind: 'verifier' | 'signer',
  checkId = true,
): VerifierKey {
  const decoded = decodeBase64(key);
  if (!isValidKeyName(name) || !KEY_ID_HEX.test(id) || decoded === undefined) {
    throw new Error(`malformed ${kind} key`);
  }
  const signatureType = decoded[0];
  if (signatureType !== SIGNATURE_TYPE_ED25519 && signatureType !== SIGNATURE_TYPE_COSIGNATURE) {
    throw new Error(`unknown ${kind} key type`);
  }
  const material = decoded.subarray(1);
  if (material.length !== 32) throw new Error(`malformed ${kind} key`);
  const stated = Number.parseInt(id, 16);
  if (checkId && keyId(name, signatureType, material) !== stated) {
    throw new Error(`${kind} key id mismatch`);
  }
  return { name, keyId: stated, signatureType, publicKey: material };
}

function checkKey(name: string, signatureType: number, key: Uint8Array, kind: 'public' | 'private'): void {
  if (!isValidKeyName(name)) throw new Error('invalid key name');
  if (signatureType !== SIGNATURE_TYPE_ED25519 && signatureType !== SIGNATURE_TYPE_COSIGNATURE) {
    throw new Error('unknown key type');
  }
  if (key.length !== 32) throw new Error(`${kind} key must be 32 bytes`);
}

function ed25519PublicKey(seed: Uint8Array): Uint8Array {
  return crypto.ed25519PublicKey(seed);
}

/** Splits at the first `count` plus signs; the base64 key after them may contain more. */
function chop(text: string, count: number): string[] {
  const parts: string[] = [];
  let rest = text;
  for (let i = 0; i < count; i++) {
    const plus = rest.indexOf('+');
    if (plus < 0) return parts;
    parts.push(rest.slice(0, plus));
    rest = rest.slice(plus + 1);
  }
  return [...parts, rest];
}

function hex32(value: number): string {
  return value.toString(16).padStart(8, '0');
}
