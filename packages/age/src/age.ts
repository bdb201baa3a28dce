import { armor, dearmor } from './armor.js';
import type { Backend } from './backend.js';
import { fromUtf8, utf8 } from './bytes.js';
import { AgeError, settle } from './errors.js';
import { verifyHeaderMac, type Header } from './header.js';
import {
  openSession,
  requireHeader,
  sealToPassphrase,
  sealToRecipients,
  unlockWithIdentities,
  unlockWithPassphrase,
  type Session,
} from './keys.js';
import { payloadReader, payloadWriter, type PayloadReader, type PayloadWriter } from './payload.js';
import { DEFAULT_LOG_N } from './scrypt.js';
import {
  CHUNK_SIZE,
  SEALED_CHUNK_SIZE,
  chunkCount,
  openChunk,
  openedSize,
  sealChunk,
  sealedSize,
} from './stream.js';
import { decryptTransform, encryptTransform } from './streams.js';
import { parseIdentity } from './x25519.js';

/** The backend-dependent half of the public surface; `index.ts` and `browser.ts` bind it to a backend. */
export interface Age {
  encrypt: (plaintext: Uint8Array, recipients: string[]) => Promise<Uint8Array>;
  decrypt: (ciphertext: Uint8Array, identities: string[]) => Promise<Uint8Array>;
  encryptStream: (recipients: string[]) => TransformStream<Uint8Array, Uint8Array>;
  decryptStream: (identities: string[]) => TransformStream<Uint8Array, Uint8Array>;
  wrapIdentity: (identity: string, passphrase: string, opts?: { logN?: number }) => Promise<string>;
  unwrapIdentity: (armored: string, passphrase: string) => Promise<string>;
  openPayload: (head: Uint8Array, identities: string[]) => Promise<PayloadReader>;
  createEncryptor: (recipients: string[]) => Promise<PayloadWriter>;
  resumeEncryptor: (head: Uint8Array, identities: string[]) => Promise<PayloadWriter>;
  createKeptEncryptor: (recipients: string[], keepers: string[]) => Promise<KeptEncryptor>;
  resumeKeptEncryptor: (
    head: Uint8Array,
    keptKey: Uint8Array,
    identities: string[],
  ) => Promise<PayloadWriter>;
}

/** A {@link PayloadWriter} for a file to others, with its file key kept for someone who is not a recipient. */
export interface KeptEncryptor {
  writer: PayloadWriter;
  /**
   * An age file, to the keepers only, whose plaintext is the 16-byte file key of `writer`'s file. With `writer.head`
   * and a keeper's identity it rebuilds the writer (`resumeKeptEncryptor`); on its own it opens nothing.
   */
  keptKey: Uint8Array;
}

const FILE_KEY_SIZE = 16;

function sealAll(backend: Backend, session: Session, plaintext: Uint8Array): Uint8Array {
  const out = new Uint8Array(session.head.length + sealedSize(plaintext.length));
  out.set(session.head, 0);
  const count = chunkCount(plaintext.length);
  for (let i = 0; i < count; i++) {
    const chunk = plaintext.subarray(i * CHUNK_SIZE, (i + 1) * CHUNK_SIZE);
    out.set(
      sealChunk(backend, session.key, i, chunk, i === count - 1),
      session.head.length + i * SEALED_CHUNK_SIZE,
    );
  }
  return out;
}

function openAll(backend: Backend, session: Session, ciphertext: Uint8Array): Uint8Array {
  const payload = ciphertext.subarray(session.head.length);
  const out = new Uint8Array(openedSize(payload.length));
  const count = chunkCount(out.length);
  for (let i = 0; i < count; i++) {
    const sealed = payload.subarray(i * SEALED_CHUNK_SIZE, (i + 1) * SEALED_CHUNK_SIZE);
    out.set(openChunk(backend, session.key, i, sealed, i === count - 1), i * CHUNK_SIZE);
  }
  return out;
}

/** The one identity in an identity file's text; `age-keygen` files add `#` comment lines. */
function identityFromFile(text: string): string {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '' && !line.startsWith('#'));
  if (lines.length !== 1) throw new AgeError('wrapped value is not one identity');
  parseIdentity(lines[0]!);
  return lines[0]!;
}

/** Binds the age operations to `backend`. */
export function createAge(backend: Backend): Age {
  const unlock = (header: Header, identities: string[]): Uint8Array =>
    unlockWithIdentities(backend, header, identities);
  return {
    encrypt: (plaintext, recipients) =>
      settle(() => sealAll(backend, sealToRecipients(backend, recipients), plaintext)),
    decrypt: (ciphertext, identities) =>
      settle(() => {
        const header = requireHeader(ciphertext);
        return openAll(backend, openSession(header, ciphertext, unlock(header, identities)), ciphertext);
      }),
    encryptStream: (recipients) => encryptTransform(backend, sealToRecipients(backend, recipients)),
    decryptStream: (identities) => {
      identities.forEach(parseIdentity);
      return decryptTransform(backend, (header) => unlock(header, identities));
    },
    wrapIdentity: async (identity, passphrase, opts) => {
      parseIdentity(identity);
      const session = await sealToPassphrase(backend, passphrase, opts?.logN ?? DEFAULT_LOG_N);
      return armor(sealAll(backend, session, utf8(identity)));
    },
    unwrapIdentity: async (armored, passphrase) => {
      const ciphertext = dearmor(armored);
      const header = requireHeader(ciphertext);
      const fileKey = await unlockWithPassphrase(backend, header, passphrase);
      return identityFromFile(
        fromUtf8(openAll(backend, openSession(header, ciphertext, fileKey), ciphertext)),
      );
    },
    openPayload: (head, identities) =>
      settle(() => {
        const header = requireHeader(head);
        const session = openSession(header, head, unlock(header, identities));
        return payloadReader(backend, session.key, session.head.length);
      }),
    createEncryptor: (recipients) =>
      settle(() => {
        const session = sealToRecipients(backend, recipients);
        return payloadWriter(backend, session.key, session.head);
      }),
    resumeEncryptor: (head, identities) =>
      settle(() => {
        // Only the head is public; the payload key comes back from the identity, and the header MAC must hold.
        const header = requireHeader(head);
        const session = openSession(header, head, unlock(header, identities));
        if (head.length !== session.head.length) throw new AgeError('trailing data after payload nonce');
        return payloadWriter(backend, session.key, session.head.slice());
      }),
    createKeptEncryptor: (recipients, keepers) =>
      settle(() => {
        const session = sealToRecipients(backend, recipients);
        const keptKey = sealAll(backend, sealToRecipients(backend, keepers), session.fileKey);
        return { writer: payloadWriter(backend, session.key, session.head), keptKey };
      }),
    resumeKeptEncryptor: (head, keptKey, identities) =>
      settle(() => {
        const kept = requireHeader(keptKey);
        const fileKey = openAll(backend, openSession(kept, keptKey, unlock(kept, identities)), keptKey);
        if (fileKey.length !== FILE_KEY_SIZE) throw new AgeError('kept key is not a file key');
        // The kept key must be this head's: its header MAC holds only under the file key it wraps.
        const header = requireHeader(head);
        verifyHeaderMac(header, fileKey);
        const session = openSession(header, head, fileKey);
        if (head.length !== session.head.length) throw new AgeError('trailing data after payload nonce');
        return payloadWriter(backend, session.key, session.head.slice());
      }),
  };
}
