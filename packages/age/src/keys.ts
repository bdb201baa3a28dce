import type { Backend } from './backend.js';
import { concat } from './bytes.js';
import { AgeError } from './errors.js';
import { encodeHeader, parseHeaderBytes, verifyHeaderMac, type Header, type Stanza } from './header.js';
import { unwrapScrypt, wrapScrypt } from './scrypt.js';
import { PAYLOAD_NONCE_SIZE, payloadKey } from './stream.js';
import { parseIdentity, parseRecipient, unwrapX25519, wrapX25519 } from './x25519.js';

/** What an encryptor or decryptor needs once the header is settled: the head bytes and the payload key. */
export interface Session {
  /** Header followed by the 16-byte payload nonce. */
  head: Uint8Array;
  key: Uint8Array;
  /** The 16-byte file key the header wraps (the payload key is derived from it and the nonce). */
  fileKey: Uint8Array;
}

function seal(backend: Backend, fileKey: Uint8Array, stanzas: Stanza[]): Session {
  const nonce = backend.randomBytes(PAYLOAD_NONCE_SIZE);
  return { head: concat(encodeHeader(stanzas, fileKey), nonce), key: payloadKey(fileKey, nonce), fileKey };
}

/** A new file key wrapped to every `recipients` entry (`age1…`). */
export function sealToRecipients(backend: Backend, recipients: string[]): Session {
  if (recipients.length === 0) throw new AgeError('no recipients');
  const publicKeys = recipients.map(parseRecipient);
  const fileKey = backend.randomBytes(16);
  return seal(
    backend,
    fileKey,
    publicKeys.map((key) => wrapX25519(backend, fileKey, key)),
  );
}

/** A new file key wrapped under `passphrase` in a lone `scrypt` stanza. */
export async function sealToPassphrase(backend: Backend, passphrase: string, logN: number): Promise<Session> {
  const fileKey = backend.randomBytes(16);
  return seal(backend, fileKey, [await wrapScrypt(backend, fileKey, passphrase, logN)]);
}

function checkScryptAlone(header: Header): boolean {
  const scrypt = header.stanzas.some((s) => s.type === 'scrypt');
  if (scrypt && header.stanzas.length > 1) throw new AgeError('scrypt stanza must be alone');
  return scrypt;
}

/** Parses the header at the start of `bytes`; throws when it is incomplete. */
export function requireHeader(bytes: Uint8Array): Header {
  const header = parseHeaderBytes(bytes);
  if (!header) throw new AgeError('truncated header');
  return header;
}

/** The file key of `header` for any of `identities` (`AGE-SECRET-KEY-1…`), its MAC verified. */
export function unlockWithIdentities(backend: Backend, header: Header, identities: string[]): Uint8Array {
  if (identities.length === 0) throw new AgeError('no identities');
  const secrets = identities.map(parseIdentity);
  if (checkScryptAlone(header)) throw new AgeError('file is passphrase-encrypted');
  for (const stanza of header.stanzas) {
    if (stanza.type !== 'X25519') continue;
    for (const secret of secrets) {
      const fileKey = unwrapX25519(backend, stanza, secret);
      if (fileKey) {
        verifyHeaderMac(header, fileKey);
        return fileKey;
      }
    }
  }
  throw new AgeError('no identity matched');
}

/** The file key of a passphrase-encrypted `header`, its MAC verified. */
export async function unlockWithPassphrase(
  backend: Backend,
  header: Header,
  passphrase: string,
): Promise<Uint8Array> {
  if (!checkScryptAlone(header)) throw new AgeError('file is not passphrase-encrypted');
  const fileKey = await unwrapScrypt(backend, header.stanzas[0]!, passphrase);
  verifyHeaderMac(header, fileKey);
  return fileKey;
}

/** The payload key, given the bytes from the start of the file through at least the payload nonce. */
export function openSession(header: Header, bytes: Uint8Array, fileKey: Uint8Array): Session {
  const headLength = header.length + PAYLOAD_NONCE_SIZE;
  if (bytes.length < headLength) throw new AgeError('truncated payload nonce');
  const nonce = bytes.subarray(header.length, headLength);
  return { head: bytes.subarray(0, headLength), key: payloadKey(fileKey, nonce), fileKey };
}
