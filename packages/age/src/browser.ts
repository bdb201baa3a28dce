/**
 * `@porchlight/age` for browsers and service workers (the package's `browser` export condition): the same surface
 * and the same bytes as the Node build, with payload chunks on `@noble/ciphers` and no `node:` imports.
 */
import { createAge } from './age.js';
import { nobleBackend } from './backend-noble.js';

const age = createAge(nobleBackend);

/** Encrypts `plaintext` to every `age1…` recipient. */
export const encrypt = age.encrypt;
/** Decrypts an age file with any of `identities`; throws {@link AgeError} on any fault, never partial output. */
export const decrypt = age.decrypt;
/** A WHATWG transform from plaintext to an age file for `recipients`, holding at most ~64 KiB. */
export const encryptStream = age.encryptStream;
/** A WHATWG transform from an age file to plaintext; errors with {@link AgeError} on any fault. */
export const decryptStream = age.decryptStream;
/** The identity encrypted under `passphrase` (age scrypt, default work factor 2^18), ASCII-armored. */
export const wrapIdentity = age.wrapIdentity;
/** The identity inside a {@link wrapIdentity} result; throws {@link AgeError} `wrong passphrase`. */
export const unwrapIdentity = age.unwrapIdentity;
/** A random-access reader for the file whose first bytes (header + 16-byte nonce) are `head`. */
export const openPayload = age.openPayload;
/** A random-access writer: a fresh header for `recipients` and chunk encryption on demand. */
export const createEncryptor = age.createEncryptor;
/**
 * The {@link createEncryptor} writer again, from its public `head` and an identity for one of its recipients: it
 * encrypts every chunk to the same bytes, so an interrupted upload continues without the payload key being stored.
 */
export const resumeEncryptor = age.resumeEncryptor;
/**
 * A {@link createEncryptor} writer for `recipients`, plus its file key sealed to `keepers` (an age file): for a file
 * the keeper cannot open (a disclosure to an agency) whose upload must still resume after a reload.
 */
export const createKeptEncryptor = age.createKeptEncryptor;
/**
 * The {@link createKeptEncryptor} writer again from its public head and kept key, opened with a keeper's identity:
 * same head, same bytes for every chunk, so an interrupted upload continues at any offset the server reports.
 */
export const resumeKeptEncryptor = age.resumeKeptEncryptor;

export { armor, dearmor } from './armor.js';
export { AgeError } from './errors.js';
export { generateIdentity, identityToRecipient, isRecipient } from './identity.js';
export { parseHeader } from './parse.js';
export type { Age, KeptEncryptor } from './age.js';
export type { CiphertextRange, PayloadReader, PayloadWriter } from './payload.js';
