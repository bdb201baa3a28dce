import {
  SIGNATURE_TYPE_ED25519,
  decodeBase64,
  ed25519Sign,
  ed25519Verify,
  encodeBase64,
  isValidKeyName,
  parseSignerKey,
  parseVerifierKey,
} from './vkey.js';

/** Signs note texts as one named key. */
export interface NoteSigner {
  readonly name: string;
  readonly keyId: number;
  /** Returns the signature bytes (without the key ID) over the UTF-8 note text. */
  sign(text: Uint8Array): Uint8Array;
}

/** Checks signatures of one named key. */
export interface NoteVerifier {
  readonly name: string;
  readonly keyId: number;
  /** Whether `signature` (without the key ID) is valid for the UTF-8 note text. */
  verify(text: Uint8Array, signature: Uint8Array): boolean;
}

/** One signature line: `— <name> base64(key ID || signature)`. */
export interface NoteSignature {
  readonly name: string;
  readonly keyId: number;
  readonly signature: Uint8Array;
}

/** A note text (ending in a newline) and its signatures, verified or not. */
export interface Note {
  readonly text: string;
  readonly signatures: readonly NoteSignature[];
}

/** A note whose text was signed by every key in `verified`. `unverified` are signatures from unknown keys. */
export interface VerifiedNote {
  readonly text: string;
  readonly verified: readonly NoteSignature[];
  readonly unverified: readonly NoteSignature[];
}

/** The most signature lines a note may carry; the spec requires accepting at least 16. */
export const MAX_SIGNATURES = 100;

const SIGNATURE_PREFIX = '\u2014 ';
const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const LONE_SURROGATE = /\p{Surrogate}/u;

/** A signer for a plain Ed25519 note key (type 0x01) given as a Go sumdb signer key (`PRIVATE+KEY+…`). */
export function ed25519Signer(skey: string): NoteSigner {
  const key = parseSignerKey(skey);
  if (key.signatureType !== SIGNATURE_TYPE_ED25519) throw new Error('not an ed25519 note key');
  return { name: key.name, keyId: key.keyId, sign: (text) => ed25519Sign(key.seed, text) };
}

/** A verifier for a plain Ed25519 note key (type 0x01) given as a vkey. */
export function ed25519Verifier(vkey: string): NoteVerifier {
  const key = parseVerifierKey(vkey);
  if (key.signatureType !== SIGNATURE_TYPE_ED25519) throw new Error('not an ed25519 note key');
  return {
    name: key.name,
    keyId: key.keyId,
    verify: (text, signature) => ed25519Verify(key.publicKey, text, signature),
  };
}

/**
 * Splits a signed note into its text and signature lines without verifying anything. The text MUST NOT be
 * trusted until {@link verifyNote} accepts it. Throws on anything the signed-note format does not allow.
 */
export function parseNote(note: string | Uint8Array): Note {
  const message = typeof note === 'string' ? note : decodeUtf8(note);
  checkNoteCharacters(message);
  const split = message.lastIndexOf('\n\n');
  if (split < 0) throw new Error('malformed note');
  const text = message.slice(0, split + 1);
  const block = message.slice(split + 2);
  if (!block.endsWith('\n')) throw new Error('malformed note');
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > MAX_SIGNATURES) throw new Error('too many signatures');
  return { text, signatures: lines.map(parseSignatureLine) };
}

/** Encodes a note: text, blank line, one line per signature. Throws on what {@link parseNote} would reject. */
export function formatNote(note: Note): string {
  checkText(note.text);
  if (note.signatures.length === 0) throw new Error('note has no signatures');
  if (note.signatures.length > MAX_SIGNATURES) throw new Error('too many signatures');
  return `${note.text}\n${note.signatures.map(formatSignatureLine).join('')}`;
}

/** Encodes one signature line, including its final newline. */
export function formatSignatureLine(signature: NoteSignature): string {
  if (!isValidKeyName(signature.name)) throw new Error('invalid key name');
  if (signature.signature.length === 0) throw new Error('empty signature');
  const id = new Uint8Array(4);
  new DataView(id.buffer).setUint32(0, signature.keyId);
  const payload = new Uint8Array(4 + signature.signature.length);
  payload.set(id);
  payload.set(signature.signature, 4);
  return `${SIGNATURE_PREFIX}${signature.name} ${encodeBase64(payload)}\n`;
}

/** Signs `text` (which must end in a newline) with each signer, returning the complete signed note. */
export function signNote(text: string, signers: readonly NoteSigner[]): string {
  checkText(text);
  const bytes = utf8.encode(text);
  const signatures = signers.map((signer) => ({
    name: signer.name,
    keyId: signer.keyId,
    signature: signer.sign(bytes),
  }));
  return formatNote({ text, signatures });
}

/**
 * Parses `note` and checks its signatures against `verifiers`. Signatures whose name and key ID both match a
 * verifier are verified, and any failure rejects the note; the others are returned unverified. Throws unless at
 * least one known signature verifies.
 */
export function verifyNote(note: string | Uint8Array, verifiers: readonly NoteVerifier[]): VerifiedNote {
  const known = new Map<string, NoteVerifier>();
  for (const verifier of verifiers) {
    const key = signatureKey(verifier);
    if (known.has(key)) throw new Error('ambiguous verifier');
    known.set(key, verifier);
  }
  const { text, signatures } = parseNote(note);
  const bytes = utf8.encode(text);
  const verified = new Map<string, NoteSignature>();
  const unverified = new Map<string, NoteSignature>();
  for (const signature of signatures) {
    const key = signatureKey(signature);
    const verifier = known.get(key);
    if (verifier === undefined) {
      unverified.set(`${key}+${encodeBase64(signature.signature)}`, signature);
      continue;
    }
    if (!verifier.verify(bytes, signature.signature)) throw new Error('invalid signature');
    if (!verified.has(key)) verified.set(key, signature);
  }
  if (verified.size === 0) throw new Error('no verifiable signatures');
  return { text, verified: [...verified.values()], unverified: [...unverified.values()] };
}

function parseSignatureLine(line: string): NoteSignature {
  if (!line.startsWith(SIGNATURE_PREFIX)) throw new Error('malformed signature line');
  const rest = line.slice(SIGNATURE_PREFIX.length);
  const space = rest.indexOf(' ');
  const name = rest.slice(0, space);
  const payload = space < 0 ? undefined : decodeBase64(rest.slice(space + 1));
  if (payload === undefined || !isValidKeyName(name) || payload.length < 5) {
    throw new Error('malformed signature line');
  }
  const keyId = new DataView(payload.buffer, payload.byteOffset).getUint32(0);
  return { name, keyId, signature: payload.slice(4) };
}

function checkText(text: string): void {
  checkNoteCharacters(text);
  if (!text.endsWith('\n')) throw new Error('note text must end in a newline');
}

function checkNoteCharacters(message: string): void {
  if (LONE_SURROGATE.test(message)) throw new Error('malformed note');
  for (let i = 0; i < message.length; i++) {
    const code = message.charCodeAt(i);
    if (code < 0x20 && code !== 0x0a) throw new Error('note contains a control character');
  }
}

function decodeUtf8(bytes: Uint8Array): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    throw new Error('note is not valid utf-8');
  }
}

function signatureKey(key: { readonly name: string; readonly keyId: number }): string {
  // Key names cannot contain '+', so this is unambiguous.
  return `${key.name}+${key.keyId.toString(16).padStart(8, '0')}`;
}
