import { describe, expect, it } from 'vitest';
import { createAge } from './age.js';
import { nobleBackend } from './backend-noble.js';
import { nodeBackend } from './backend-node.js';
import { generateIdentity } from './identity.js';
import { decrypt } from './index.js';
import { ageDecrypt, plaintextOf, scratchDir } from './test-support/fixtures.js';

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

/*
 * A disclosure is encrypted to an agency, not to its sender, so its head alone cannot rebuild the writer after a
 * reload: the sender keeps the file key sealed to their own recipient (an age file) next to the head.
 */
describe('createKeptEncryptor / resumeKeptEncryptor', { timeout: 60_000 }, () => {
  const agency = other;
  const owner = { identity, recipient };
  const plaintext = plaintextOf(5 * CHUNK + 1234, 11);

  for (const [name, backend] of Object.entries(backends)) {
    const age = createAge(backend);

    it(`${name}: a file sent in two sittings, split mid-chunk, decrypts with the Debian age CLI`, async () => {
      const dir = await scratchDir();
      const { writer, keptKey } = await age.createKeptEncryptor([agency.recipient], [owner.recipient]);
      const size = writer.ciphertextSize(plaintext.length);
      const before = await chunksOf(writer, plaintext);
      const full = Buffer.concat([writer.head, ...before]);
      // The server had 2.5 chunks when the page went away: only the head and the kept key survive the reload.
      const offset = writer.head.length + 2 * (CHUNK + 16) + 30_000;
      const resumed = await age.resumeKeptEncryptor(writer.head.slice(), keptKey.slice(), [owner.identity]);
      const tail = await chunksOf(resumed, plaintext, 2);
      const rest = Buffer.concat(tail).subarray(offset - writer.head.length - 2 * (CHUNK + 16));
      const file = Buffer.concat([full.subarray(0, offset), rest]);
      expect(file.length).toBe(size);
      expect(file.equals(full)).toBe(true);
      const cli = await ageDecrypt(dir, file, agency.identity);
      expect(cli.stderr).toBe('');
      expect(cli.code).toBe(0);
      expect(new Uint8Array(cli.stdout)).toEqual(plaintext);
    });

    it(`${name}: the kept key opens for the keeper only, and is no recipient of the file`, async () => {
      const { writer, keptKey } = await age.createKeptEncryptor([agency.recipient], [owner.recipient]);
      // The owner cannot read what the agency gets, and the agency cannot use the kept key.
      await expect(age.openPayload(writer.head, [owner.identity])).rejects.toThrow(/no identity matched/);
      await expect(age.resumeKeptEncryptor(writer.head, keptKey, [agency.identity])).rejects.toThrow(
        /no identity matched/,
      );
      // The kept key is an ordinary age file to the keeper, 16 bytes inside; the CLI agrees.
      const cli = await ageDecrypt(await scratchDir(), keptKey, owner.identity);
      expect(cli.code).toBe(0);
      expect(cli.stdout.length).toBe(16);
      expect(Buffer.from(keptKey).includes(Buffer.from(cli.stdout))).toBe(false);
      expect(Buffer.from(writer.head).includes(Buffer.from(cli.stdout))).toBe(false);
    });

    it(`${name}: refuses a kept key from another file, a tampered head, or a head with payload bytes`, async () => {
      const a = await age.createKeptEncryptor([agency.recipient], [owner.recipient]);
      const b = await age.createKeptEncryptor([agency.recipient], [owner.recipient]);
      await expect(age.resumeKeptEncryptor(a.writer.head, b.keptKey, [owner.identity])).rejects.toThrow(
        /header mac mismatch/,
      );
      const flipped = a.writer.head.slice();
      flipped[flipped.length - 20] ^= 1;
      await expect(age.resumeKeptEncryptor(flipped, a.keptKey, [owner.identity])).rejects.toThrow();
      const longer = Buffer.concat([a.writer.head, new Uint8Array(1)]);
      await expect(age.resumeKeptEncryptor(longer, a.keptKey, [owner.identity])).rejects.toThrow(
        /trailing data/,
      );
      const cut = a.keptKey.slice(0, -1);
      await expect(age.resumeKeptEncryptor(a.writer.head, cut, [owner.identity])).rejects.toThrow();
    });
  }
});
