import { describe, expect, it } from 'vitest';
import { createAge } from './age.js';
import { nobleBackend } from './backend-noble.js';
import { nodeBackend } from './backend-node.js';
import { generateIdentity } from './identity.js';
import { decrypt } from './index.js';
import { plaintextOf } from './test-support/fixtures.js';

const CHUNK = 64 * 1024;
const backends = { node: nodeBackend, noble: nobleBackend };

/** Every chunk of `plaintext` from `writer`, starting at chunk `from`. */
async function chunksOf(
  writer: { encryptChunk(i: number, p: Uint8Array, last: boolean): Promise<Uint8Array> },
  plaintext: Uint8Array,
  from = 0,
): Promise<Uint8Array[]> {
  const count = Math.max(1, Math.ceil(plaintext.length / CHUNK));
  const out: Uint8Array[] = [];
  for (let i = from; i < count; i++) {
    out.push(await writer.encryptChunk(i, plaintext.subarray(i * CHUNK, (i + 1) * CHUNK), i === count - 1));
  }
  return out;
}

const { identity, recipient } = await generateIdentity();
const other = await generateIdentity();

describe('resumeEncryptor', () => {
  const plaintext = plaintextOf(3 * CHUNK + 777, 7);

  for (const [name, backend] of Object.entries(backends)) {
    const age = createAge(backend);

    it(`${name}: continues an interrupted file byte for byte from its public head alone`, async () => {
      const original = await age.createEncryptor([recipient]);
      const uninterrupted = await chunksOf(original, plaintext);
      // A reload keeps only a copy of the head; the original writer (and its key) is gone.
      const resumed = await age.resumeEncryptor(original.head.slice(), [identity]);
      expect(Buffer.from(resumed.head).equals(Buffer.from(original.head))).toBe(true);
      expect(resumed.ciphertextSize(plaintext.length)).toBe(original.ciphertextSize(plaintext.length));
      const tail = await chunksOf(resumed, plaintext, 2);
      expect(tail.map((c) => Buffer.from(c).toString('hex'))).toEqual(
        uninterrupted.slice(2).map((c) => Buffer.from(c).toString('hex')),
      );
      const file = Buffer.concat([original.head, ...uninterrupted.slice(0, 2), ...tail]);
      expect(await decrypt(file, [identity])).toEqual(plaintext);
    });

    it(`${name}: refuses an identity the file was not encrypted to`, async () => {
      const original = await age.createEncryptor([recipient]);
      await expect(age.resumeEncryptor(original.head, [other.identity])).rejects.toThrow(
        /no identity matched/,
      );
    });

    it(`${name}: refuses a head whose header was tampered with`, async () => {
      const original = await age.createEncryptor([recipient, other.recipient]);
      const text = Buffer.from(original.head).toString('latin1');
      // Drop the second recipient's stanza: the remaining stanza still unwraps, but the header MAC no longer holds.
      const second = text.indexOf('-> X25519', text.indexOf('-> X25519') + 1);
      const end = text.indexOf('\n', text.indexOf('\n', second) + 1) + 1;
      const tampered = Buffer.from(text.slice(0, second) + text.slice(end), 'latin1');
      await expect(age.resumeEncryptor(tampered, [identity])).rejects.toThrow(/header MAC|mac/i);
      const flipped = original.head.slice();
      flipped[flipped.length - 20] ^= 1; // inside the MAC line
      await expect(age.resumeEncryptor(flipped, [identity])).rejects.toThrow();
    });

    it(`${name}: refuses a head cut short or followed by payload bytes`, async () => {
      const original = await age.createEncryptor([recipient]);
      await expect(age.resumeEncryptor(original.head.subarray(0, -1), [identity])).rejects.toThrow(
        /truncated payload nonce/,
      );
      const longer = Buffer.concat([original.head, new Uint8Array(1)]);
      await expect(age.resumeEncryptor(longer, [identity])).rejects.toThrow(/trailing data/);
    });
  }
});
