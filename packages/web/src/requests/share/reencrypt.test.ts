import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createEncryptor, generateIdentity, openPayload } from '@porchlight/age';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHUNK, chunkCount, chunkOffset, sealedLength } from '../../vault/layout';
import { BATCH, fileReader, reencrypt, type ClipReader } from './reencrypt';

const run = promisify(execFile);
type Keys = { identity: string; recipient: string };
let owner: Keys;
let members: Keys[];
let dir = '';

beforeAll(async () => {
  owner = await generateIdentity();
  members = [await generateIdentity(), await generateIdentity()];
  dir = await mkdtemp(path.join(tmpdir(), 'porchlight-share-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The owner's vault clip as the hub or the vault upload stores it: age to the owner's recipient. */
async function vaultClip(plain: Uint8Array): Promise<Uint8Array> {
  const writer = await createEncryptor([owner.recipient]);
  const count = chunkCount(plain.length);
  const parts = [writer.head];
  for (let i = 0; i < count; i++)
    parts.push(await writer.encryptChunk(i, plain.subarray(i * CHUNK, (i + 1) * CHUNK), i === count - 1));
  return Buffer.concat(parts);
}

/** A reader over stored ciphertext that decrypts only requested chunks, as the vault's clipSource does. */
async function reader(
  stored: Uint8Array,
  size: number,
  reads: number[] = [],
  identity = owner.identity,
): Promise<ClipReader> {
  const payload = await openPayload(stored.subarray(0, 4096), [identity]);
  const count = chunkCount(size);
  return {
    size,
    async chunks(first, last) {
      reads.push(last - first + 1);
      const out: Uint8Array[] = [];
      for (let i = first; i <= last; i++) {
        const at = chunkOffset(payload.headLength, i);
        out.push(
          await payload.decryptChunk(i, stored.subarray(at, at + sealedLength(i, size)), i === count - 1),
        );
      }
      return out;
    },
  };
}

const hex = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('re-encrypting a vault clip to an agency', () => {
  // Sizes at the chunk and batch boundaries, where an off-by-one would corrupt or drop bytes.
  it.each([0, 1, CHUNK - 1, CHUNK, CHUNK + 1, BATCH * CHUNK, BATCH * CHUNK + 7, 3 * BATCH * CHUNK - 1])(
    'gives the agency the same %i plaintext bytes, hashed as uploaded, under a fresh file key',
    async (size) => {
      const plain = randomBytes(size);
      const stored = await vaultClip(plain);
      const disclosure = await reencrypt(
        await reader(stored, size),
        members.map((m) => m.recipient),
      );
      const digest = await disclosure.digest();
      // What tus uploads: slices of an odd size that straddle chunks and the header.
      const parts: Uint8Array[] = [];
      for (let at = 0; at < disclosure.size; at += 100_003)
        parts.push(await disclosure.slice(at, at + 100_003));
      const file = Buffer.concat(parts);
      expect(file.length).toBe(disclosure.size);
      expect(digest).toEqual({
        plaintextSha256: hex(plain),
        ciphertextSha256: hex(file),
        plaintextBytes: size,
        ciphertextBytes: file.length,
      });
      for (const member of members) {
        const opened = await reader(file, size, [], member.identity);
        expect(hex(Buffer.concat(await opened.chunks(0, chunkCount(size) - 1)))).toBe(hex(plain));
      }
      // The owner's key does not open the disclosure: it is a new file, not the vault clip re-wrapped.
      await expect(reader(file, size)).rejects.toThrow();
    },
  );

  it('is decrypted by the age CLI with a member identity', async () => {
    const plain = randomBytes(3 * CHUNK + 11);
    const disclosure = await reencrypt(await reader(await vaultClip(plain), plain.length), [
      members[1]!.recipient,
    ]);
    await writeFile(path.join(dir, 'member.txt'), `${members[1]!.identity}\n`);
    await writeFile(path.join(dir, 'clip.age'), await disclosure.slice(0, disclosure.size));
    await run('age', [
      '-d',
      '-i',
      path.join(dir, 'member.txt'),
      '-o',
      path.join(dir, 'clip.mp4'),
      path.join(dir, 'clip.age'),
    ]);
    expect(hex(await readFile(path.join(dir, 'clip.mp4')))).toBe(hex(plain));
  });

  it('reads the vault clip in bounded batches, never the whole clip at once', async () => {
    const size = 5 * BATCH * CHUNK + 3;
    const reads: number[] = [];
    const disclosure = await reencrypt(await reader(await vaultClip(randomBytes(size)), size, reads), [
      members[0]!.recipient,
    ]);
    const progress: number[] = [];
    await disclosure.digest((done) => progress.push(done));
    expect(Math.max(...reads)).toBeLessThanOrEqual(BATCH);
    expect(progress.at(-1)).toBe(size);
    expect(progress.length).toBe(6);
  });
});

describe('encrypting a redacted copy made in the page', () => {
  it.each([1, CHUNK, CHUNK + 1, BATCH * CHUNK + 7, 2 * BATCH * CHUNK + 5])(
    'gives the agency the file’s %i bytes, opened by the age CLI with a member identity',
    async (size) => {
      const plain = randomBytes(size);
      const disclosure = await reencrypt(fileReader(new Blob([plain])), [members[0]!.recipient]);
      const digest = await disclosure.digest();
      const file = await disclosure.slice(0, disclosure.size);
      expect(digest).toEqual({
        plaintextSha256: hex(plain),
        ciphertextSha256: hex(file),
        plaintextBytes: size,
        ciphertextBytes: file.length,
      });
      await writeFile(path.join(dir, `member-${size}.txt`), `${members[0]!.identity}\n`);
      await writeFile(path.join(dir, `copy-${size}.age`), file);
      await run('age', [
        ...['-d', '-i', path.join(dir, `member-${size}.txt`)],
        ...['-o', path.join(dir, `copy-${size}.mp4`), path.join(dir, `copy-${size}.age`)],
      ]);
      expect(hex(await readFile(path.join(dir, `copy-${size}.mp4`)))).toBe(hex(plain));
    },
  );
});
